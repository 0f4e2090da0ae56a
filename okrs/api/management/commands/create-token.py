"""`okrs create-token USERNAME NAME [--read-only]`: make a personal access token, print it once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from okrs.api.services import token_create


class Command(BaseCommand):
    help = (
        "Create a personal access token for USERNAME and print it once (only its hash is kept). "
        "Use it as `Authorization: Bearer <token>`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Whose token it is.")
        parser.add_argument("name", help="What it is for, e.g. 'spreadsheet sync'.")
        parser.add_argument(
            "--read-only", action="store_true", help="The token may read but never write."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        person = get_user_model().objects.filter(username=options["username"]).first()
        if person is None:
            raise CommandError(f"no user {options['username']!r}", returncode=2)
        if not options["name"].strip():
            raise CommandError("NAME must not be empty", returncode=2)
        token, raw = token_create(
            person=person, name=options["name"], read_only=options["read_only"]
        )
        kind = "read-only" if token.read_only else "read-write"
        self.stderr.write(f"Created {kind} token {token.name!r} for {person}. It is shown once:")
        self.stdout.write(raw)
