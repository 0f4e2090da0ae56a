"""The API v1: one NinjaAPI assembled from the routers, with one auth and one error shape."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from okrs.api.auth import ApiAuth
from okrs.api.errors import install_error_handlers
from okrs.api.parser import StrictJsonParser
from okrs.api.renderer import Renderer
from okrs.api.routers import goals, heartbeats, org, tokens
from okrs.hooks.api import router as hooks_router

DESCRIPTION = """
Read and write a community's OKRs.

Authenticate with a personal access token (`Authorization: Bearer okrs_…`, made on
/settings/tokens/ or with `okrs create-token`) or the browser session (send `X-CSRFToken` on
writes). Anonymous callers read what is public: reads list the token as optional; writes need
it. Request bodies are strict: unknown keys, `0` for a boolean, NaN, NUL characters and days
outside the years 1900 to 9999 are refused with 422 naming the field.

Errors always look like `{"code": "…", "message": "…", "field": "…"}`. Lists are paginated with
an opaque `cursor` (`next_cursor` in each page). Resources that can be changed carry an `ETag`;
send it back in `If-Match` with a `PATCH` to get 412 instead of overwriting someone else's edit.
"""


SIGNED_IN_READS = frozenset({"list_tokens", "list_webhooks", "list_deliveries", "team_offers"})
"""The reads that answer nobody anonymously (401 or 403): a caller's tokens, a team's webhooks and
their deliveries, a team's offers of help. Every other read is open to anonymous callers, who
read what is public."""


class OkrsApi(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:  # type: ignore[no-untyped-def]
        return str(operation.view_func.__name__)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):  # type: ignore[no-untyped-def]
        """The document as the API is: the reads open to anonymous callers say that the token is
        optional (an empty security requirement beside the token's), the writes and
        SIGNED_IN_READS that it is needed."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                if method == "get" and operation["operationId"] not in SIGNED_IN_READS:
                    operation["security"] = [{}, *operation.get("security", [])]
        return schema


api = OkrsApi(
    title="okrs API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=ApiAuth(),
    docs=Swagger(settings={"persistAuthorization": False}),
    renderer=Renderer(),
    parser=StrictJsonParser(),
)
install_error_handlers(api)
api.add_router("", org.router)
api.add_router("", goals.router)
api.add_router("", heartbeats.router)
api.add_router("", tokens.router)
api.add_router("", "okrs.api.routers.measures.router")
api.add_router("", hooks_router)
api.add_router("", "okrs.talk.api.router")
api.add_router("", "okrs.exports.api.router")
