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
writes). Anonymous callers read what is public.

Errors always look like `{"code": "…", "message": "…", "field": "…"}`. Lists are paginated with
an opaque `cursor` (`next_cursor` in each page). Resources that can be changed carry an `ETag`;
send it back in `If-Match` with a `PATCH` to get 412 instead of overwriting someone else's edit.
"""


class OkrsApi(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:  # type: ignore[no-untyped-def]
        return str(operation.view_func.__name__)


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
