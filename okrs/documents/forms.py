"""The paste page's form: drafts written into and read back from flat POST fields."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from django.http import QueryDict

from okrs.core.scoring import Direction
from okrs.documents.services import KRDraft, ObjectiveDraft

NUMBER_FIELDS = ("baseline", "target", "target_high")
MAX_LINE = 1_000_000
DIRECTIONS = [(d.value, d.value.replace("_", " ")) for d in Direction]


def _number(raw: str, label: str, name: str, errors: list[str]) -> float | None:
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):  # nan, inf, 1e400
        errors.append(f"{label}: {name} {raw!r} is not a number.")
        return None
    return number


def _date(raw: str, label: str, errors: list[str]) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{label}: deadline {raw!r} is not a date (YYYY-MM-DD).")
        return None


def _count(data: QueryDict, name: str, limit: int = 50) -> int:
    try:
        return max(0, min(int(data.get(name, "0")), limit))
    except ValueError:
        return 0


def drafts_from_post(data: QueryDict) -> tuple[list[ObjectiveDraft], list[str]]:
    """The corrected drafts, and what is wrong in them (said with where)."""
    drafts: list[ObjectiveDraft] = []
    errors: list[str] = []
    for i in range(_count(data, "o-count")):
        title = data.get(f"o-{i}-title", "").strip()
        if not title:
            continue  # a cleared objective is left out, with its KRs
        draft = ObjectiveDraft(
            code=data.get(f"o-{i}-code", "").strip()[:16] or f"O{i + 1}",
            title=title,
            line=_line(data.get(f"o-{i}-line", "")),
        )
        for j in range(_count(data, f"k-{i}-count")):
            kr = _kr_from_post(data, f"k-{i}-{j}", errors)
            if kr is not None:
                draft.key_results.append(kr)
        drafts.append(draft)
    return drafts, errors


def _line(raw: str) -> int | None:
    """The document line a draft came from (a hidden field): a positive number, else none."""
    try:
        line = int(raw)
    except ValueError:
        return None
    return line if 0 < line <= MAX_LINE else None


def _meta(raw: str) -> dict[str, Any]:
    """What the parse said of a KR (a hidden JSON field), kept only in the shapes it was sent
    in: an edited or forged field loses what does not fit instead of failing the save."""
    try:
        meta = json.loads(raw or "{}")
    except ValueError:
        meta = {}
    if not isinstance(meta, dict):
        meta = {}
    change = meta.get("change")
    valid_change = isinstance(change, (int, float)) and not isinstance(change, bool)
    return {
        "text": str(meta.get("text", "")).replace("\x00", ""),
        "strict": meta.get("strict") is True,
        "change": float(change) if valid_change and math.isfinite(change) else None,
        "milestones": _records(meta.get("milestones"), ("value", "deadline")),
        "uncertain": _records(meta.get("uncertain"), ("field", "reason")),
    }


def _records(value: Any, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [
        {k: item[k] for k in keys}
        for item in value
        if isinstance(item, dict) and all(isinstance(item.get(k), (str, int, float)) for k in keys)
    ]


def _kr_from_post(data: QueryDict, prefix: str, errors: list[str]) -> KRDraft | None:
    title = data.get(f"{prefix}-title", "").strip()
    if not title:
        return None
    label = f"Key result {title[:50]!r}"
    direction = data.get(f"{prefix}-direction", "")
    if direction not in {d.value for d in Direction}:
        errors.append(f"{label}: choose a direction.")
        direction = Direction.MILESTONE.value
    fields: dict[str, Any] = {
        name: _number(data.get(f"{prefix}-{name}", ""), label, name, errors)
        for name in NUMBER_FIELDS
    }
    # an empty baseline stays empty: the service keeps it for review, never reads it as 0
    fields.update(
        direction=direction,
        unit=data.get(f"{prefix}-unit", "").strip()[:32],
        deadline=_date(data.get(f"{prefix}-deadline", ""), label, errors),
    )
    meta = _meta(data.get(f"{prefix}-meta", ""))
    return KRDraft(
        code=data.get(f"{prefix}-code", "").strip()[:16],
        title=title,
        fields=fields,
        line=_line(data.get(f"{prefix}-line", "")),
        text=str(meta.get("text", "")),
        strict=meta["strict"],
        change=meta["change"],
        milestones=meta["milestones"],
        uncertain=meta["uncertain"],
    )


def kr_meta(kr: KRDraft) -> str:
    return json.dumps(
        {
            "text": kr.text,
            "strict": kr.strict,
            "change": kr.change,
            "milestones": kr.milestones,
            "uncertain": kr.uncertain,
        }
    )
