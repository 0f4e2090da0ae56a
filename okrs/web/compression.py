"""Gzip for pages read anonymously, never for a signed-in reader's pages.

Compressing a response that holds a secret beside text an attacker can put in it (a search
query, a title) lets the compressed size leak the secret (BREACH). Pages read without a
session cookie or an Authorization header hold no secret: the CSRF token in them is masked
afresh on each response, and everything else on them is public. Those are compressed (the
alignment map, the overview, the review: the pages that are both large and public); pages
of a signed-in reader, and API calls with a token, are sent as they are; only HTML pages are
compressed (API responses and downloads are left to their clients). Static files are
compressed ahead by whitenoise (`CompressedManifestStaticFilesStorage`).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware


class AnonymousGZipMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "authorization" in request.headers:
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response  # pages only: API clients and downloads get what they asked for
        return super().process_response(request, response)
