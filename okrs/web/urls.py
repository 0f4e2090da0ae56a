from django.urls import path

from okrs.web import views
from okrs.web.views_map import alignment_map
from okrs.web.views_review import period_review
from okrs.web.views_search import search

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("map/", alignment_map, name="map"),
    path("search/", search, name="search"),
    path("periods/<slug:slug>/review/", period_review, name="review"),
]
