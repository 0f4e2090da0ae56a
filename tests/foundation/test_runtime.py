"""The server process's garbage-collector tuning (okrs/runtime.py)."""

from __future__ import annotations

import gc

import pytest

from okrs.runtime import THRESHOLDS, tune_gc


@pytest.fixture
def _restore_gc():  # type: ignore[no-untyped-def]
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)
    gc.unfreeze()


def test_tuning_freezes_what_exists_and_raises_the_thresholds(_restore_gc, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("OKRS_GC_TUNING", raising=False)
    gc.unfreeze()
    assert tune_gc() is True
    assert gc.get_threshold() == THRESHOLDS
    assert gc.get_freeze_count() > 0


def test_tuning_can_be_switched_off(_restore_gc, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OKRS_GC_TUNING", "0")
    gc.set_threshold(700, 10, 10)
    assert tune_gc() is False
    assert gc.get_threshold() == (700, 10, 10)


def test_a_server_process_loading_the_application_is_tuned(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """What a gunicorn worker does: import okrs.wsgi in a fresh process."""
    import os
    import subprocess
    import sys

    code = "import gc, okrs.wsgi; print(gc.get_threshold(), gc.get_freeze_count() > 0)"
    env = {**os.environ, "OKRS_VAR_DIR": str(tmp_path)}
    env.pop("OKRS_GC_TUNING", None)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split("\n")[0] == f"{THRESHOLDS} True"
