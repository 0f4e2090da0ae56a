"""Runs one row of the permission matrix: each role in each scope, every request rolled back."""

from __future__ import annotations

import json
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.hardening.matrix_rows import Args
from tests.hardening.world import ROLES, SCOPES, World

API_PREFIX = "/api/v1"


def url_for(name: str, kwargs: dict[str, Any]) -> str:
    if name.startswith("api "):
        path = name.split(" ", 2)[2]
        for key, value in kwargs.items():
            path = path.replace("{" + key + "}", str(value))
        return API_PREFIX + path
    return reverse(name, kwargs=kwargs or None)


def method_of(name: str, method: str) -> str:
    return name.split(" ")[1] if name.startswith("api ") else method


def code(response: Any) -> str:
    """'302L' for a redirect to the login page, else the status code."""
    status = response.status_code
    if status == 302 and response["Location"].startswith(reverse("web:login")):
        return "302L"
    return str(status)


def observe(world: World, name: str, method: str, args: Args) -> dict[str, str | None]:
    """The answers of one route, as {scope: 'code code code code code code'} in ROLES order."""
    found: dict[str, str | None] = {}
    method = method_of(name, method)
    for scope_name in SCOPES:
        kwargs = args(world.scopes[scope_name], world)
        if kwargs is None:
            found[scope_name] = None
            continue
        url = url_for(name, kwargs)
        codes = []
        for role in ROLES:
            cache.clear()
            client = Client()
            person = world.people[role]
            if person is not None:
                client.force_login(person)
            with transaction.atomic():
                if name.startswith("api "):
                    body = "{}" if method in ("POST", "PATCH") else ""
                    response = client.generic(method, url, body, content_type="application/json")
                elif method == "GET":
                    response = client.get(url)
                else:
                    response = client.generic(
                        method, url, "", content_type="application/x-www-form-urlencoded"
                    )
                transaction.set_rollback(True)
            codes.append(code(response))
        found[scope_name] = " ".join(codes)
    return found


def as_json(found: dict[str, str | None]) -> str:
    return json.dumps(found)
