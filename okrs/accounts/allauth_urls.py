"""The part of allauth okrs serves, under accounts/: sign-up, email confirmation and social
sign-in. Logging in and out, passwords and settings stay okrs.web's pages (allauth's
`account_login` and `account_logout` name them), so there is one way to do each."""

from allauth.account import views as account
from allauth.socialaccount import views as social
from allauth.urls import build_provider_urlpatterns
from django.urls import path, re_path

from okrs.web.views import accounts as web_accounts

urlpatterns = [
    path("login/", web_accounts.LoginView.as_view(), name="account_login"),
    path("logout/", web_accounts.LogoutView.as_view(), name="account_logout"),
    # the same paths as okrs.web's pages, for the links allauth's mails and views make
    path("reset/", web_accounts.PasswordResetView.as_view(), name="account_reset_password"),
    path("password/", web_accounts.PasswordChangeView.as_view(), name="account_change_password"),
    path("inactive/", account.account_inactive, name="account_inactive"),
    path("signup/", account.signup, name="account_signup"),
    path("confirm-email/", account.email_verification_sent, name="account_email_verification_sent"),
    re_path(
        r"^confirm-email/(?P<key>[-:\w]+)/$", account.confirm_email, name="account_confirm_email"
    ),
    path("3rdparty/login/cancelled/", social.login_cancelled, name="socialaccount_login_cancelled"),
    path("3rdparty/login/error/", social.login_error, name="socialaccount_login_error"),
    path("3rdparty/signup/", social.signup, name="socialaccount_signup"),
    *build_provider_urlpatterns(),  # github/login/, github/login/callback/, oidc/<id>/login/…
]
