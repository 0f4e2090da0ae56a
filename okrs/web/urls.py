from django.urls import path

from okrs.web.views import (
    accounts,
    checkins,
    editing,
    nav,
    pages,
    periods,
    publish,
    team_settings,
)
from okrs.web.views_map import alignment_map
from okrs.web.views_review import period_review, period_review_trend
from okrs.web.views_search import search

app_name = "web"
urlpatterns = [
    path("", pages.home, name="home"),
    path("me/", nav.me, name="me"),
    path("teams/", nav.teams, name="teams"),
    path("periods/", nav.periods, name="periods"),
    path("periods/new/", periods.period_new, name="period_new"),
    path("periods/<slug:slug>/edit/", periods.period_edit, name="period_edit"),
    path("periods/<slug:slug>/publish/", publish.publish, name="publish"),
    path("surveys/", nav.surveys, name="surveys"),
    path("map/", alignment_map, name="map"),
    path("search/", search, name="search"),
    path("periods/<slug:slug>/review/", period_review, name="review"),
    path("periods/<slug:slug>/review/trend/", period_review_trend, name="review_trend"),
    path("teams/<slug:slug>/", pages.team, name="team"),
    path("teams/<slug:slug>/trend/", pages.team_grade_trend, name="team_trend"),
    path("teams/<slug:slug>/settings/", team_settings.team_settings, name="team_settings"),
    path("objectives/new/", editing.objective_new, name="objective_new"),
    path("objectives/<int:pk>/", pages.objective, name="objective"),
    path("objectives/<int:pk>/edit/", editing.objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/move/", editing.objective_move, name="objective_move"),
    path("objectives/<int:pk>/state/", editing.objective_state, name="objective_state"),
    path("objectives/<int:pk>/review/", editing.objective_review, name="objective_review"),
    path("objectives/<int:pk>/align/", editing.alignment_add, name="alignment_add"),
    path(
        "objectives/<int:pk>/align/<int:alignment_pk>/remove/",
        editing.alignment_remove,
        name="alignment_remove",
    ),
    path("objectives/<int:pk>/key-results/new/", editing.key_result_new, name="key_result_new"),
    path("key-results/<int:pk>/", pages.key_result, name="key_result"),
    path("key-results/<int:pk>/edit/", editing.key_result_edit, name="key_result_edit"),
    path("key-results/<int:pk>/move/", editing.key_result_move, name="key_result_move"),
    path("key-results/<int:pk>/archive/", editing.key_result_archive, name="key_result_archive"),
    path("key-results/<int:pk>/delete/", editing.key_result_delete, name="key_result_delete"),
    path("key-results/<int:pk>/checkin/", checkins.checkin, name="checkin"),
    # accounts
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("accounts/settings/", accounts.settings_page, name="settings"),
    path("accounts/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        accounts.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/sent/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
