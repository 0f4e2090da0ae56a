"""A stand-in GitHub and OpenID Connect provider on 127.0.0.1, for the social sign-in tests.

One small HTTP server answers both: GitHub's authorize, access_token, /api/v3/user and
/api/v3/user/emails, and an OpenID Connect issuer's discovery document, authorize, token
(with an RS256-signed id_token), userinfo and JWKS. The authorize endpoints sign in whoever
`person` says, at once, and redirect back with a one-time code, as a provider does after its
own log-in page; the token endpoints check the client's id, secret and code.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "okrs-test-client"
CLIENT_SECRET = "okrs-test-secret"
KID = "standin-key"


@dataclass
class Person:
    uid: str
    login: str
    email: str
    name: str = ""
    email_verified: bool = True


@dataclass
class Provider:
    url: str = ""
    person: Person = field(default_factory=lambda: Person("1", "octo", "octo@example.org"))
    codes: dict[str, Person] = field(default_factory=dict)
    tokens: dict[str, Person] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    key: Any = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))

    @property
    def issuer(self) -> str:
        return f"{self.url}/oidc"

    def environ(self) -> dict[str, str]:
        """The environment that turns both providers on (okrs.accounts.config)."""
        return {
            "OKRS_GITHUB_CLIENT_ID": CLIENT_ID,
            "OKRS_GITHUB_CLIENT_SECRET": CLIENT_SECRET,
            "OKRS_GITHUB_OAUTH_URL": self.url,
            "OKRS_OIDC_ISSUER": self.issuer,
            "OKRS_OIDC_CLIENT_ID": CLIENT_ID,
            "OKRS_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OKRS_OIDC_NAME": "Community SSO",
        }

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": KID, "alg": "RS256", "use": "sig"}]}

    def id_token(self, person: Person) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer, "sub": person.uid, "aud": CLIENT_ID, "iat": now,
            "exp": now + 300, "email": person.email, "email_verified": person.email_verified,
        }  # fmt: skip
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorize(self, query: dict[str, list[str]]) -> None:
            if query.get("client_id") != [CLIENT_ID]:
                return self._send(400, {"error": "unauthorized_client"})
            code = secrets.token_urlsafe(12)
            provider.codes[code] = provider.person
            back = query["redirect_uri"][0]
            params = urlencode({"code": code, "state": query.get("state", [""])[0]})
            return self._send(302, headers={"Location": f"{back}?{params}"})

        def _bearer(self) -> Person | None:
            auth = self.headers.get("Authorization", "")
            return provider.tokens.get(auth.split(" ", 1)[-1])

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            provider.requests.append(f"GET {parts.path}")
            person = self._bearer()
            if parts.path in ("/login/oauth/authorize", "/oidc/authorize"):
                return self._authorize(query)
            if parts.path == "/oidc/.well-known/openid-configuration":
                return self._send(200, {
                    "issuer": provider.issuer,
                    "authorization_endpoint": f"{provider.issuer}/authorize",
                    "token_endpoint": f"{provider.issuer}/token",
                    "userinfo_endpoint": f"{provider.issuer}/userinfo",
                    "jwks_uri": f"{provider.issuer}/jwks",
                    "token_endpoint_auth_methods_supported": ["client_secret_post"],
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                })  # fmt: skip
            if parts.path == "/oidc/jwks":
                return self._send(200, provider.jwks())
            if person is None:
                return self._send(401, {"message": "Bad credentials"})
            if parts.path == "/api/v3/user":
                return self._send(200, {
                    "id": int(person.uid), "login": person.login, "name": person.name,
                    "email": person.email,
                })  # fmt: skip
            if parts.path == "/api/v3/user/emails":
                return self._send(200, [{
                    "email": person.email, "verified": person.email_verified, "primary": True,
                }])  # fmt: skip
            if parts.path == "/oidc/userinfo":
                return self._send(200, {
                    "sub": person.uid, "email": person.email,
                    "email_verified": person.email_verified,
                    "preferred_username": person.login, "name": person.name,
                })  # fmt: skip
            return self._send(404, {"error": "not found"})

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            provider.requests.append(f"POST {parts.path}")
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            if parts.path not in ("/login/oauth/access_token", "/oidc/token"):
                return self._send(404, {"error": "not found"})
            if form.get("client_id") != [CLIENT_ID] or form.get("client_secret") != [CLIENT_SECRET]:
                return self._send(401, {"error": "invalid_client"})
            person = provider.codes.pop(form.get("code", [""])[0], None)
            if person is None:
                return self._send(400, {"error": "invalid_grant"})
            token = secrets.token_urlsafe(16)
            provider.tokens[token] = person
            body: dict[str, Any] = {"access_token": token, "token_type": "bearer"}
            if parts.path == "/oidc/token":
                body["id_token"] = provider.id_token(person)
            return self._send(200, body)

    return Handler


@contextmanager
def serve() -> Iterator[Provider]:
    provider = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()


def point_github_at(provider: Provider, monkeypatch: Any) -> None:
    """allauth's GitHub adapter reads its URLs once, when imported (from GITHUB_URL, which
    OKRS_GITHUB_OAUTH_URL sets at start-up): point them at the stand-in started later."""
    from allauth.socialaccount.providers.github.views import GitHubOAuth2Adapter

    web, api = provider.url, f"{provider.url}/api/v3"
    monkeypatch.setattr(GitHubOAuth2Adapter, "access_token_url", f"{web}/login/oauth/access_token")
    monkeypatch.setattr(GitHubOAuth2Adapter, "authorize_url", f"{web}/login/oauth/authorize")
    monkeypatch.setattr(GitHubOAuth2Adapter, "profile_url", f"{api}/user")
    monkeypatch.setattr(GitHubOAuth2Adapter, "emails_url", f"{api}/user/emails")
