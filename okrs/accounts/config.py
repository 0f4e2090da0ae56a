"""Sign-up and social sign-in settings from the environment (read by okrs.settings, so no
Django import here). Every provider is off until its client id and secret are set."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from okrs.config import ConfigError, env_choice, env_pair, env_str

SIGNUP_MODES = ("open", "invite", "closed")


def signup_mode(environ: Mapping[str, str] = os.environ) -> str:
    """open: anyone signs up; invite: only with a team's invitation; closed: nobody."""
    return env_choice("OKRS_SIGNUP", SIGNUP_MODES, "invite", environ)


def _http_url(name: str, environ: Mapping[str, str]) -> str:
    url = environ.get(name, "").strip().rstrip("/")
    if url and (urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).netloc):
        raise ConfigError(f"{name}={url!r}: expected an http:// or https:// URL")
    return url


def social_providers(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """allauth's SOCIALACCOUNT_PROVIDERS for what the environment turns on.

    GitHub: OKRS_GITHUB_CLIENT_ID and OKRS_GITHUB_CLIENT_SECRET (OKRS_GITHUB_OAUTH_URL for
    GitHub Enterprise). OpenID Connect: OKRS_OIDC_ISSUER (the issuer URL, whose
    /.well-known/openid-configuration is read), OKRS_OIDC_CLIENT_ID, OKRS_OIDC_CLIENT_SECRET and
    OKRS_OIDC_NAME (the button's label)."""
    providers: dict[str, Any] = {}
    github = env_pair("OKRS_GITHUB_CLIENT_ID", "OKRS_GITHUB_CLIENT_SECRET", environ)
    if github:
        providers["github"] = {
            "APPS": [{"client_id": github[0], "secret": github[1]}],
            "SCOPE": ["read:user", "user:email"],
        }
        web_url = _http_url("OKRS_GITHUB_OAUTH_URL", environ)
        if web_url:
            providers["github"]["GITHUB_URL"] = web_url
    oidc = env_pair("OKRS_OIDC_CLIENT_ID", "OKRS_OIDC_CLIENT_SECRET", environ)
    issuer = _http_url("OKRS_OIDC_ISSUER", environ)
    if oidc and not issuer:
        raise ConfigError("OKRS_OIDC_ISSUER: must be set when OKRS_OIDC_CLIENT_ID is")
    if issuer and not oidc:
        raise ConfigError("OKRS_OIDC_CLIENT_ID: must be set when OKRS_OIDC_ISSUER is")
    if oidc:
        providers["openid_connect"] = {
            "APPS": [
                {
                    "provider_id": "oidc",
                    "name": env_str("OKRS_OIDC_NAME", "OpenID Connect", environ),
                    "client_id": oidc[0],
                    "secret": oidc[1],
                    "settings": {"server_url": issuer},
                }
            ],
            "SCOPE": ["openid", "profile", "email"],
        }
    return providers


def provider_origins(providers: Mapping[str, Any]) -> list[str]:
    """The origins the log-in page's buttons send the browser to (its Content-Security-Policy's
    form-action must allow them: browsers check a form's redirects against it)."""
    origins = []
    if "github" in providers:
        origins.append(providers["github"].get("GITHUB_URL", "https://github.com"))
    for app in providers.get("openid_connect", {}).get("APPS", []):
        parts = urlsplit(app["settings"]["server_url"])
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins
