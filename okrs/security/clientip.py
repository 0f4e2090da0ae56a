"""The client's address, read correctly behind a reverse proxy.

`REMOTE_ADDR` is the client unless it is one of OKRS_TRUSTED_PROXIES (addresses or networks);
then the client is the right-most address of `X-Forwarded-For` that is not a trusted proxy
(each proxy appends the address it received from, so entries left of the last untrusted one may
be forged). The rate limits (django-ratelimit) and the log-in lockout (django-axes) both key on
this address, so behind a proxy one visitor's failures do not lock out everyone.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _trusted(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _is_trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"
    trusted = _trusted(tuple(getattr(settings, "OKRS_TRUSTED_PROXIES", ())))
    if not trusted or not _is_trusted(remote, trusted):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a malformed entry: the proxy itself is the last sure address
    return remote
