"""Where webhooks may go: public addresses only, unless `OKRS_WEBHOOK_ALLOW_PRIVATE` says so.

A lead chooses a webhook's URL, and the server calls it: without this check a lead could make
the server call its own network (the database, a cloud metadata service, an admin port). The
URL is checked when the subscription is saved and again before every attempt, since a name can
resolve elsewhere later. The attempt then connects to the very address that was checked
(`resolve` → `Target.url`, with the original `Host` header and TLS server name), so a name that
answers differently a moment later (DNS rebinding) cannot slip a private address in between the
check and the connection.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


class AddressRefused(ValueError):
    """The URL's host is not a public address (or cannot be resolved)."""


@dataclass(frozen=True)
class Target:
    """A checked URL: connect to `url` (its host replaced by the checked address), sending
    `host_header` as Host and `server_name` as the TLS server name (certificates are verified
    against that name, not against the address)."""

    url: str
    host_header: str
    server_name: str
    address: str


def resolve(url: str) -> Target:
    """Resolve `url`'s host once and check every address; the first one is connected to.
    Raise AddressRefused unless it is http(s) to a host whose every address is public (or
    private ones are allowed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused("must be an http:// or https:// URL with a host name.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise AddressRefused("has an invalid port.") from None
    try:
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise AddressRefused(f"host {parts.hostname!r} cannot be resolved.") from None
    addresses = [ipaddress.ip_address(str(s[0]).split("%", 1)[0]) for *_, s in found]
    if not addresses:
        raise AddressRefused(f"host {parts.hostname!r} cannot be resolved.")
    if not settings.OKRS_WEBHOOK_ALLOW_PRIVATE:
        for address in addresses:
            if not address.is_global:
                raise AddressRefused(
                    f"host {parts.hostname!r} is at {address}, which is not a public address"
                    " (set OKRS_WEBHOOK_ALLOW_PRIVATE=1 to allow receivers on private networks)."
                )
    chosen = addresses[0]
    literal = f"[{chosen}]" if chosen.version == 6 else str(chosen)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    host_header = parts.netloc.rsplit("@", 1)[-1]  # never credentials in a Host header
    return Target(
        url=urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")),
        host_header=host_header,
        server_name=parts.hostname,
        address=str(chosen),
    )


def check_url(url: str) -> None:
    """Raise AddressRefused unless `url` is http(s) to a host whose every address is public.
    When private addresses are allowed, the name is not looked up before the first attempt."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused("must be an http:// or https:// URL with a host name.")
    if not settings.OKRS_WEBHOOK_ALLOW_PRIVATE:
        resolve(url)
