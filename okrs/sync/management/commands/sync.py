"""`okrs sync github OWNER/REPO --team SLUG` and `okrs sync discourse --url URL --cohort SLUG
--category SLUG...`. The worker runs both on a schedule (okrs.sync.tasks): each run is
incremental and idempotent; a failed run says what failed and exits non-zero. A successful
Discourse run is remembered for the worker's daily run."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from okrs.org.models import Cohort, Team
from okrs.sync.discourse import discourse_client, sync_discourse
from okrs.sync.github import github_client, sync_github, sync_state_for
from okrs.sync.models import DiscourseSync, RunStatus, SyncRun


class Command(BaseCommand):
    help = "Sync work packets with a GitHub repository, or Discourse watching into person facts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="service", required=True)
        gh = sub.add_parser("github", help="issues → packets, milestones → heartbeats")
        gh.add_argument("repo", help="OWNER/REPO")
        gh.add_argument("--team", required=True, help="slug of the team the packets belong to")
        gh.add_argument("--label-pattern", help="regex with groups objective and kr")
        gh.add_argument(
            "--push",
            dest="push",
            action="store_true",
            default=None,
            help="opt in: create/close issues for packets created/closed in okrs",
        )
        gh.add_argument("--no-push", dest="push", action="store_false")
        gh.add_argument("--full", action="store_true", help="ignore `since`: fetch every issue")
        gh.add_argument(
            "--every",
            type=int,
            metavar="MINUTES",
            help="how often the worker syncs it from now on (default 60; 0: only by hand)",
        )
        dc = sub.add_parser("discourse", help="category watching → person facts")
        dc.add_argument("--url", required=True, help="base URL of the Discourse site")
        dc.add_argument("--cohort", required=True, help="slug of the cohort")
        dc.add_argument("--category", nargs="+", required=True, help="category slugs")

    def handle(self, *args: Any, **options: Any) -> None:
        run = self._github(options) if options["service"] == "github" else self._discourse(options)
        self.stdout.write(f"{run.kind} {run.target}: {run.status} {run.counts}")
        if run.status != RunStatus.OK:
            raise CommandError(f"sync failed: {run.error}")

    def _github(self, options: dict[str, Any]) -> SyncRun:
        team = Team.objects.filter(slug=options["team"]).first()
        if team is None:
            raise CommandError(f"--team {options['team']}: no such team")
        try:
            state = sync_state_for(
                repo=options["repo"],
                team=team,
                label_pattern=options["label_pattern"],
                push=options["push"],
                every=options["every"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if options["full"]:
            state.last_synced_at, state.etags = None, {}
        client = github_client(
            base_url=settings.OKRS_GITHUB_API_URL, token=settings.OKRS_GITHUB_TOKEN
        )
        try:
            return sync_github(state=state, client=client)
        finally:
            client.close()

    def _discourse(self, options: dict[str, Any]) -> SyncRun:
        cohort = Cohort.objects.filter(slug=options["cohort"]).first()
        if cohort is None:
            raise CommandError(f"--cohort {options['cohort']}: no such cohort")
        client = discourse_client(
            base_url=options["url"],
            api_key=settings.OKRS_DISCOURSE_API_KEY,
            api_username=settings.OKRS_DISCOURSE_API_USERNAME,
        )
        try:
            run = sync_discourse(client=client, cohort=cohort, slugs=options["category"])
        finally:
            client.close()
        if run.status == RunStatus.OK:  # the worker's daily run does the same from now on
            DiscourseSync.objects.update_or_create(
                cohort=cohort, defaults={"url": options["url"], "categories": options["category"]}
            )
        return run
