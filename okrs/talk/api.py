"""Community engagement in the API (read): interest counts and offers of help.

Counts are public to whoever may read the objective or KR; the names of interested people and
the offers themselves are shown to the team's members only (as on the pages).
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Query, Router, Schema

from okrs.api.common import page, paginate
from okrs.api.errors import ERRORS
from okrs.api.routers.org import ListFilters
from okrs.api.schemas import Id, Page, Slug
from okrs.goals.access import get_key_result_for_user, get_objective_for_user
from okrs.org.access import get_team_for_user, is_site_admin, team_role
from okrs.talk import selectors
from okrs.talk.models import Interest, Offer, OfferState

router = Router(tags=["community"])


class EngagementOut(Schema):
    interest_count: int
    open_offers: int
    accepted_offers: int
    interested: list[str] | None = None


class OfferOut(Schema):
    id: int
    person: str
    note: str
    state: str
    target: str
    target_id: int
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None
    decision_note: str


class OfferPage(Page):
    items: list[OfferOut]


class OfferFilters(ListFilters):
    state: OfferState | None = None


def _engagement(user: Any, team: Any, kind: str, pk: int) -> dict[str, Any]:
    interest = Interest.objects.filter(**{kind: pk})
    offers = selectors.offer_counts(kind, [pk]).get(pk, {"open": 0, "accepted": 0})
    out: dict[str, Any] = {
        "interest_count": interest.count(),
        "open_offers": offers["open"],
        "accepted_offers": offers["accepted"],
        "interested": None,
    }
    if is_site_admin(user) or team_role(user, team) is not None:
        out["interested"] = list(
            interest.order_by("created_at", "id").values_list("person__username", flat=True)
        )
    return out


@router.get("/objectives/{objective_id}/engagement", response={200: EngagementOut, **ERRORS})
def objective_engagement(request: HttpRequest, objective_id: Id) -> Any:
    """Interest and offers of help on an objective (names for the team's members only)."""
    objective = get_objective_for_user(request.auth, objective_id)  # type: ignore[attr-defined]
    return _engagement(request.auth, objective.team, "objective", objective.pk)  # type: ignore[attr-defined]


@router.get("/key-results/{kr_id}/engagement", response={200: EngagementOut, **ERRORS})
def key_result_engagement(request: HttpRequest, kr_id: Id) -> Any:
    """Interest and offers of help on a key result (names for the team's members only)."""
    kr = get_key_result_for_user(request.auth, kr_id)  # type: ignore[attr-defined]
    return _engagement(request.auth, kr.objective.team, "key_result", kr.pk)  # type: ignore[attr-defined]


def offer_out(offer: Offer) -> dict[str, Any]:
    kind = offer.target_kind
    return {
        "id": offer.pk,
        "person": offer.person.get_username(),
        "note": offer.note,
        "state": offer.state,
        "target": kind,
        "target_id": getattr(offer, f"{kind}_id"),
        "created_at": offer.created_at,
        "decided_at": offer.decided_at,
        "decided_by": offer.decided_by.get_username() if offer.decided_by else None,
        "decision_note": offer.decision_note,
    }


@router.get("/teams/{slug}/offers", response={200: OfferPage, **ERRORS})
def team_offers(request: HttpRequest, slug: Slug, filters: Query[OfferFilters]) -> Any:
    """A team's offers of help, oldest first; for its members and site admins."""
    user = request.auth  # type: ignore[attr-defined]
    team = get_team_for_user(user, slug)
    if not (is_site_admin(user) or team_role(user, team) is not None):
        raise PermissionDenied(gettext("Only the team's members see its offers of help."))
    offers = Offer.objects.filter(team=team).select_related("person", "decided_by")
    if filters.state:
        offers = offers.filter(state=filters.state)
    rows, cursor = paginate(offers, filters.cursor, filters.limit)
    return page([offer_out(o) for o in rows], cursor)
