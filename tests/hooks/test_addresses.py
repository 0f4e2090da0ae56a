"""Webhooks go to public addresses only: a lead cannot make the server call its own network."""

from __future__ import annotations

import socket

import pytest
from django.core.exceptions import ValidationError

from okrs.hooks import sender
from okrs.hooks.addresses import AddressRefused, check_url, resolve
from okrs.hooks.models import Delivery, Subscription
from okrs.hooks.services import subscription_create
from tests import factories as f


@pytest.fixture
def public_only(settings):  # type: ignore[no-untyped-def]
    settings.OKRS_WEBHOOK_ALLOW_PRIVATE = False


def _resolving_to(monkeypatch: pytest.MonkeyPatch, address: str) -> None:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(family, socket.SOCK_STREAM, 6, "", (address, 443))],
    )


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.5", "169.254.169.254", "::1", "fd00::1"],
)
def test_private_and_local_addresses_are_refused(public_only, monkeypatch, address) -> None:  # type: ignore[no-untyped-def]
    _resolving_to(monkeypatch, address)
    with pytest.raises(AddressRefused, match="not a public address"):
        check_url("https://hooks.example.org/okrs")


def test_public_addresses_and_only_http_schemes_pass(public_only, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _resolving_to(monkeypatch, "93.184.216.34")
    check_url("https://hooks.example.org/okrs")
    for bad in ("file:///etc/passwd", "gopher://x.example.org/", "https:///nohost"):
        with pytest.raises(AddressRefused, match="http"):
            check_url(bad)


@pytest.mark.django_db
def test_a_lead_cannot_subscribe_a_private_address(public_only) -> None:  # type: ignore[no-untyped-def]
    team = f.team()
    with pytest.raises(ValidationError) as caught:
        subscription_create(
            team=team, url="http://127.0.0.1:5432/", events=["checkin.recorded"], created_by=None
        )
    assert "not a public address" in str(caught.value.message_dict["url"])
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_a_name_that_later_points_inside_is_refused_at_delivery(public_only, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _resolving_to(monkeypatch, "93.184.216.34")
    team = f.team()
    subscription = subscription_create(
        team=team, url="https://hooks.example.org/", events=["checkin.recorded"], created_by=None
    )
    delivery = Delivery.objects.create(
        subscription=subscription, event="checkin.recorded", payload={}
    )
    _resolving_to(monkeypatch, "10.0.0.7")
    posted = []
    monkeypatch.setattr(sender, "post", lambda *a, **k: posted.append(a))
    attempt = sender.send(delivery)
    assert posted == []
    assert "refused" in attempt.error and "10.0.0.7" in attempt.error


@pytest.mark.django_db
def test_the_attempt_connects_to_the_address_it_checked(monkeypatch, receiver) -> None:  # type: ignore[no-untyped-def]
    """No DNS-rebinding gap: the name is resolved once per attempt, that answer is checked, and
    the connection goes to it with the original Host header; a second lookup (which a rebinding
    name would answer with an inside address) never happens."""
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    real = socket.getaddrinfo
    lookups: list[str] = []

    def rebinding(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "hooks.example.org":
            lookups.append(host)
            address = "127.0.0.1" if len(lookups) == 1 else "127.0.0.2"  # stays local
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, *args, **kwargs)

    team = f.team()
    subscription = subscription_create(
        team=team,
        url=f"http://hooks.example.org:{port}/hook",
        events=["checkin.recorded"],
        created_by=None,
    )
    delivery = Delivery.objects.create(
        subscription=subscription, event="checkin.recorded", payload={}
    )
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    attempt = sender.send(delivery)
    assert attempt.status_code == 200, attempt.error
    assert lookups == ["hooks.example.org"]
    [got] = receiver.received
    assert got["headers"]["Host"] == f"hooks.example.org:{port}"


def test_resolve_keeps_the_name_for_tls_and_brackets_ipv6(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _resolving_to(monkeypatch, "2606:2800:220:1:248:1893:25c8:1946")
    target = resolve("https://hooks.example.org/okrs?x=1")
    assert target.url == "https://[2606:2800:220:1:248:1893:25c8:1946]/okrs?x=1"
    assert (target.host_header, target.server_name) == ("hooks.example.org", "hooks.example.org")
