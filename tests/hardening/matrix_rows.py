"""What each URL is tried with: for every route, the method and how its arguments come from a
scope of the world (None: the route has nothing to do with that scope)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.hardening.world import Scope, World

Args = Callable[[Scope, World], dict[str, Any] | None]


def none(s: Scope, w: World) -> dict[str, Any] | None:
    return {}


def team(s: Scope, w: World) -> dict[str, Any] | None:
    return {"slug": s.team.slug}


def obj(s: Scope, w: World) -> dict[str, Any] | None:
    return {"pk": s.objective.pk}


def kr(s: Scope, w: World) -> dict[str, Any] | None:
    return {"pk": s.kr.pk}


def hb(s: Scope, w: World) -> dict[str, Any] | None:
    return None if s.heartbeat is None else {"slug": s.team.slug, "pk": s.heartbeat.pk}


def packet(s: Scope, w: World) -> dict[str, Any] | None:
    return None if s.packet is None else {"slug": s.team.slug, "pk": s.packet.pk}


def item(s: Scope, w: World) -> dict[str, Any] | None:
    if s.packet is None:
        return None
    return {"slug": s.team.slug, "pk": s.packet.pk, "item": s.item.pk}


def survey(s: Scope, w: World) -> dict[str, Any] | None:
    return None if s.survey is None else {"slug": s.survey.slug}


def webhook_page(s: Scope, w: World) -> dict[str, Any] | None:
    return None if s.webhook is None else {"slug": s.team.slug, "pk": s.webhook.pk}


def talk_obj(s: Scope, w: World) -> dict[str, Any] | None:
    return {"kind": "objective", "pk": s.objective.pk}


def comment(s: Scope, w: World) -> dict[str, Any] | None:
    return {"pk": s.comment.pk}


def offer(s: Scope, w: World) -> dict[str, Any] | None:
    return {"pk": s.offer.pk}


def alignment(s: Scope, w: World) -> dict[str, Any] | None:
    return {"pk": s.objective.pk, "alignment_pk": s.alignment.pk}


def period(s: Scope, w: World) -> dict[str, Any] | None:
    return {"slug": w.period.slug}


def token(s: Scope, w: World) -> dict[str, Any] | None:
    return {"pk": w.token_pk}


def reset_confirm(s: Scope, w: World) -> dict[str, Any] | None:
    return {"uidb64": "MQ", "token": "set-password"}


# API (ninja) arguments, by the names in its paths.
def a_team(s: Scope, w: World) -> dict[str, Any] | None:
    return {"slug": s.team.slug}


def a_obj(s: Scope, w: World) -> dict[str, Any] | None:
    return {"objective_id": s.objective.pk}


def a_kr(s: Scope, w: World) -> dict[str, Any] | None:
    return {"kr_id": s.kr.pk}


def a_align(s: Scope, w: World) -> dict[str, Any] | None:
    return {"alignment_id": s.alignment.pk}


def a_hb(s: Scope, w: World) -> dict[str, Any] | None:
    return None if s.heartbeat is None else {"heartbeat_id": s.heartbeat.pk}


def a_packet(s: Scope, w: World) -> dict[str, Any] | None:
    return None if s.packet is None else {"packet_id": s.packet.pk}


def a_webhook(s: Scope, w: World) -> dict[str, Any] | None:
    return None if s.webhook is None else {"webhook_id": s.webhook.pk}


def a_token(s: Scope, w: World) -> dict[str, Any] | None:
    return {"token_id": w.token_pk}


def a_person(s: Scope, w: World) -> dict[str, Any] | None:
    return {"username": "member"}


def a_cohort(s: Scope, w: World) -> dict[str, Any] | None:
    return {"slug": "no-such-cohort"}


def a_period(s: Scope, w: World) -> dict[str, Any] | None:
    return {"slug": w.period.slug}


def only_team(args: Args) -> Args:
    """Team-level routes: the private objective scope adds nothing to the public team's row."""

    def inner(s: Scope, w: World) -> dict[str, Any] | None:
        return None if s.heartbeat is None else args(s, w)

    return inner


def once(args: Args) -> Args:
    """Routes about no team or objective: tried once, in the public scope."""

    def inner(s: Scope, w: World) -> dict[str, Any] | None:
        return args(s, w) if s.heartbeat is not None and s.team.slug == "pub" else None

    return inner


def a_survey(s: Scope, w: World) -> dict[str, Any] | None:
    return None if s.survey is None else {"slug": s.survey.slug}


def a_dataset(s: Scope, w: World) -> dict[str, Any] | None:
    return {"kind": "activities"}


def invitation(s: Scope, w: World) -> dict[str, Any] | None:
    """An invitation of the scope's team (made here: the world has none)."""
    from okrs.accounts.models import Invitation

    made = Invitation.objects.create(
        team=s.team,
        email="invited@example.org",
        token_hash=f"{s.team.pk:064d}",
        expires_at="2999-01-01T00:00Z",
    )
    return {"slug": s.team.slug, "pk": made.pk}


def bad_invitation_token(s: Scope, w: World) -> dict[str, Any] | None:
    return {"token": "no-such-invitation"}


def bad_confirmation_key(s: Scope, w: World) -> dict[str, Any] | None:
    return {"key": "no-such-key"}


def oidc_provider(s: Scope, w: World) -> dict[str, Any] | None:
    return {"provider_id": "oidc"}  # not configured: nothing to sign in with


def chat_channel(s: Scope, w: World) -> dict[str, Any] | None:
    """A chat channel of the scope's team (made here: the world has none)."""
    from okrs.chat.models import Channel

    made = Channel.objects.create(
        team=s.team, name="#c", kind="slack", url="https://hooks.example.org/x", topics=["status"]
    )
    return {"slug": s.team.slug, "pk": made.pk}
