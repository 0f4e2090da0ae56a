from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "okrs.accounts"
    label = "accounts"
    verbose_name = "Accounts and invitations"

    def ready(self) -> None:
        from okrs.accounts import signals  # noqa: F401  (connects the receivers)
