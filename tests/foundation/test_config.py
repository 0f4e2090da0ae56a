"""The environment readers refuse bad values with a message naming the variable."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from okrs.config import ConfigError, env_bool, env_database, env_list, env_secret_key


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("", False)]
)
def test_env_bool_reads_the_usual_words(raw: str, expected: bool) -> None:
    assert env_bool("OKRS_DEBUG", default=True, environ={"OKRS_DEBUG": raw}) is expected


def test_env_bool_defaults_when_absent() -> None:
    assert env_bool("OKRS_DEBUG", default=False, environ={}) is False


def test_env_bool_refuses_anything_else() -> None:
    with pytest.raises(ConfigError, match="OKRS_DEBUG='maybe'"):
        env_bool("OKRS_DEBUG", default=False, environ={"OKRS_DEBUG": "maybe"})


def test_env_list_splits_and_refuses_empty() -> None:
    assert env_list("H", ["x"], environ={"H": "a.org, b.org"}) == ["a.org", "b.org"]
    with pytest.raises(ConfigError, match="H:"):
        env_list("H", ["x"], environ={"H": " , "})


def test_database_defaults_to_sqlite_in_wal_mode(tmp_path: Path) -> None:
    config = env_database("DB", default_sqlite=tmp_path / "var" / "db.sqlite3", environ={})
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "var" / "db.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert (tmp_path / "var").is_dir()


def test_database_reads_postgres_urls(tmp_path: Path) -> None:
    url = "postgres://okrs:secret@db.example:5433/okrs"
    config = env_database("DB", default_sqlite=tmp_path / "x", environ={"DB": url})
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.example",
        5433,
        "okrs",
        "okrs",
    )


def test_postgres_prepares_statements_unless_turned_off(tmp_path: Path) -> None:
    url = {"DB": "postgres://okrs@db.example:5432/okrs"}
    config = env_database("DB", default_sqlite=tmp_path / "x", environ=url)
    assert config["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 2}
    off = env_database(
        "DB", default_sqlite=tmp_path / "x", environ={**url, "OKRS_DATABASE_PREPARE": "0"}
    )
    assert "OPTIONS" not in off
    with pytest.raises(ConfigError, match="OKRS_DATABASE_PREPARE='maybe'"):
        env_database(
            "DB", default_sqlite=tmp_path / "x", environ={**url, "OKRS_DATABASE_PREPARE": "maybe"}
        )


def test_database_refuses_unknown_schemes(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DB='mysql://x/y'"):
        env_database("DB", default_sqlite=tmp_path / "x", environ={"DB": "mysql://x/y"})


def test_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    keep = tmp_path / "secret_key"
    first = env_secret_key("KEY", keep_in=keep, environ={})
    assert len(first) >= 50
    assert env_secret_key("KEY", keep_in=keep, environ={}) == first
    assert stat.S_IMODE(keep.stat().st_mode) == 0o600


def test_secret_key_from_environment_must_be_long(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="KEY"):
        env_secret_key("KEY", keep_in=tmp_path / "k", environ={"KEY": "short"})
    long_key = "k" * 40
    assert env_secret_key("KEY", keep_in=tmp_path / "k", environ={"KEY": long_key}) == long_key


def test_repository_has_no_debug_or_secret_default() -> None:
    from django.conf import settings

    assert settings.DEBUG is False
    source = (Path(__file__).parents[2] / "okrs" / "settings.py").read_text()
    assert "SECRET_KEY = env_secret_key(" in source
