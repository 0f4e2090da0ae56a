"""One JSON error shape for the whole API: {"code", "message", "field"} with the right status."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class ApiError(Exception):
    """Raised anywhere in an endpoint to answer with the error shape."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers or {}


ERROR_STATUSES = (400, 401, 403, 404, 409, 412, 422, 429)
ERRORS: dict[int, Any] = dict.fromkeys(ERROR_STATUSES, ErrorOut)

DEFAULT_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    422: "invalid",
    429: "rate_limited",
}


def error_json(status: int, code: str, message: str, field: str | None = None) -> JsonResponse:
    """The error shape answered outside ninja: by a middleware, before any endpoint runs."""
    return JsonResponse({"code": code, "message": message, "field": field}, status=status)


def error_response(api: NinjaAPI, request: HttpRequest, error: ApiError) -> HttpResponse:
    body = {"code": error.code, "message": error.message, "field": error.field}
    response = api.create_response(request, body, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


def _loc_to_field(loc: Any) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "payload")]
    parts = [p for p in parts if not p.startswith("function-")]
    return ".".join(parts) or None


def _django_validation(exc: DjangoValidationError) -> ApiError:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        message = "; ".join(m for e in errors for m in e.messages)
        codes = {e.code for e in errors}
        field_name = None if field == "__all__" else field
    else:
        message = "; ".join(exc.messages)
        codes = {getattr(exc, "code", None)}
        named = re.match(r"^([a-z_]+): ", message)
        field_name = named.group(1) if named else None
    if codes & {"unique", "unique_together"} or ("Constraint" in message and "unique" in message):
        return ApiError(409, "conflict", message, field_name)
    return ApiError(422, "invalid", message, field_name)


def install_error_handlers(api: NinjaAPI) -> None:
    def handle(exc: Exception) -> ApiError:
        if isinstance(exc, ApiError):
            return exc
        if isinstance(exc, NinjaValidationError):
            first = exc.errors[0] if exc.errors else {}
            field = _loc_to_field(first.get("loc", ()))
            where = f"{field}: " if field else ""
            if first.get("type") == "json_invalid":
                return ApiError(400, "bad_request", "The request body is not valid JSON.")
            return ApiError(422, "invalid", f"{where}{first.get('msg', 'invalid input')}", field)
        if isinstance(exc, AuthenticationError):
            return ApiError(401, "unauthenticated", "Sign in or send a valid access token.")
        if isinstance(exc, HttpError):
            code = DEFAULT_CODES.get(exc.status_code, "error")
            return ApiError(exc.status_code, code, str(exc))
        if isinstance(exc, Http404):
            return ApiError(404, "not_found", str(exc) or "Not found.")
        if isinstance(exc, PermissionDenied):
            return ApiError(403, "forbidden", str(exc) or "You may not do this.")
        if isinstance(exc, DjangoValidationError):
            return _django_validation(exc)
        if isinstance(exc, IntegrityError):
            return ApiError(409, "conflict", "This conflicts with existing data.")
        if isinstance(exc, RequestDataTooBig):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return ApiError(413, "too_large", f"The request body is over {limit} bytes.")
        raise exc

    for kind in (
        ApiError,
        NinjaValidationError,
        AuthenticationError,
        HttpError,
        Http404,
        PermissionDenied,
        DjangoValidationError,
        IntegrityError,
        RequestDataTooBig,
    ):
        api.add_exception_handler(
            kind, lambda request, exc: error_response(api, request, handle(exc))
        )
