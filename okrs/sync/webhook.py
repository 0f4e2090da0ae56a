"""GitHub webhook: `issues` events update the mirrored packet at once (no network call).

The body is authenticated with `X-Hub-Signature-256` (HMAC-SHA256 with
OKRS_GITHUB_WEBHOOK_SECRET, over the raw body as sent); a missing or wrong signature gets 403 and
changes nothing. Both content types GitHub offers are accepted: `application/json` and
`application/x-www-form-urlencoded` (the JSON in the `payload` field). Events of one second are
applied in the order they arrive (see `github.upsert_issue`); `transferred` drops the packet.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from okrs.core.values import check_value, loads_json
from okrs.heartbeats.models import PacketStatus
from okrs.heartbeats.services import packet_set_status
from okrs.sync.github import Counts, drop_transferred, shown, storable, upsert_issue
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
        payload = _payload(request)
        repo, issue = payload["repository"]["full_name"], payload["issue"]
        action = payload.get("action", "")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return JsonResponse({"error": "not an issues event payload"}, status=400)
    if not isinstance(repo, str) or not isinstance(issue, dict):
        return JsonResponse({"error": "not an issues event payload"}, status=400)
    state = SyncState.objects.select_related("team").filter(repo__iexact=repo).first()
    if state is None:
        return JsonResponse({"ignored": f"{repo} is not synced here"}, status=202)
    return _apply(state, action, issue, payload.get("changes") or {})


def _payload(request: HttpRequest) -> Any:
    """The event's JSON, from a JSON body or from the `payload` field of a form-encoded one, read
    strictly (`okrs.core.values.loads_json`; ValueError otherwise)."""
    kind = request.content_type or ""
    if kind == "application/x-www-form-urlencoded":
        fields = parse_qs(request.body.decode("utf-8"), strict_parsing=True)
        [raw] = fields["payload"]
        return loads_json(raw)
    return loads_json(request.body)  # strict: no NaN, nested at most 32 deep


def _apply(state: SyncState, action: str, issue: dict, changes: dict) -> HttpResponse:  # type: ignore[type-arg]
    target = f"{state.repo}#{str(issue.get('number'))[:20]} {str(action)[:40]}"
    run = SyncRun(kind="github-webhook", target=shown(target, 300))
    counts = Counts()
    try:
        storable(issue, f"issue #{str(issue.get('number'))[:20]}")
        check_value(changes)
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
        elif action == "transferred":
            packet = drop_transferred(state, issue, changes, counts)
        else:
            packet = upsert_issue(state, issue, counts)
    except (ValidationError, KeyError, TypeError, ValueError, AttributeError) as exc:
        # a payload of another shape, or a value `okrs.core.values` refuses: nothing was written
        # (each event is one transaction), the run says why
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else repr(exc)
        run.status, run.error = RunStatus.FAILED, shown(message, 2000)
        run.finished_at, run.counts = timezone.now(), counts.as_dict()
        run.save()
        return JsonResponse({"error": run.error}, status=422)
    run.status, run.finished_at, run.counts = RunStatus.OK, timezone.now(), counts.as_dict()
    run.save()
    return JsonResponse({"packet": packet.pk if packet else None})
