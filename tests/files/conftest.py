"""Fixtures for the "OKRs as files" tests."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.files.helpers import run


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """Write (dedented) text to a file in a temporary folder; return its path."""

    def write(text: str, name: str = "okrs.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def demo(db: None) -> str:
    """The demo loaded; returns the command's output."""
    return run("demo")
