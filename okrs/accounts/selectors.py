from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress


def email_confirmed(user: Any) -> bool:
    """False for an account whose allauth addresses are all unconfirmed (signed up, link not
    followed yet); True otherwise, including accounts with no allauth address at all."""
    addresses = list(EmailAddress.objects.filter(user=user).values_list("verified", flat=True))
    return not addresses or any(addresses)
