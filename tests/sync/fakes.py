"""Local stand-ins for GitHub and Discourse on 127.0.0.1: real HTTP, payloads shaped like the
documented REST responses, scripted faults (rate limits, 5xx)."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

Reply = tuple[int, dict[str, str], Any]
FIXTURES = Path(__file__).with_name("fixtures")


def fixture(name: str) -> Any:
    """A payload example copied from the service's own documentation (see fixtures/README.md)."""
    return json.loads((FIXTURES / name).read_text())


@dataclass
class Raw:
    """A reply body sent as it is, not as JSON: an HTML error page, broken or truncated JSON.
    `length` above the body's size announces more than is sent, then the connection closes."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    length: int | None = None


CLOCK = 1_485_000_000.0  # the fixed "now" both the client and the fake use


class FakeServer:
    def __init__(self, app: Callable[[str, str, dict[str, str], dict[str, str], Any], Reply]):
        self.app = app
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                headers = {k.lower(): v for k, v in self.headers.items()}
                fake.requests.append(
                    {
                        "method": self.command,
                        "path": parts.path,
                        "query": query,
                        "headers": headers,
                        "json": body,
                    }
                )
                status, out_headers, payload = fake.app(
                    self.command, parts.path, query, headers, body
                )
                if status == 304:  # Not Modified: headers only, never a body
                    self.send_response(304)
                    for key, value in out_headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    return
                if isinstance(payload, Raw):
                    data, kind = payload.body, payload.content_type
                    length = payload.length or len(data)
                else:
                    data, kind = json.dumps(payload).encode(), "application/json; charset=utf-8"
                    length = len(data)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(length))
                for key, value in out_headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)
                if length > len(data):
                    self.close_connection = True  # the rest never comes

            do_GET = do_POST = do_PATCH = _serve

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @contextmanager
    def running(self) -> Iterator[FakeServer]:
        thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.httpd.shutdown()
            self.httpd.server_close()
            thread.join(5)


# GitHub -----------------------------------------------------------------------------------------

REPO = "mozilla/reps"
REPO_ID = 1296269


def _repointed(value: Any) -> Any:
    """A documented example moved from octocat/Hello-World to the stand-in's repository."""
    text = json.dumps(value).replace("octocat/Hello-World", REPO)
    return json.loads(text)


def gh_user(login: str) -> dict[str, Any]:
    """GitHub's example user (`octocat`) under another login."""
    user = fixture("github_rest_issue.json")["user"]
    text = json.dumps(user).replace("/octocat", f"/{login}")
    return json.loads(text) | {"login": login, "id": abs(hash(login)) % 10**7}


def gh_label(name: str) -> dict[str, Any]:
    """GitHub's example label (`bug`) under another name."""
    label = _repointed(fixture("github_rest_label.json"))
    return label | {
        "id": abs(hash(name)) % 10**9,
        "url": f"https://api.github.com/repos/{REPO}/labels/{name}",
        "name": name,
        "default": False,
    }


def gh_milestone(number: int, title: str, due_on: str | None, state: str = "open") -> dict:
    """GitHub's example milestone (`v1.0`, from the milestones listing) with another number,
    title, due date and state."""
    milestone = _repointed(fixture("github_rest_milestone_items.json")[0])
    api = f"https://api.github.com/repos/{REPO}/milestones/{number}"
    return milestone | {
        "url": api,
        "html_url": f"https://github.com/{REPO}/milestones/{title}",
        "labels_url": f"{api}/labels",
        "id": 1002600 + number,
        "number": number,
        "state": state,
        "title": title,
        "description": "",
        "creator": gh_user("couci"),
        "open_issues": 1,
        "closed_issues": 0,
        "created_at": "2017-01-05T10:00:00Z",
        "updated_at": "2017-01-06T10:00:00Z",
        "closed_at": None,
        "due_on": due_on,
    }


def gh_issue(
    number: int,
    title: str,
    *,
    body: str = "",
    state: str = "open",
    state_reason: str | None = None,
    labels: tuple[str, ...] = (),
    assignees: tuple[str, ...] = (),
    milestone: dict | None = None,
    updated_at: str = "2017-01-20T10:00:00Z",
    pull_request: bool = False,
) -> dict:
    """GitHub's example issue (`GET /repos/{owner}/{repo}/issues/{number}`, #1347) with these
    fields; GitHub's example is a pull request seen as an issue, so `pull_request` is kept only
    when asked for."""
    issue = _repointed(fixture("github_rest_issue.json"))
    api = f"https://api.github.com/repos/{REPO}/issues/{number}"
    issue |= {
        "id": 200000000 + number,
        "url": api,
        "labels_url": f"{api}/labels{{/name}}",
        "comments_url": f"{api}/comments",
        "events_url": f"{api}/events",
        "html_url": f"https://github.com/{REPO}/issues/{number}",
        "number": number,
        "state": state,
        "state_reason": state_reason,
        "title": title,
        "body": body,
        "user": gh_user("couci"),
        "labels": [gh_label(n) for n in labels],
        "assignee": gh_user(assignees[0]) if assignees else None,
        "assignees": [gh_user(a) for a in assignees],
        "milestone": milestone,
        "locked": False,
        "active_lock_reason": None,
        "closed_at": updated_at if state == "closed" else None,
        "created_at": "2017-01-10T10:00:00Z",
        "updated_at": updated_at,
        "closed_by": gh_user("couci") if state == "closed" else None,
        "author_association": "MEMBER",
    }
    if pull_request:
        issue["pull_request"] = {
            "url": f"https://api.github.com/repos/{REPO}/pulls/{number}",
            "html_url": f"https://github.com/{REPO}/pull/{number}",
            "diff_url": f"https://github.com/{REPO}/pull/{number}.diff",
            "patch_url": f"https://github.com/{REPO}/pull/{number}.patch",
        }
    else:
        del issue["pull_request"]
    return issue


class FakeGitHub:
    """Issues and milestones of one repository, shaped like the REST description's examples.
    Hand-built, as GitHub documents no example of them: paging (2 items a page, `Link` as the
    documented header writes it), `ETag` and the 304 answer, and the scripted faults."""

    PAGE = 2

    def __init__(self) -> None:
        self.milestones: list[dict] = []
        self.issues: list[dict] = []
        self.faults: list[tuple[str, int, Reply]] = []  # (path, page, reply), used once each
        self.remaining = 5000  # the primary rate limit; a 304 does not count against it
        self.server = FakeServer(self.handle)

    def fault(
        self,
        path: str,
        page: int,
        status: int,
        headers: dict[str, str] | None = None,
        payload: Any = None,
    ) -> None:
        reply = payload if payload is not None else {"message": "x"}
        self.faults.append((path, page, (status, headers or {}, reply)))

    def _page(
        self, path: str, items: list[dict], query: dict[str, str], asked: dict[str, str]
    ) -> Reply:
        page = int(query.get("page", "1"))
        size = min(int(query.get("per_page", "30")), self.PAGE)
        chunk = items[(page - 1) * size : page * size]
        last = max(1, -(-len(items) // size))
        links = []
        rest = "&".join(f"{k}={v}" for k, v in query.items() if k != "page")
        if page < last:
            links.append(f'<{self.server.url}{path}?{rest}&page={page + 1}>; rel="next"')
            links.append(f'<{self.server.url}{path}?{rest}&page={last}>; rel="last"')
        if page > 1:
            links.append(f'<{self.server.url}{path}?{rest}&page=1>; rel="first"')
        headers = {"Link": ", ".join(links)} if links else {}
        etag = '"' + hashlib.sha1(json.dumps([chunk, links]).encode()).hexdigest() + '"'
        documented = fixture("github_rest_headers.json")  # the header names GitHub documents
        headers |= {
            "ETag": etag,
            "X-RateLimit-Limit": str(documented["x-rate-limit-limit"]),
            "X-RateLimit-Reset": str(int(CLOCK) + 3600),
        }
        if asked.get("if-none-match") == etag:  # GitHub: a 304 costs no rate limit
            return 304, headers | {"X-RateLimit-Remaining": str(self.remaining)}, None
        self.remaining -= 1
        return 200, headers | {"X-RateLimit-Remaining": str(self.remaining)}, chunk

    def handle(self, method: str, path: str, query: dict, headers: dict, body: Any) -> Reply:
        page = int(query.get("page", "1"))
        for i, (fault_path, fault_page, reply) in enumerate(self.faults):
            if path.endswith(fault_path) and page == fault_page and method == "GET":
                del self.faults[i]
                return reply
        if method == "GET" and path == f"/repos/{REPO}/milestones":
            return self._page(path, self.milestones, query, headers)
        if method == "GET" and path in (f"/repos/{REPO}/issues", f"/repositories/{REPO_ID}/issues"):
            since = query.get("since", "")
            items = sorted(
                (i for i in self.issues if i["updated_at"] >= since), key=lambda i: i["updated_at"]
            )
            return self._page(path, items, query, headers)
        if method == "POST" and path == f"/repos/{REPO}/issues":
            number = max([i["number"] for i in self.issues] + [0]) + 1
            milestone = next(
                (m for m in self.milestones if m["number"] == body.get("milestone")), None
            )
            issue = gh_issue(
                number,
                body["title"],
                body=body.get("body", ""),
                labels=tuple(body.get("labels", [])),
                milestone=milestone,
                updated_at="2017-02-01T12:00:00Z",
            )
            self.issues.append(issue)
            return 201, {}, issue
        if method == "PATCH" and path.startswith(f"/repos/{REPO}/issues/"):
            number = int(path.rsplit("/", 1)[1])
            issue = next(i for i in self.issues if i["number"] == number)
            issue.update({k: v for k, v in body.items() if k in ("state", "state_reason")})
            issue["updated_at"] = "2017-02-02T12:00:00Z"
            return 200, {}, issue
        return (
            404,
            {},
            {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"},
        )


# Discourse --------------------------------------------------------------------------------------


def dc_category(cid: int, slug: str, subcategories: list[dict] | None = None) -> dict:
    return {
        "id": cid,
        "name": slug.upper(),
        "color": "0088CC",
        "text_color": "FFFFFF",
        "slug": slug,
        "topic_count": 10,
        "post_count": 50,
        "position": cid,
        "description": f"About {slug}",
        "topic_url": f"/t/about-{slug}/{cid}",
        "read_restricted": slug == "nda",
        "permission": 1,
        "notification_level": 1,
        "has_children": bool(subcategories),
        "subcategory_ids": [s["id"] for s in subcategories or []],
        "subcategory_list": subcategories or [],
    }


def dc_user(username: str, watched: list[int]) -> dict:
    return {
        "user_badges": [],
        "user": {
            "id": abs(hash(username)) % 10**5,
            "username": username,
            "name": username.title(),
            "avatar_template": f"/user_avatar/discourse.mozilla.org/{username}/{{size}}/1_2.png",
            "trust_level": 2,
            "moderator": False,
            "admin": False,
            "watched_category_ids": watched,
            "tracked_category_ids": [],
            "watched_first_post_category_ids": [],
            "muted_category_ids": [],
            "regular_category_ids": [],
            "watched_tags": [],
            "tracked_tags": [],
        },
    }


class FakeDiscourse:
    def __init__(self, users: dict[str, list[int]]) -> None:
        self.users = users
        self.categories = [
            dc_category(5, "reps", [dc_category(52, "reps-council")]),
            dc_category(9, "nda"),
            dc_category(1, "general"),
        ]
        self.throttle_once = True
        self.faults: list[tuple[str, Reply]] = []  # (path, reply), used once each
        self.listing: dict | None = None  # a whole /categories.json answer (a fixture)
        self.as_others_see_it = False  # users as a non-staff key sees them (Discourse's example)
        self.server = FakeServer(self.handle)

    def handle(self, method: str, path: str, query: dict, headers: dict, body: Any) -> Reply:
        for i, (fault_path, reply) in enumerate(self.faults):
            if path == fault_path:
                del self.faults[i]
                return reply
        if headers.get("api-key") != "dc-key" or headers.get("api-username") != "system":
            return 403, {}, {"errors": ["You are not permitted to view the requested resource."]}
        if path == "/categories.json" and self.listing is not None:
            return 200, {}, self.listing
        if path == "/categories.json":
            return (
                200,
                {},
                {
                    "category_list": {
                        "can_create_category": False,
                        "can_create_topic": True,
                        "categories": self.categories,
                    }
                },
            )
        if path.startswith("/u/") and path.endswith(".json"):
            username = path[3:-5]
            if username == "bob" and self.throttle_once:
                self.throttle_once = False
                return (
                    429,
                    {"Retry-After": "7"},
                    {
                        "errors": ["too many requests"],
                        "error_type": "rate_limit",
                        "extras": {"wait_seconds": 7},
                    },
                )
            if username not in self.users:
                return (
                    404,
                    {},
                    {
                        "errors": ["The requested URL or resource could not be found."],
                        "error_type": "not_found",
                    },
                )
            if self.as_others_see_it:
                shown = fixture("discourse_user_as_others_see_it.json")
                shown["user"] |= {"username": username, "name": username.title()}
                return 200, {}, shown
            return 200, {}, dc_user(username, self.users[username])
        return 404, {}, {"errors": ["not found"]}
