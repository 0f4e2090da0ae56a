from django.urls import path

from okrs.accounts import views

app_name = "accounts"
urlpatterns = [
    path("teams/<slug:slug>/invitations/", views.team_invitations, name="team_invitations"),
    path(
        "teams/<slug:slug>/invitations/<int:pk>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("teams/<slug:slug>/leave/", views.leave_team, name="leave_team"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("accounts/delete/", views.delete_account, name="delete_account"),
]
