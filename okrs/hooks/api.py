"""Webhook subscriptions and their delivery log in the API, for the team's leads."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from okrs.api.auth import require_write
from okrs.api.common import page, paginate
from okrs.api.errors import ERRORS
from okrs.api.routers.org import ListFilters
from okrs.api.schemas import Id, In, Page, Slug
from okrs.hooks import services
from okrs.hooks.access import get_subscription_for_user, get_team_for_webhooks
from okrs.hooks.models import Attempt, Delivery, Event, Subscription
from okrs.hooks.selectors import delivery_log, team_subscriptions

router = Router(tags=["webhooks"])


class SubscriptionOut(Schema):
    id: int
    team: str
    url: str
    events: list[str]
    active: bool
    created_at: dt.datetime


class SubscriptionCreated(SubscriptionOut):
    secret: str = Field(description="The HMAC-SHA256 key of the X-Okrs-Signature-256 header.")


class SubscriptionPage(Page):
    items: list[SubscriptionOut]


class SubscriptionIn(In):
    url: Annotated[str, Field(max_length=500, pattern=r"^https?://[^\s\x00]+$")]
    events: Annotated[list[Event], Field(min_length=1, max_length=10)]


class AttemptOut(Schema):
    at: dt.datetime
    status_code: int | None
    error: str
    duration_ms: int


class DeliveryOut(Schema):
    id: int
    event: str
    state: str
    attempts: int
    last_status: int | None
    next_attempt_at: dt.datetime
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    log: list[AttemptOut]


class DeliveryPage(Page):
    items: list[DeliveryOut]


def subscription_out(subscription: Subscription) -> dict[str, Any]:
    return {
        "id": subscription.pk,
        "team": subscription.team.slug,
        "url": subscription.url,
        "events": subscription.events,
        "active": subscription.active,
        "created_at": subscription.created_at,
    }


def attempt_out(attempt: Attempt) -> dict[str, Any]:
    return {
        "at": attempt.at,
        "status_code": attempt.status_code,
        "error": attempt.error,
        "duration_ms": attempt.duration_ms,
    }


def delivery_out(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "event": delivery.event,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "last_status": delivery.last_status,
        "next_attempt_at": delivery.next_attempt_at,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
        "log": [attempt_out(a) for a in delivery.log.all()],
    }


@router.get("/teams/{slug}/webhooks", response={200: SubscriptionPage, **ERRORS})
def list_webhooks(request: HttpRequest, slug: Slug, filters: Query[ListFilters]) -> Any:
    team = get_team_for_webhooks(request.auth, slug)
    rows, cursor = paginate(team_subscriptions(team), filters.cursor, filters.limit)
    return page([subscription_out(s) for s in rows], cursor)


@router.post("/teams/{slug}/webhooks", response={201: SubscriptionCreated, **ERRORS})
def create_webhook(request: HttpRequest, slug: Slug, body: SubscriptionIn) -> Any:
    """Subscribe a URL to the team's events. The answer carries the signing secret."""
    user = require_write(request)
    team = get_team_for_webhooks(user, slug)
    subscription = services.subscription_create(
        team=team, url=body.url, events=[e.value for e in body.events], created_by=user
    )
    return Status(201, {**subscription_out(subscription), "secret": subscription.secret})


@router.delete("/webhooks/{webhook_id}", response={204: None, **ERRORS})
def delete_webhook(request: HttpRequest, webhook_id: Id) -> Any:
    user = require_write(request)
    services.subscription_delete(subscription=get_subscription_for_user(user, webhook_id))
    return Status(204, None)


@router.get("/webhooks/{webhook_id}/deliveries", response={200: DeliveryPage, **ERRORS})
def list_deliveries(request: HttpRequest, webhook_id: Id, filters: Query[ListFilters]) -> Any:
    """The delivery log, oldest first: each delivery with every attempt made."""
    subscription = get_subscription_for_user(request.auth, webhook_id)
    log = delivery_log(Subscription.objects.filter(pk=subscription.pk))
    rows, cursor = paginate(log, filters.cursor, filters.limit)
    return page([delivery_out(d) for d in rows], cursor)
