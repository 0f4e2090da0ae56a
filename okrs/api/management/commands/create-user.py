"""`okrs create-user NAME --email E [--team T --role R]`, the password read from standard input."""

from __future__ import annotations

import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from okrs.org.models import Membership, Role, Team


class Command(BaseCommand):
    help = (
        "Create a person. The password is read from standard input (first line), e.g. "
        "`printf '%s\\n' \"$PW\" | okrs create-user ana --email ana@example.org --team reps`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The username.")
        parser.add_argument("--email", required=True)
        parser.add_argument("--team", help="Slug of a team to join.")
        parser.add_argument(
            "--role", choices=Role.values, default=Role.MEMBER, help="Role in --team."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name, email = options["name"], options["email"]
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"--email {email!r} is not an email address", returncode=2) from None
        User = get_user_model()
        if User.objects.filter(username=name).exists():
            raise CommandError(f"a user {name!r} exists already", returncode=2)
        team = None
        if options["team"]:
            team = Team.objects.filter(slug=options["team"]).first()
            if team is None:
                raise CommandError(f"no team {options['team']!r}", returncode=2)
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("give the password on standard input", returncode=2)
        candidate = User(username=name, email=email)
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise CommandError("password: " + " ".join(exc.messages), returncode=2) from None
        with transaction.atomic():
            person = User.objects.create_user(username=name, email=email, password=password)
            if team is not None:
                Membership.objects.create(person=person, team=team, role=options["role"])
        where = f" ({options['role']} of {team.slug})" if team else ""
        self.stdout.write(f"Created {name}{where}.")
