"""A real webhook receiver on 127.0.0.1 (http.server in a thread) and the team that talks to it."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests import factories as f


@dataclass
class Receiver:
    url: str
    status: int = 200
    delay: float = 0.0
    received: list[dict[str, Any]] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if state.delay:
                time.sleep(state.delay)
            state.received.append({"headers": dict(self.headers), "body": body})
            self.send_response(state.status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _backoff(settings: Any) -> None:
    settings.OKRS_WEBHOOK_BACKOFF_SECONDS = 30


@dataclass
class Cast:
    lead: Any
    member: Any
    outsider: Any
    team: Any
    objective: Any
    kr: Any


@pytest.fixture
def cast(db: Any) -> Cast:
    lead, member, outsider = f.person("lead"), f.person("member"), f.person("outsider")
    team = f.team("reps")
    f.membership(lead, team, "lead")
    f.membership(member, team, "member")
    objective = f.objective(team=team, title="Grow")
    kr = f.key_result(objective=objective, title="50 Reps", baseline=0, target=50)
    return Cast(lead, member, outsider, team, objective, kr)
