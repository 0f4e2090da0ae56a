"""The web's ordinary defences: CSRF on every form, a Content Security Policy without inline
script, clickjacking protection, HTTPS-only cookies and HSTS when served over HTTPS, throttled
log-ins, password rules, sessions that end on password change, and a clean `check --deploy`."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from okrs.security.middleware import DEFAULT_POLICY
from tests import factories as f
from tests.hardening.matrix_run import url_for
from tests.hardening.matrix_table import TABLE
from tests.hardening.world import build_world

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"

# Routes that take POSTs without a CSRF token on purpose.
CSRF_EXEMPT = {
    "sync:github_webhook": "GitHub signs the body with the shared secret (HMAC), no cookie",
}


def _policy(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    parts = [p.strip() for p in response["Content-Security-Policy"].split(";") if p.strip()]
    return {p.split()[0]: " ".join(p.split()[1:]) for p in parts}


@pytest.mark.django_db
def test_every_form_refuses_a_post_without_csrf_token() -> None:
    world = build_world()
    scope = world.scopes["pub"]
    admin = world.people["admin"]
    tried = 0
    for name, method, args, _ in TABLE:
        if method != "POST" or name in CSRF_EXEMPT:
            continue
        kwargs = args(scope, world)
        if kwargs is None:
            kwargs = args(world.scopes["privteam"], world)
        assert kwargs is not None, name
        cache.clear()
        client = Client(enforce_csrf_checks=True)
        client.force_login(admin)
        if name.startswith("api "):
            response = client.post(url_for(name, kwargs), "{}", content_type="application/json")
        else:
            response = client.post(url_for(name, kwargs), {})
        assert response.status_code == 403, (name, response.status_code)
        tried += 1
    assert tried > 50
    # The same API write with a token needs no CSRF token: tokens are not sent by browsers.
    from okrs.api.services import token_create

    _, raw = token_create(person=admin, name="t")
    response = Client(enforce_csrf_checks=True).post(
        f"/api/v1/key-results/{scope.kr.pk}/checkins",
        {"value": 12.0, "at": "2017-02-01T10:00:00Z"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201


@pytest.mark.django_db
def test_pages_and_api_carry_the_security_headers(client) -> None:  # type: ignore[no-untyped-def]
    build_world()
    for path in ("/", "/map/", "/accounts/login/", "/api/v1/objectives", "/no-such-page/"):
        response = client.get(path)
        policy = _policy(response)
        assert policy["script-src"] == "'self'", path
        assert policy["default-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["form-action"] == "'self'"
        assert policy["base-uri"] == "'self'"
        assert "unsafe-inline" not in policy["script-src"] + policy["style-src"]
        assert response["X-Frame-Options"] == "DENY", path
        assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get("/").headers["Content-Security-Policy"] == DEFAULT_POLICY


def _templates() -> list[Path]:
    return sorted(ROOT.glob("okrs/*/templates/**/*.html"))


def test_templates_have_no_inline_script_or_handlers() -> None:
    """script-src 'self' would block them: inline <script> bodies, on…= handlers, javascript:
    links and <style> elements. JSON data blocks (type=application/json) are not run."""
    templates = _templates()
    assert len(templates) > 30
    for path in templates:
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
            assert "src=" in tag or "application/json" in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=\s*[\"']", text, flags=re.I), path
        assert "javascript:" not in text.lower(), path
        assert "hx-on" not in text, path


def test_templates_have_no_style_elements() -> None:
    """<style> elements are blocked by style-src 'self': styles live in .css files."""
    for path in _templates():
        assert not re.search(r"<style\b", path.read_text(), flags=re.I), path


def test_inline_style_attributes_only_on_progress_bars() -> None:
    """The one use of style-src-attr 'unsafe-inline': widths computed per row."""
    with_style = {
        p.relative_to(ROOT).as_posix()
        for p in _templates()
        if re.search(r"\sstyle\s*=", p.read_text(), flags=re.I)
    }
    assert with_style <= {"okrs/web/templates/web/_progress.html"}, with_style


def _settings_under(env: dict[str, str], expr: str) -> str:
    code = (
        f"import django, os; django.setup(); from django.conf import settings as s; print({expr})"
    )
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "okrs.settings", **env}
    out = subprocess.run(
        [sys.executable, "-c", code], env=full, capture_output=True, text=True, cwd=ROOT, check=True
    )
    return out.stdout.strip()


def _production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "OKRS_HTTPS": "1",
        "OKRS_DEBUG": "0",
        "OKRS_SECRET_KEY": secrets.token_urlsafe(64),
        "OKRS_VAR_DIR": str(tmp_path),
    }


def test_https_turns_on_secure_cookies_and_hsts(tmp_path: Path) -> None:
    expr = (
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_PROXY_SSL_HEADER"
    )
    on = _settings_under(_production_env(tmp_path), expr)
    assert on == "True True True 31536000 True ('HTTP_X_FORWARDED_PROTO', 'https')"
    off = _settings_under({"OKRS_HTTPS": "0", "OKRS_VAR_DIR": str(tmp_path)}, expr)
    assert off == "False False False 0 False None"


def test_check_deploy_is_clean_under_production_settings(tmp_path: Path) -> None:
    env = {**os.environ, **_production_env(tmp_path)}
    env.pop("OKRS_DATABASE_URL", None)
    # the browser tests' conftest allows sync Playwright beside Django; a deployment never does
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    out = subprocess.run(
        [str(ROOT / ".venv/bin/okrs"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout and "WARNING" not in out.stderr + out.stdout


def test_hsts_and_secure_cookies_are_sent_over_https(settings, db) -> None:  # type: ignore[no-untyped-def]
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    person = f.person("member", password=PASSWORD)
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": person.username, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] is True
    assert response.cookies["sessionid"]["httponly"] is True
    page = client.get("/accounts/login/", secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert page.cookies["csrftoken"]["secure"] is True


@pytest.mark.django_db
def test_other_sessions_end_when_the_password_changes() -> None:
    person = f.person("member", password=PASSWORD)
    laptop, phone = Client(), Client()
    for client in (laptop, phone):
        assert (
            client.post(
                "/accounts/login/", {"username": "member", "password": PASSWORD}
            ).status_code
            == 302
        )
        assert client.get("/accounts/settings/").status_code == 200
    new = "an entirely different secret 97"
    response = laptop.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert laptop.get("/accounts/settings/").status_code == 200  # the changer stays in
    stale = phone.get("/accounts/settings/")
    assert stale.status_code == 302 and stale["Location"].startswith("/accounts/login/")
    person.refresh_from_db()
    assert person.check_password(new)


@pytest.mark.django_db
def test_log_in_throttled_by_default_limits_and_per_address() -> None:
    f.person("member", password=PASSWORD)
    client = Client()
    for _ in range(5):  # the default: 5 failures per username and address in 15 minutes
        client.post("/accounts/login/", {"username": "member", "password": "guess"})
    right = client.post("/accounts/login/", {"username": "member", "password": PASSWORD})
    assert right.status_code == 429 and "Too many failed attempts" in right.content.decode()
    assert "_auth_user_id" not in client.session
    other_address = Client(REMOTE_ADDR="10.9.8.7")
    ok = other_address.post("/accounts/login/", {"username": "member", "password": PASSWORD})
    assert ok.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "weak",
    ["short1", "12345678901", "password123", "member-account"],
)
def test_password_rules_refuse_weak_passwords(weak: str) -> None:
    person = f.person("member-account", password=PASSWORD)
    client = Client()
    client.force_login(person)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
