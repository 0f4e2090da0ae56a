from django.urls import path

from okrs.talk import views

app_name = "talk"
urlpatterns = [
    path("talk/<str:kind>/<int:pk>/comments/", views.comment_post, name="comment_post"),
    path("talk/<str:kind>/<int:pk>/interest/", views.interest_toggle, name="interest"),
    path("talk/<str:kind>/<int:pk>/follow/", views.follow_toggle, name="follow"),
    path("talk/<str:kind>/<int:pk>/offers/", views.offer_make, name="offer"),
    path("talk/comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("talk/comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("talk/comments/<int:pk>/hide/", views.comment_hide, name="comment_hide"),
    path("talk/offers/<int:pk>/accept/", views.offer_accept, name="offer_accept"),
    path("talk/offers/<int:pk>/decline/", views.offer_decline, name="offer_decline"),
    path("talk/objectives/<int:pk>/topic/", views.topic_link, name="topic_link"),
    path("teams/<slug:slug>/offers/", views.team_offers, name="offers"),
    path("teams/<slug:slug>/talk-settings/", views.team_talk_settings, name="team_settings"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/settings/", views.notification_settings, name="settings"),
]
