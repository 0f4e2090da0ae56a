"""The check of `okrs.core.values` for views that read their fields from `request.POST`
themselves (a comment's body, a review's notes, a person to remove) rather than through a form.

`@checked_post(integers={name: bounds})` answers 400 naming the field, before the view runs,
when a posted field holds a NUL character (PostgreSQL refuses it in text while SQLite stores
it) or when one of the named integer fields is outside its column's range (`values.INT32` for a
person's id, auth's AutoField; `values.INT64` for okrs's own ids) or written in other digits
than 0-9 (`"²".isdigit()` is true, `int("²")` fails): either would end in a 500 on one database
and be stored or looked up on the other. Forms check their own fields (okrs.security.forms),
beside the field.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict

from okrs.core import values


def post_problem(post: QueryDict, integers: Mapping[str, tuple[int, int]]) -> str | None:
    """What is wrong with a posted form's fields, or None."""
    for key in post:
        shown = key.replace("\x00", "\\x00")[:100]
        for value in post.getlist(key):
            try:
                values.check_text(key)
                values.check_text(value)
            except ValueError:
                return f"The field {shown!r} holds a NUL character, which no page accepts."
            if key in integers and value.strip():
                digits = value.strip()
                if not (digits.isascii() and digits.isdigit()):
                    return f"The field {shown!r} must be a whole number."
                try:
                    values.check_int(int(digits), integers[key])
                except ValueError:
                    return f"The field {shown!r} is a number too large."
    return None


def checked_post(
    *, integers: Mapping[str, tuple[int, int]] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                problem = post_problem(request.POST, integers or {})
                if problem is not None:
                    return HttpResponse(
                        problem, status=400, content_type="text/plain; charset=utf-8"
                    )
            return view(request, *args, **kwargs)

        return checked

    return wrap
