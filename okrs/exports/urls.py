from django.urls import path

from okrs.exports import views

app_name = "exports"
urlpatterns = [
    path("periods/<slug:slug>/objectives.csv", views.period_download, name="period"),
    path("key-results/<int:pk>/check-ins.csv", views.checkins_download, name="checkins"),
]
