"""Helpers for the "OKRs as files" tests: running the commands and snapshots of the database."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command

from okrs.goals.models import Objective, Period
from okrs.heartbeats.models import Heartbeat, WorkPacket
from okrs.org.models import Cohort, Team

Snapshot = dict[str, list[dict[str, Any]]]


def run(*args: str) -> str:
    """Run a management command; return what it wrote to standard output."""
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


FLOAT_SUMS = {
    "goals.TeamRollup": ("weighted", "weights", "committed_grades", "aspirational_grades")
}
"""Columns that hold sums of floats, written again in whatever order the database adds them
(PostgreSQL's hash aggregate): a snapshot holds them to 12 significant digits, as `okrs scores
verify` compares them."""


def snapshot() -> Snapshot:
    """Every row of every model (auto-created many-to-many tables included), in pk order."""
    shot = {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }
    for label, names in FLOAT_SUMS.items():
        for row in shot[label]:
            for name in names:
                if row[name] is not None:
                    row[name] = float(f"{row[name]:.12g}")
    return shot


def counts(shot: Snapshot) -> dict[str, int]:
    return {label: len(rows) for label, rows in shot.items()}


def wipe() -> None:
    """Empty the database of everything an import writes (children before parents)."""
    WorkPacket.objects.all().delete()
    Heartbeat.objects.all().delete()
    Objective.objects.all().delete()
    Period.objects.all().delete()
    Cohort.objects.all().delete()
    while Team.objects.exists():
        Team.objects.filter(children__isnull=True).delete()
    User.objects.all().delete()


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the first line of `text` containing `needle`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")
