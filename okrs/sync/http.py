"""An HTTP client for the trackers: httpx with timeouts, bounded retries on rate limits and 5xx.

Rate limits (GitHub's documented rules): a 403/429 with `Retry-After` waits that many seconds; a
403/429 with `X-RateLimit-Remaining: 0` waits until `X-RateLimit-Reset` (UTC epoch seconds); a
secondary rate limit (403 or 429 without `Retry-After` while requests remain) waits at least a
minute (`SECONDARY_WAIT`). A 5xx or a transport error waits 1, 2, 4… seconds. Every wait is
bounded (`max_wait` each, `max_retries` in all); past the bound the request fails with
`RateLimited` (a `SyncError` carrying how long to wait: the worker retries the task then) or a
`SyncError` that says what and where. `sleep` and `clock` are injectable so tests do not wait.
A 304 (the answer to `If-None-Match`) is returned as it is: nothing changed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx

TIMEOUT = httpx.Timeout(20.0, connect=5.0)
_LINK = re.compile(r'<(?P<url>[^>]+)>\s*;\s*rel="(?P<rel>[^"]+)"')


SECONDARY_WAIT = 60.0  # GitHub: "wait for at least one minute before retrying"


class SyncError(Exception):
    """A request to an external service failed for good; the message says which and why."""


class RateLimited(SyncError):
    """The service asked for a longer wait than allowed here; `retry_after` says how long."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def next_link(header: str | None) -> str | None:
    """The URL with rel="next" in a `Link` header, or None on the last page."""
    for match in _LINK.finditer(header or ""):
        if "next" in match.group("rel").split():
            return match.group("url")
    return None


def json_of(response: httpx.Response) -> Any:
    """The JSON body of a successful answer; a SyncError saying so when it is not JSON (an
    HTML error page from a proxy, a truncated body)."""
    try:
        return response.json()
    except ValueError as exc:
        kind = response.headers.get("content-type", "no content type")
        raise SyncError(
            f"{response.request.method} {response.request.url}: HTTP {response.status_code}, "
            f"the body is not JSON ({kind}; {exc}): {response.text[:200]!r}"
        ) from exc


def _mentions_rate_limit(response: httpx.Response) -> bool:
    """GitHub's secondary rate limit answers 403 with a message saying so; another 403 (no
    access, a bad token) must not be retried."""
    return "rate limit" in response.text[:2000].lower()


class Client:
    def __init__(
        self,
        *,
        base_url: str,
        headers: Mapping[str, str],
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_retries: int = 4,
        max_wait: float = 900.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.sleep, self.clock = sleep, clock
        self.max_retries, self.max_wait = max_retries, max_wait
        self.http = httpx.Client(
            headers=dict(headers), timeout=TIMEOUT, transport=transport, follow_redirects=True
        )
        self.requests = 0

    def close(self) -> None:
        self.http.close()

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"

    def _wait_for(self, response: httpx.Response) -> float | None:
        """Seconds to wait before retrying `response`, or None when it is not worth a retry."""
        if response.status_code in (403, 429):
            retry_after = response.headers.get("retry-after")
            if retry_after and retry_after.strip().isdigit():
                return float(retry_after)
            if response.headers.get("x-ratelimit-remaining") == "0":
                reset = response.headers.get("x-ratelimit-reset", "")
                if reset.isdigit():
                    return max(0.0, float(reset) - self.clock()) + 1.0
                return 60.0
            if response.status_code == 429 or _mentions_rate_limit(response):
                return SECONDARY_WAIT
            return None
        if response.status_code >= 500:
            return None if response.status_code == 501 else -1.0
        return None

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = self.url(path)
        problem, limited = "", False
        for attempt in range(self.max_retries + 1):
            self.requests += 1
            try:
                response = self.http.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                problem, wait = f"{type(exc).__name__}: {exc}", -1.0
            else:
                if response.is_success or response.status_code == 304:
                    return response
                wait = self._wait_for(response)
                limited = response.status_code in (403, 429) and wait is not None
                problem = f"HTTP {response.status_code} {response.text[:200]!r}"
                if wait is None:
                    raise SyncError(f"{method} {url}: {problem}")
            if wait < 0:
                wait = float(2**attempt)
            if wait > self.max_wait:
                raise RateLimited(
                    f"{method} {url}: {problem}; asked to wait {wait:.0f}s, more than the "
                    f"{self.max_wait:.0f}s allowed",
                    retry_after=wait,
                )
            if attempt < self.max_retries:
                self.sleep(wait)
        message = f"{method} {url}: {problem}, still failing after {self.max_retries} retries"
        if limited:  # rate limited all along: the worker tries again later
            raise RateLimited(message, retry_after=2 * SECONDARY_WAIT)
        raise SyncError(message)

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return json_of(self.request("GET", path, params=params))

    def pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[list[Any]]:
        """Each page of a list endpoint, following `Link: <…>; rel="next"`."""
        yield from self.pages_from(self.request("GET", path, params=params))

    def pages_from(self, response: httpx.Response) -> Iterator[list[Any]]:
        """Each page from an answer already received (the first page), following `Link`."""
        while True:
            page = json_of(response)
            if not isinstance(page, list):
                raise SyncError(
                    f"GET {response.request.url}: HTTP {response.status_code}, expected a JSON "
                    f"list, got {type(page).__name__}: {response.text[:200]!r}"
                )
            yield page
            following = next_link(response.headers.get("link"))
            if following is None:
                return
            response = self.request("GET", following)
