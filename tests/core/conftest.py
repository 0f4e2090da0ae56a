"""The pure core's tests run without Django (``-p no:django``).

The project-wide ``tests/conftest.py`` has an autouse fixture that needs pytest-django's
``settings``; here it is overridden with a no-op, since okrs.core imports no Django.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _plain_static_storage() -> None:
    """No Django settings to adjust for the pure core."""
