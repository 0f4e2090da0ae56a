"""Helpers shared by the routers: cursor pagination, ETags and If-Match, resolving references."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from okrs.api.errors import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


_GROUP = r"(?:[MN][DTjz]|O[DT])[AEIMQUYcgk][w-z0-5]"  # three digits
_TWO, _ONE = r"(?:[MN][DTjz]|O[DT])[AEIMQUYcgk]", r"(?:[MN][AQgw]|O[AQ])"
CURSOR_PATTERN = rf"^(?:aWQ6(?:{_GROUP}){{0,5}}(?:{_GROUP}|{_TWO}|{_ONE}))?$"
"""Exactly the cursors `_encode` writes (unpadded URL-safe base64 of `id:` and 1 to 18 digits:
`aWQ6` is `id:`, then each digit's bits), so the OpenAPI document says which cursors are valid
and any other is refused by validation, not read and found wrong."""


def _encode(pk: int) -> str:
    return base64.urlsafe_b64encode(f"id:{pk}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        pk = int(value)
        if kind != "id" or not 0 <= pk < 2**62:
            raise ValueError(raw)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise ApiError(400, "bad_cursor", "Not a cursor this API handed out.", "cursor") from None
    return pk


def paginate(
    queryset: QuerySet[Any], cursor: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """Keyset pagination on the primary key: stable under inserts, one query per page.

    Works on model rows and on `.values(...)` rows (which must then include "pk")."""
    queryset = queryset.order_by("pk")
    if cursor:
        queryset = queryset.filter(pk__gt=_decode(cursor))
    return cut_page(list(queryset[: limit + 1]), limit)


def cut_page(rows: list[Any], limit: int) -> tuple[list[Any], str | None]:
    """The first `limit` of up to `limit + 1` rows read in key order, and the cursor of the next
    page when there is one. Rows are model instances or dicts with "pk" or "id"."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, _encode(last.get("pk", last.get("id")) if isinstance(last, dict) else last.pk)


def page(items: Sequence[Any], next_cursor: str | None) -> dict[str, Any]:
    return {"items": list(items), "next_cursor": next_cursor}


def items(rows: Iterable[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """`values()` rows as the API's items: each item's key from the lookup it is read with
    (`names`: key -> lookup, `{"team": "team__slug"}`); the schema of the response then checks
    and orders them."""
    return [{name: row[lookup] for name, lookup in names.items()} for row in rows]


def etag_of(model: type[Model], pk: Any, stamp: Any) -> str:
    """The version of a row: its key and the time of its last save (`updated_at`)."""
    digest = hashlib.sha256(f"{model._meta.label}:{pk}:{stamp}".encode()).hexdigest()
    return f'"{digest[:32]}"'


def etag_for(instance: Model) -> str:
    return etag_of(type(instance), instance.pk, getattr(instance, "updated_at", None))


def set_etag(response: HttpResponse, instance: Model) -> None:
    response["ETag"] = etag_for(instance)


def check_if_match(request: HttpRequest, instance: Model) -> None:
    """412 when the client's `If-Match` names a version that is no longer current."""
    header = request.headers.get("If-Match")
    if not header:
        return
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if "*" in wanted or etag_for(instance) in wanted:
        return
    raise ApiError(
        412,
        "precondition_failed",
        "This resource changed since you read it: fetch it again, then retry with its new ETag.",
        "If-Match",
    )


def person_by_username(username: str | None, field: str = "owner") -> Any:
    if username is None:
        return None
    person = get_user_model().objects.filter(username=username, is_active=True).first()
    if person is None:
        raise ApiError(422, "invalid", f"No person with username {username!r}.", field)
    return person
