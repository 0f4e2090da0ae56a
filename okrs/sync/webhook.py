"""GitHub webhook: `issues` events update the mirrored packet at once (no network call).

The body is authenticated with `X-Hub-Signature-256` (HMAC-SHA256 with
OKRS_GITHUB_WEBHOOK_SECRET); a missing or wrong signature gets 403 and changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from okrs.heartbeats.models import PacketStatus
from okrs.heartbeats.services import packet_set_status
from okrs.sync.github import Counts, upsert_issue
from okrs.sync.models import IssueLink, RunStatus, SyncRun, SyncState


def signature_ok(secret: str, body: bytes, header: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header or "")


@csrf_exempt
@require_POST
def github_webhook(request: HttpRequest) -> HttpResponse:
    secret = settings.OKRS_GITHUB_WEBHOOK_SECRET
    if not secret:
        return JsonResponse({"error": "OKRS_GITHUB_WEBHOOK_SECRET is not set"}, status=503)
    if not signature_ok(secret, request.body, request.headers.get("X-Hub-Signature-256", "")):
        return JsonResponse({"error": "bad or missing X-Hub-Signature-256"}, status=403)
    event = request.headers.get("X-GitHub-Event", "")
    if event == "ping":
        return JsonResponse({"ok": "pong"})
    if event != "issues":
        return JsonResponse({"ignored": f"event {event!r}"}, status=202)
    try:
        payload = json.loads(request.body)
        repo, issue = payload["repository"]["full_name"], payload["issue"]
        action = payload.get("action", "")
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "not an issues event payload"}, status=400)
    state = SyncState.objects.select_related("team").filter(repo__iexact=repo).first()
    if state is None:
        return JsonResponse({"ignored": f"{repo} is not synced here"}, status=202)
    return _apply(state, action, issue)


def _apply(state: SyncState, action: str, issue: dict) -> HttpResponse:  # type: ignore[type-arg]
    run = SyncRun(kind="github-webhook", target=f"{state.repo}#{issue.get('number')} {action}")
    counts = Counts()
    try:
        if action == "deleted":
            link = IssueLink.objects.select_related("packet").filter(
                repo=state, number=issue.get("number")
            )
            packet = link.first().packet if link.exists() else None  # type: ignore[union-attr]
            if packet is not None:
                packet_set_status(
                    packet=packet,
                    status=PacketStatus.DROPPED,
                    actor=None,
                    note="issue deleted on GitHub",
                )
        else:
            packet = upsert_issue(state, issue, counts)
    except (ValidationError, KeyError, TypeError) as exc:
        run.status, run.error = RunStatus.FAILED, str(exc)
        run.finished_at, run.counts = timezone.now(), counts.as_dict()
        run.save()
        return JsonResponse({"error": run.error}, status=422)
    run.status, run.finished_at, run.counts = RunStatus.OK, timezone.now(), counts.as_dict()
    run.save()
    return JsonResponse({"packet": packet.pk if packet else None})
