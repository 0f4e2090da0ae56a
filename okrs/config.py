"""Typed readers for the environment. Each refuses a bad value with a message naming the variable.

Settings read the process environment only through these helpers, so that a typo in a deployment
fails at start-up instead of running with a surprising default.
"""

from __future__ import annotations

import math
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class ConfigError(ValueError):
    """A configuration value in the environment is not usable."""


def env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_str(name: str, default: str, environ: Mapping[str, str] = os.environ) -> str:
    return environ.get(name, default).strip() or default


def env_choice(
    name: str, choices: tuple[str, ...], default: str, environ: Mapping[str, str] = os.environ
) -> str:
    """One word of `choices` (case-insensitive); an unknown word names the variable and the
    words it takes."""
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return default
    word = raw.strip().lower()
    if word not in choices:
        raise ConfigError(f"{name}={raw!r}: expected one of {', '.join(choices)}")
    return word


def env_pair(
    first: str, second: str, environ: Mapping[str, str] = os.environ
) -> tuple[str, str] | None:
    """Two variables that go together (a client id and its secret): both, or neither; one
    without the other names the missing one."""
    a = environ.get(first, "").strip()
    b = environ.get(second, "").strip()
    if a and b:
        return a, b
    if a or b:
        missing = second if a else first
        present = first if a else second
        raise ConfigError(f"{missing}: must be set when {present} is")
    return None


def env_int(
    name: str, default: int, environ: Mapping[str, str] = os.environ, *, minimum: int = 0
) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r}: must be at least {minimum}")
    return value


def env_float(
    name: str, default: float, environ: Mapping[str, str] = os.environ, *, minimum: float = 0.0
) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected a number") from None
    if not math.isfinite(value) or value < minimum:
        raise ConfigError(f"{name}={raw!r}: must be a finite number of at least {minimum:g}")
    return value


_EVERY = re.compile(r"^every\s+(?P<n>\d+)\s*(?P<unit>s|m|h|d)$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def env_schedule(
    name: str, default: str, *, time_zone: str, environ: Mapping[str, str] = os.environ
) -> Any:
    """An APScheduler trigger from a crontab line (`0 7 * * *`, in `time_zone`), an interval
    (`every 30s`, `every 5m`, `every 1h`, `every 1d`), or None for `off`."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    raw = env_str(name, default, environ)
    if raw.lower() == "off":
        return None
    every = _EVERY.match(raw)
    if every:
        seconds = int(every.group("n")) * _UNIT_SECONDS[every.group("unit").lower()]
        if seconds <= 0:
            raise ConfigError(f"{name}={raw!r}: the interval must be longer than zero")
        return IntervalTrigger(seconds=seconds, timezone=time_zone)
    try:
        return CronTrigger.from_crontab(raw, timezone=time_zone)
    except ValueError as exc:
        raise ConfigError(
            f"{name}={raw!r}: expected a crontab line (e.g. '0 7 * * *'), 'every 5m' or 'off'"
            f" ({exc})"
        ) from None


def env_tasks(name: str, redis_url_name: str, environ: Mapping[str, str] = os.environ) -> Any:
    """The TASKS setting of django-tasks: the database backend (`database`, the default: SQLite
    and PostgreSQL need nothing else) or Redis through RQ (`redis`, with the URL in
    `redis_url_name`; `pip install okrs[redis]`)."""
    kind = env_str(name, "database", environ).lower()
    if kind == "database":
        return {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    if kind == "redis":
        url = env_str(redis_url_name, "", environ)
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError(f"{name}=redis needs {redis_url_name}=redis://host:port/db")
        return {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    raise ConfigError(f"{name}={kind!r}: expected 'database' or 'redis'")


def env_list(name: str, default: list[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return list(default)
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ConfigError(f"{name}: expected a comma-separated list, got an empty value")
    return items


def env_database(
    name: str, default_sqlite: Path, environ: Mapping[str, str] = os.environ
) -> dict[str, Any]:
    """A Django DATABASES entry from a URL (sqlite:///path or postgres://user@host:port/db).

    SQLite runs in WAL mode with immediate transactions, so that readers never wait for the
    writer and concurrent writers queue instead of failing with "database is locked".
    """
    raw = environ.get(name, "").strip()
    url = raw or f"sqlite:///{default_sqlite}"
    scheme = url.split(":", 1)[0]
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ConfigError(f"{name}={raw!r}: only sqlite:/// and postgres:// URLs are supported")
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except Exception as exc:  # dj_database_url raises several kinds for malformed URLs
        raise ConfigError(f"{name}={raw!r}: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise ConfigError(f"{name}={raw!r}: a SQLite URL needs a file path")
        path = Path(config["NAME"])
        path.parent.mkdir(parents=True, exist_ok=True)
        # Tests use a file too (not Django's shared in-memory database), so that threads and
        # servers in tests write concurrently exactly as in production: WAL, queued writers.
        config["TEST"] = {"NAME": str(path.with_name(f"{path.stem}-test{path.suffix}"))}
        # Connections persist (60 s, as for PostgreSQL): opening one costs 1.4 ms of CPU per
        # request (the PRAGMAs and parsing the schema), more than most API reads themselves.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            " PRAGMA busy_timeout=20000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        config["ENGINE"] = "django.db.backends.postgresql"
        config["CONN_HEALTH_CHECKS"] = True
        if env_bool("OKRS_DATABASE_PREPARE", True, environ):
            # Server-side parameters and prepared statements: psycopg prepares a statement the
            # second time a connection runs it, so PostgreSQL plans each query once per
            # connection instead of once per request (0.5 to 0.75 ms of its CPU per API read at
            # the large scale: docs/performance.md). OKRS_DATABASE_PREPARE=0 turns it off, for a
            # pooler in transaction mode (PgBouncer), which cannot keep prepared statements.
            config["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 2}
    return config


def env_secret_key(name: str, keep_in: Path, environ: Mapping[str, str] = os.environ) -> str:
    """The secret key from the environment, or one generated once and kept in `keep_in`."""
    raw = environ.get(name, "").strip()
    if raw:
        if len(raw) < 32:
            raise ConfigError(f"{name}: must be at least 32 characters long")
        return raw
    if keep_in.exists():
        kept = keep_in.read_text().strip()
        if len(kept) >= 32:
            return kept
    keep_in.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(keep_in, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
