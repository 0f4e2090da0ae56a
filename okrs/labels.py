"""Field labels in the reader's language, by field name: the forms' fields whose label Django
makes from the name ("target_high" → "Target high") and the history of changes name fields
with these words instead."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

LABELS: dict[str, Any] = {
    "allow_anonymous": _("Allow anonymous answers"),
    "archived": _("Archived"),
    "baseline": _("Baseline"),
    "cadence": _("Cadence"),
    "closes_at": _("Closes at"),
    "code": _("Code"),
    "cohort": _("Cohort"),
    "commitment": _("Commitment"),
    "confidence": _("Confidence"),
    "deadline": _("Deadline"),
    "deleted": _("Deleted"),
    "check-ins kept": _("Check-ins kept"),
    "description": _("Description"),
    "direction": _("Direction"),
    "due": _("Due"),
    "email": _("Email"),
    "end": _("End"),
    "events": _("Events"),
    "file": _("File"),
    "heartbeat": _("Heartbeat"),
    "measure_kind": _("Measure"),
    "measure_params": _("Measure parameters"),
    "name": _("Name"),
    "note": _("Note"),
    "opens_at": _("Opens at"),
    "owner": _("Owner"),
    "period": _("Period"),
    "person": _("Person"),
    "position": _("Position"),
    "priority": _("Priority"),
    "question": _("Question"),
    "read_only": _("Read only"),
    "role": _("Role"),
    "slug": _("Short name"),
    "start": _("Start"),
    "state": _("State"),
    "stretch": _("Stretch"),
    "target": _("Target"),
    "target_high": _("Target (high end)"),
    "team": _("Team"),
    "title": _("Title"),
    "unit": _("Unit"),
    "url": _("URL"),
    "username": _("Username"),
    "value": _("Value"),
    "visibility": _("Visibility"),
    "weeks": _("Heartbeat length"),
    "weight": _("Weight"),
}


STATUS_LABELS: dict[str, Any] = {
    "on_track": pgettext_lazy("status", "On track"),
    "at_risk": pgettext_lazy("status", "At risk"),
    "off_track": pgettext_lazy("status", "Off track"),
    "no_data": pgettext_lazy("status", "No check-in yet"),
    "uncertain": pgettext_lazy("status", "Uncertain"),
    "achieved": pgettext_lazy("status", "Achieved"),
    "missed": pgettext_lazy("status", "Missed"),
}


def status_label(status: Any) -> str:
    """A status (`okrs.core.pacing.Status` or its value) in the reader's language: only its own
    label is translated (a page shows a status per row)."""
    value = str(getattr(status, "value", status))
    found = STATUS_LABELS.get(value)
    return value if found is None else str(found)


def label(name: str) -> Any:
    """The label of field `name`, else the name in words."""
    return LABELS.get(name, str(name).replace("_", " "))


class Labelled:
    """A form mixin: every field whose label is not already translated takes the label of its
    name from `LABELS` (set in the form's `__init__` after it may be changed)."""

    fields: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not isinstance(field.label, Promise) and name in LABELS:
                field.label = LABELS[name]
