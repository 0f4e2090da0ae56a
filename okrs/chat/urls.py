from django.urls import path

from okrs.chat import views

app_name = "chat"
urlpatterns = [
    path("teams/<slug:slug>/chat/", views.channels, name="channels"),
    path("teams/<slug:slug>/chat/<int:pk>/remove/", views.channel_remove, name="channel_remove"),
]
