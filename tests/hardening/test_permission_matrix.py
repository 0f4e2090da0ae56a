"""The permission matrix: every route answers each role as tests/hardening/matrix_table.py says,
and every route of okrs (Django URL patterns and the API's OpenAPI operations) has a row there, so
a new endpoint without an entry fails this suite."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.hardening.matrix_run import observe
from tests.hardening.matrix_table import TABLE
from tests.hardening.world import ROLES, SCOPES, build_world

# Not in the matrix, on purpose:
# - admin/: Django's admin, staff only by Django's own checks (is_staff), not okrs code.
# - static files are served by WhiteNoise outside the URL patterns and hold no data.
EXCLUDED_PREFIXES = ("admin/",)


def _walk(patterns, prefix: str = "", namespace: str | None = None):  # type: ignore[no-untyped-def]
    for item in patterns:
        if isinstance(item, URLResolver):
            inner = item.namespace
            full = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _walk(item.url_patterns, prefix + str(item.pattern), full)
        elif isinstance(item, URLPattern):
            name = f"{namespace}:{item.name}" if namespace else item.name
            yield prefix + str(item.pattern), name


def django_routes() -> set[str]:
    return {
        name or path
        for path, name in _walk(get_resolver().url_patterns)
        if not path.startswith(EXCLUDED_PREFIXES)
    }


API_NAMES_BY_OPERATION = "api-v1:"  # ninja names every operation in its namespace


def test_every_django_route_has_a_row() -> None:
    covered = {name for name, *_ in TABLE if not name.startswith("api ")}
    routes = django_routes()
    ninja_operations = {r for r in routes if r.startswith(API_NAMES_BY_OPERATION)}
    plain = routes - ninja_operations
    missing = sorted(plain - covered)
    assert not missing, f"routes without a row in the permission matrix: {missing}"
    # API operations are listed by method and path (below); their own views are in the table.
    for name in ("api-v1:api-root", "api-v1:openapi-json", "api-v1:openapi-view"):
        assert name in covered
    stale = sorted(covered - routes)
    assert not stale, f"rows for routes that no longer exist: {stale}"


@pytest.mark.django_db
def test_every_api_operation_has_a_row(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    operations = {
        f"api {method.upper()} {path.removeprefix('/api/v1')}"
        for path, methods in document["paths"].items()
        for method in methods
    }
    assert len(operations) > 30
    covered = {name for name, *_ in TABLE if name.startswith("api ")}
    assert not sorted(operations - covered), "API operations without a row"
    assert not sorted(covered - operations), "rows for API operations that no longer exist"


def test_rows_are_complete_and_unique() -> None:
    seen = set()
    for name, method, _, expected in TABLE:
        assert (name, method) not in seen, (name, method)
        seen.add((name, method))
        assert set(expected) <= set(SCOPES), name
        for codes in expected.values():
            assert codes is None or len(codes.split()) == len(ROLES), (name, codes)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method", "args", "expected"),
    TABLE,
    ids=[f"{name} {method}" for name, method, *_ in TABLE],
)
def test_route_answers_each_role_as_the_table_says(name, method, args, expected) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    found = observe(world, name, method, args)
    wanted = {scope: expected.get(scope) for scope in SCOPES}
    assert found == wanted, f"{name} {method}: roles {' '.join(ROLES)}"
