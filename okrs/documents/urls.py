from django.urls import path

from okrs.documents import views

app_name = "documents"
urlpatterns = [
    path("teams/<slug:slug>/import/", views.paste, name="paste"),
]
