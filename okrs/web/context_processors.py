"""What the top bar of every page needs: the inbox's unread count and whether the reader is a
site admin. Read lazily, so a page that never renders the bar pays nothing."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from okrs.org.access import is_site_admin


class Navigation:
    def __init__(self, request: HttpRequest) -> None:
        from django.contrib.auth.models import AnonymousUser

        # a page drawn without the auth middleware (the CSRF failure view's) has no user
        self._user = getattr(request, "user", None) or AnonymousUser()

    @cached_property
    def unread(self) -> int:
        """Unread lines of the reader's inbox (one query, counted on the inbox's index)."""
        if not self._user.is_authenticated:
            return 0
        from okrs.talk.models import Notification

        return Notification.objects.filter(recipient_id=self._user.pk, read_at=None).count()

    @cached_property
    def admin(self) -> bool:
        return is_site_admin(self._user)


def navigation(request: HttpRequest) -> dict[str, Navigation]:
    return {"nav": Navigation(request)}
