from django.urls import path

from okrs.heartbeats import views

app_name = "heartbeats"
urlpatterns = [
    path("teams/<slug:slug>/heartbeats/", views.heartbeat_list, name="list"),
    path("teams/<slug:slug>/heartbeats/split/", views.heartbeat_split, name="split"),
    path("teams/<slug:slug>/heartbeats/new/", views.heartbeat_new, name="heartbeat_new"),
    path("teams/<slug:slug>/heartbeats/<int:pk>/", views.board, name="board"),
    path(
        "teams/<slug:slug>/heartbeats/<int:pk>/edit/", views.heartbeat_edit, name="heartbeat_edit"
    ),
    path("teams/<slug:slug>/heartbeats/<int:pk>/review/", views.review, name="review"),
    path("teams/<slug:slug>/heartbeats/<int:pk>/plan/", views.plan, name="plan"),
    path("teams/<slug:slug>/heartbeats/<int:pk>/carry-over/", views.carry, name="carry_over"),
    path("teams/<slug:slug>/packets/", views.packet_list, name="packets"),
    path("teams/<slug:slug>/packets/new/", views.packet_new, name="packet_new"),
    path("teams/<slug:slug>/packets/<int:pk>/links/", views.packet_links, name="packet_links"),
    path("teams/<slug:slug>/packets/<int:pk>/roles/", views.packet_roles, name="packet_roles"),
    path("teams/<slug:slug>/packets/<int:pk>/", views.packet_detail, name="packet"),
    path("teams/<slug:slug>/packets/<int:pk>/status/", views.packet_move, name="packet_move"),
    path("teams/<slug:slug>/packets/<int:pk>/edit/", views.packet_edit, name="packet_edit"),
    path(
        "teams/<slug:slug>/packets/<int:pk>/checklist/", views.checklist_add, name="checklist_add"
    ),
    path(
        "teams/<slug:slug>/packets/<int:pk>/checklist/<int:item>/",
        views.checklist_done,
        name="checklist_done",
    ),
    path("key-results/<int:pk>/packets/", views.key_result_packets, name="kr_packets"),
]
