"""The Redis the suite runs against (127.0.0.1:6379, no persistence, here and in CI).

A test that needs it asks `redis_url(db)`: a dedicated database number, flushed before the test
(the caller flushes it after). Without a Redis the test is skipped, unless OKRS_REQUIRE_REDIS=1
(CI, `.ci/run`) asks for it: then it fails, as OKRS_REQUIRE_BROWSER does for the browser."""

from __future__ import annotations

import os

import pytest

HOST, PORT = "127.0.0.1", 6379
# The database numbers the suite uses, one per test module, so no two tests share one.
WORKER_DB = 13
LIMITS_DB = 14


def redis_url(db: int) -> str:
    """`redis://127.0.0.1:6379/<db>`, flushed; skips (or fails when required) without Redis."""
    import redis

    client = redis.Redis(host=HOST, port=PORT, db=db, socket_connect_timeout=2)
    try:
        client.ping()
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        message = f"no Redis at {HOST}:{PORT} ({exc})"
        if os.environ.get("OKRS_REQUIRE_REDIS", "") == "1":
            pytest.fail(f"{message} and OKRS_REQUIRE_REDIS=1 asks for the Redis tests")
        pytest.skip(message)
    client.flushdb()
    client.close()
    return f"redis://{HOST}:{PORT}/{db}"


def flush(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
