"""Forms for objectives, key results, alignment, reviews and check-ins.

Forms only parse and validate input; saving goes through `okrs.goals.services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from okrs.goals.models import KeyResult, Objective, ObjectiveState, Period
from okrs.goals.services import KEY_RESULT_FIELDS, OBJECTIVE_FIELDS
from okrs.org.models import Team


def _people_of(team: Team) -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(memberships__team=team)
        .select_related("profile")
        .order_by("username")
        .distinct()
    )


def _people_of_any(teams: QuerySet[Team]) -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(memberships__team__in=teams)
        .select_related("profile")
        .order_by("username")
        .distinct()
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        profile = getattr(obj, "profile", None)
        name = profile.display_name if profile is not None else ""
        return f"{name} ({obj.username})" if name else obj.username


class ObjectiveForm(forms.ModelForm):
    """Create (with a team among those the user leads) or edit an objective."""

    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=True)
    owner = PersonChoiceField(queryset=get_user_model().objects.none(), required=False)

    class Meta:
        model = Objective
        fields = ["team", *OBJECTIVE_FIELDS]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, teams: QuerySet[Team] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = Period.objects.order_by("-start")
        if self.instance.pk:
            del self.fields["team"]
            self.fields["owner"].queryset = _people_of(self.instance.team)
        else:
            teams = teams if teams is not None else Team.objects.none()
            self.fields["team"].queryset = teams
            team = self._chosen_team()
            self.fields["owner"].queryset = _people_of(team) if team else _people_of_any(teams)
        self.fields["weight"].widget.attrs.update(step="any", min="0")

    def _chosen_team(self) -> Team | None:
        raw = self.data.get("team") if self.is_bound else self.initial.get("team")
        if isinstance(raw, Team):
            return raw
        try:
            return self.fields["team"].queryset.filter(pk=int(raw)).first() if raw else None
        except (TypeError, ValueError):
            return None

    def clean_weight(self) -> float:
        weight = self.cleaned_data["weight"]
        if weight is None or weight <= 0:
            raise forms.ValidationError("must be greater than 0.")
        return weight


class KeyResultForm(forms.ModelForm):
    owner = PersonChoiceField(queryset=get_user_model().objects.none(), required=False)

    class Meta:
        model = KeyResult
        fields = list(KEY_RESULT_FIELDS)
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "measure_params": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"measure_kind": "Measure", "measure_params": "Measure parameters (JSON)"}
        help_texts = {
            "measure_params": 'For a computed measure, e.g. {"survey": "core-community-2017-q1"}'
            " for an NPS; empty for manual check-ins."
        }

    def __init__(self, *args: Any, objective: Objective, **kwargs: Any) -> None:
        kwargs.setdefault("instance", KeyResult(objective=objective))
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people_of(objective.team)
        for name in ("baseline", "target", "target_high", "stretch", "weight"):
            self.fields[name].widget.attrs.update(step="any")
        period = objective.period
        self.fields["deadline"].help_text = (
            f"Inside {period} ({period.start:%b %-d} – {period.end:%b %-d, %Y});"
            " empty means the period end."
        )

    def clean_weight(self) -> float:
        weight = self.cleaned_data["weight"]
        if weight is None or weight <= 0:
            raise forms.ValidationError("must be greater than 0.")
        return weight

    def clean_measure_params(self) -> dict[str, Any]:
        params = self.cleaned_data.get("measure_params")
        if params in (None, ""):
            return {}
        if not isinstance(params, dict):
            raise forms.ValidationError('must be a JSON object such as {"survey": "slug"}.')
        return params


class AlignmentForm(forms.Form):
    parent = forms.ModelChoiceField(
        queryset=Objective.objects.none(), label="Contributes to", empty_label="Choose…"
    )
    weight = forms.FloatField(initial=1.0, widget=forms.NumberInput(attrs={"step": "any"}))

    def __init__(self, *args: Any, candidates: QuerySet[Objective], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        field.queryset = candidates.exclude(state=ObjectiveState.ARCHIVED).select_related("team")
        field.label_from_instance = lambda o: f"{o.team} · {o}"

    def clean_weight(self) -> float:
        weight = self.cleaned_data["weight"]
        if weight <= 0:
            raise forms.ValidationError("must be greater than 0.")
        return weight


class ReviewForm(forms.Form):
    body = forms.CharField(
        label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CheckInForm(forms.Form):
    """A check-in as the reader types it: confidence is a percentage (stored 0.0–1.0)."""

    value = forms.FloatField(widget=forms.NumberInput(attrs={"step": "any"}))
    confidence = forms.FloatField(
        label="Confidence (%)",
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": "1", "min": "0", "max": "100"}),
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, prefix_id: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if prefix_id:
            self.auto_id = f"id_{prefix_id}_%s"

    def confidence_fraction(self) -> float | None:
        confidence = self.cleaned_data.get("confidence")
        return None if confidence is None else confidence / 100


def checkin_initial(value: float | None, confidence: float | None) -> dict[str, float | None]:
    """A check-in form's defaults: the last value, the confidence as a percentage."""
    return {"value": value, "confidence": None if confidence is None else round(confidence * 100)}


def checkin_prefix(key_result: KeyResult) -> str:
    """The prefix of a check-in form's input ids: one form per key result on a page."""
    return f"kr{key_result.pk}"


def checkin_form(
    *, key_result: KeyResult, value: float | None, confidence: float | None, data: Any = None
) -> CheckInForm:
    """The check-in form of a key result, defaulting to its last value and confidence."""
    return CheckInForm(
        data, initial=checkin_initial(value, confidence), prefix_id=checkin_prefix(key_result)
    )


class PeriodForm(forms.Form):
    """A period: a quarter named like 2026-Q3 gets its dates from the name when they are left
    empty; any other span needs both dates."""

    slug = forms.SlugField(max_length=32, label="Short name", help_text="e.g. 2026-Q3")
    name = forms.CharField(max_length=100, required=False, help_text="e.g. Q3 2026")
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        slug = data.get("slug")
        if slug and (data.get("start") is None or data.get("end") is None):
            from okrs.core.krparse import period_from_slug

            try:
                span = period_from_slug(slug)
            except ValueError:
                for name in ("start", "end"):
                    if data.get(name) is None and name not in self.errors:
                        self.add_error(name, "Give the date (or name the period like 2026-Q3).")
            else:
                data["start"] = data.get("start") or span.start
                data["end"] = data.get("end") or span.end
        return data


def next_period_initial(latest: Period | None, today: dt.date) -> dict[str, Any]:
    """The quarter after the latest period (or the quarter of today): its slug and name."""
    day = latest.end + dt.timedelta(days=1) if latest else today
    quarter = (day.month - 1) // 3 + 1
    return {"slug": f"{day.year}-Q{quarter}", "name": f"Q{quarter} {day.year}"}
