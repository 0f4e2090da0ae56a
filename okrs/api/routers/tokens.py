"""The caller's own personal access tokens."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from okrs.api import services
from okrs.api.auth import require_write
from okrs.api.common import page, paginate
from okrs.api.errors import ERRORS, ApiError
from okrs.api.models import AccessToken
from okrs.api.routers.org import ListFilters
from okrs.api.schemas import Id, TokenCreated, TokenIn, TokenPage

router = Router(tags=["tokens"])


def token_out(token: AccessToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "read_only": token.read_only,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


def _signed_in(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not user.is_authenticated:
        raise ApiError(401, "unauthenticated", "Sign in or send an access token.")
    return user


@router.get("/tokens", response={200: TokenPage, **ERRORS})
def list_tokens(request: HttpRequest, filters: Query[ListFilters]) -> Any:
    user = _signed_in(request)
    rows, cursor = paginate(AccessToken.objects.filter(person=user), filters.cursor, filters.limit)
    return page([token_out(t) for t in rows], cursor)


@router.post("/tokens", response={201: TokenCreated, **ERRORS})
def create_token(request: HttpRequest, body: TokenIn) -> Any:
    """A new token for the caller. The answer carries the token; it is not shown again."""
    user = require_write(request)
    token, raw = services.token_create(person=user, name=body.name, read_only=body.read_only)
    return Status(201, {**token_out(token), "token": raw})


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS})
def revoke_token(request: HttpRequest, token_id: Id) -> Any:
    user = require_write(request)
    token = AccessToken.objects.filter(person=user, pk=token_id).first()
    if token is None:
        raise ApiError(404, "not_found", "No such token.")
    services.token_revoke(token=token)
    return Status(204, None)
