"""The admin commands: create-user (password from stdin), backup and restore on both databases."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from okrs.goals.models import Objective
from okrs.org.models import Membership
from tests import factories as f


@pytest.mark.django_db
def test_create_user_reads_the_password_from_stdin(monkeypatch: Any) -> None:
    f.team("reps")
    monkeypatch.setattr("sys.stdin", io.StringIO("a long Passphrase 42\n"))
    call_command(
        "create-user", "ana", "--email", "ana@example.org", "--team", "reps", "--role", "lead"
    )
    ana = User.objects.get(username="ana")
    assert ana.check_password("a long Passphrase 42") and ana.email == "ana@example.org"
    assert Membership.objects.get(person=ana).role == "lead"


@pytest.mark.django_db
def test_create_user_refuses_bad_input_and_writes_nothing(monkeypatch: Any) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError, match="password"):
        call_command("create-user", "bob", "--email", "bob@example.org")
    monkeypatch.setattr("sys.stdin", io.StringIO("a long Passphrase 42\n"))
    with pytest.raises(CommandError, match="no team"):
        call_command("create-user", "bob", "--email", "bob@example.org", "--team", "nope")
    with pytest.raises(CommandError, match="email"):
        call_command("create-user", "bob", "--email", "not-an-email")
    assert not User.objects.filter(username="bob").exists()


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_brings_the_data_back(tmp_path: Path) -> None:
    objective = f.objective(title="Keep me")
    target = tmp_path / "okrs.backup"
    call_command("backup", str(target), stdout=io.StringIO())
    assert target.stat().st_size > 0
    Objective.objects.filter(pk=objective.pk).update(title="Changed after the backup")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(target))
    call_command("restore", str(target), "--yes", stdout=io.StringIO())
    assert Objective.objects.get(pk=objective.pk).title == "Keep me"
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(target))
