"""Where webhooks may go: public addresses only, unless `OKRS_WEBHOOK_ALLOW_PRIVATE` says so.

A lead chooses a webhook's URL, and the server calls it: without this check a lead could make
the server call its own network (the database, a cloud metadata service, an admin port). The
URL is checked when the subscription is saved and again before every attempt, since a name can
resolve elsewhere later.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class AddressRefused(ValueError):
    """The URL's host is not a public address (or cannot be resolved)."""


def check_url(url: str) -> None:
    """Raise AddressRefused unless `url` is http(s) to a host whose every address is public."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused("must be an http:// or https:// URL with a host name.")
    if settings.OKRS_WEBHOOK_ALLOW_PRIVATE:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise AddressRefused("has an invalid port.") from None
    try:
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise AddressRefused(f"host {parts.hostname!r} cannot be resolved.") from None
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if not address.is_global:
            raise AddressRefused(
                f"host {parts.hostname!r} is at {address}, which is not a public address"
                " (set OKRS_WEBHOOK_ALLOW_PRIVATE=1 to allow receivers on private networks)."
            )
