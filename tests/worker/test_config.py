"""Settings of the worker and the integrations come from the environment through the typed
readers; a bad value stops the start with a message naming its variable."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

import pytest

from okrs.config import ConfigError, env_float, env_int, env_schedule, env_tasks


def test_a_bad_integer_names_its_variable() -> None:
    assert env_int("N", 6, {}) == 6
    assert env_int("N", 6, {"N": " 12 "}) == 12
    with pytest.raises(ConfigError, match=r"OKRS_WEBHOOK_MAX_ATTEMPTS='six': expected a whole"):
        env_int("OKRS_WEBHOOK_MAX_ATTEMPTS", 6, {"OKRS_WEBHOOK_MAX_ATTEMPTS": "six"})
    with pytest.raises(ConfigError, match="N='0': must be at least 1"):
        env_int("N", 6, {"N": "0"}, minimum=1)
    with pytest.raises(ConfigError, match="T='nan'"):
        env_float("T", 1.0, {"T": "nan"})
    assert env_float("T", 1.0, {"T": "0.25"}) == 0.25


def test_schedules_are_crontab_lines_intervals_or_off() -> None:
    daily = env_schedule("S", "0 7 * * *", time_zone="Europe/Paris", environ={})
    after = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)  # 09:00 in Paris
    nxt = daily.get_next_fire_time(after, after)
    assert nxt.astimezone(dt.UTC) == dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
    every = env_schedule("S", "x", time_zone="UTC", environ={"S": "every 5m"})
    assert every.get_next_fire_time(after, after) == after + dt.timedelta(minutes=5)
    assert env_schedule("S", "0 7 * * *", time_zone="UTC", environ={"S": "off"}) is None
    for bad in ("61 * * * *", "daily", "every 0s", "every 5 fortnights"):
        with pytest.raises(ConfigError, match=re.escape(f"OKRS_SCHEDULE_X={bad!r}")):
            environ = {"OKRS_SCHEDULE_X": bad}
            env_schedule("OKRS_SCHEDULE_X", "off", time_zone="UTC", environ=environ)


def test_the_task_backend_is_the_database_unless_redis_is_asked_for() -> None:
    assert env_tasks("B", "R", {}) == {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    redis = env_tasks("B", "R", {"B": "redis", "R": "redis://127.0.0.1:6379/0"})
    assert redis["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    with pytest.raises(ConfigError, match="B=redis needs R=redis://"):
        env_tasks("B", "R", {"B": "redis"})
    with pytest.raises(ConfigError, match="B='celery'"):
        env_tasks("B", "R", {"B": "celery"})


def _settings_of(env: dict[str, str], expression: str) -> subprocess.CompletedProcess[str]:
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "okrs.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_settings_read_the_discourse_url_and_refuse_bad_numbers() -> None:
    done = _settings_of(
        {"OKRS_DISCOURSE_URL": "https://discourse.mozilla.org", "OKRS_TALK_EDIT_MINUTES": "30"},
        "settings.OKRS_DISCOURSE_URL, settings.OKRS_TALK_EDIT_MINUTES",
    )
    assert done.stdout.strip() == "https://discourse.mozilla.org 30", done.stderr
    refused = _settings_of({"OKRS_API_RATE_LIMIT": "lots"}, "1")
    assert refused.returncode != 0
    assert "ConfigError: OKRS_API_RATE_LIMIT='lots': expected a whole number" in refused.stderr
