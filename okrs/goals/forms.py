"""Forms for objectives, key results, alignment, reviews and check-ins.

Forms only parse and validate input; saving goes through `okrs.goals.services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from okrs.core.kr_input import DIRECTION_FIELDS, VALUE_FIELDS
from okrs.core.kr_input import problems as kr_problems
from okrs.core.measures import UNITS, MeasureParamsError, parse_measure
from okrs.goals.models import (
    DirectionChoices,
    KeyResult,
    MeasureKind,
    Objective,
    ObjectiveState,
    Period,
)
from okrs.goals.services import KEY_RESULT_FIELDS, OBJECTIVE_FIELDS
from okrs.goals.services import OWNER_ROLES as SERVICE_OWNER_ROLES
from okrs.labels import Labelled
from okrs.messages import say
from okrs.org.models import Cohort, Team
from okrs.security.forms import CheckedValues

# viewers read; they do not own objectives or key results (the services refuse one)
OWNER_ROLES = tuple(role.value for role in SERVICE_OWNER_ROLES)


def _people_of(team: Team) -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(memberships__team=team, memberships__role__in=OWNER_ROLES)
        .select_related("profile")
        .order_by("username")
        .distinct()
    )


def _people_of_any(teams: QuerySet[Team]) -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(memberships__team__in=teams, memberships__role__in=OWNER_ROLES)
        .select_related("profile")
        .order_by("username")
        .distinct()
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        profile = getattr(obj, "profile", None)
        name = profile.display_name if profile is not None else ""
        return f"{name} ({obj.username})" if name else obj.username


class ObjectiveForm(Labelled, CheckedValues, forms.ModelForm):
    """Create (with a team among those the user leads) or edit an objective."""

    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=True)
    owner = PersonChoiceField(queryset=get_user_model().objects.none(), required=False)
    contributes_to = forms.ModelChoiceField(
        queryset=Objective.objects.none(),
        required=False,
        label=_("Contributes to"),
        empty_label=_("Nothing yet"),
        help_text=_("An objective of a team above this one, in the same period."),
    )

    class Meta:
        model = Objective
        fields = ["team", *OBJECTIVE_FIELDS]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(
        self,
        *args: Any,
        teams: QuerySet[Team] | None = None,
        parents: QuerySet[Objective] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = Period.objects.order_by("-start")
        if self.instance.pk:
            del self.fields["team"]
            del self.fields["contributes_to"]
            self.fields["owner"].queryset = _people_of(self.instance.team)
        else:
            teams = teams if teams is not None else Team.objects.none()
            self.fields["team"].queryset = teams
            team = self._chosen_team()
            self.fields["owner"].queryset = _people_of(team) if team else _people_of_any(teams)
            field = self.fields["contributes_to"]
            field.queryset = (
                (parents if parents is not None else Objective.objects.none())
                .exclude(state=ObjectiveState.ARCHIVED)
                .select_related("team", "period")
            )
            field.label_from_instance = lambda o: f"{o.team} · {o} ({o.period})"
        self.fields["weight"].widget.attrs.update(step="any", min="0")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        parent, period = data.get("contributes_to"), data.get("period")
        if parent is not None and period is not None and parent.period_id != period.pk:
            self.add_error(
                "contributes_to",
                gettext("%(objective)s is an objective of %(of)s, not of %(period)s.")
                % {"objective": parent, "of": parent.period, "period": period},
            )
        return data

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
            raise forms.ValidationError(_("must be greater than 0."))
        return weight


MEASURE_FIELDS: dict[str, tuple[str, ...]] = {
    "manual": (),
    "nps": ("survey",),
    "activity_share": ("activity_type", "activity_initiative", "activity_tag", "cohort"),
    "activity_count": ("activity_type", "activity_initiative", "activity_tag", "cohort"),
    "cohort_fact_share": ("cohort", "fact_key", "fact_value"),
    "distinct_people": ("event", "subject", "cohort"),
}
ALL_MEASURE_FIELDS = tuple(dict.fromkeys(f for fs in MEASURE_FIELDS.values() for f in fs))


class SlugChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.slug})"


class KeyResultForm(Labelled, CheckedValues, forms.ModelForm):
    """A key result as a person fills it: only the fields of the chosen direction and measure
    (the others are stored empty), the measure from real inputs (a survey, a cohort, activity
    filters, an event kind) turned into its parameters here, every problem at once beside its
    field in the reader's words (`okrs.core.kr_input`)."""

    owner = PersonChoiceField(queryset=get_user_model().objects.none(), required=False)
    survey = SlugChoiceField(
        queryset=None, required=False, label=_("Survey"), empty_label=_("Choose…")
    )
    cohort = SlugChoiceField(
        queryset=None, required=False, label=_("Cohort"), empty_label=_("Everyone"),
        help_text=_("Whose data counts."),
    )  # fmt: skip
    activity_type = forms.CharField(required=False, max_length=200, label=_("Activity type"))
    activity_initiative = forms.CharField(required=False, max_length=200, label=_("Initiative"))
    activity_tag = forms.CharField(required=False, max_length=200, label=_("Tag"))
    event = forms.CharField(
        required=False, max_length=200, label=_("Event kind"), help_text=_("e.g. feedback")
    )
    subject = forms.CharField(
        required=False, max_length=200, label=_("Subject"), help_text=_("e.g. cpg-draft (optional)")
    )
    fact_key = forms.CharField(
        required=False, max_length=200, label=_("Fact"), help_text=_("e.g. discourse.watching.reps")
    )
    fact_value = forms.CharField(
        required=False, max_length=500, label=_("Fact value"), initial="true"
    )

    class Meta:
        model = KeyResult
        fields = [f for f in KEY_RESULT_FIELDS if f != "measure_params"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels = {
            "measure_kind": _("Measure"),
            "target_high": _("Target (high end)"),
            "baseline": _("Baseline (where it starts)"),
        }

    def __init__(self, *args: Any, objective: Objective, user: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("instance", KeyResult(objective=objective))
        super().__init__(*args, **kwargs)
        from okrs.measures.models import Survey
        from okrs.org.access import visible_cohorts

        self.fields["owner"].queryset = _people_of(objective.team)
        teams = _team_and_ancestors(objective.team)
        surveys = Survey.objects.filter(team_id__in=teams)
        current = (self.instance.measure_params or {}) if self.instance.pk else {}
        if current.get("survey"):
            surveys = surveys | Survey.objects.filter(slug=current["survey"])
        self.fields["survey"].queryset = surveys.order_by("-created_at")
        self.fields["survey"].to_field_name = "slug"
        cohorts = visible_cohorts(user) if user is not None else Cohort.objects.none()
        self.fields["cohort"].queryset = cohorts.order_by("name")
        self.fields["cohort"].to_field_name = "slug"
        for name in ("baseline", "target", "target_high", "stretch", "weight"):
            self.fields[name].widget.attrs.update(step="any")
        period = objective.period
        self.fields["deadline"].help_text = _(
            "Inside %(period)s (%(start)s – %(end)s); empty means the period end."
        ) % {
            "period": period,
            "start": date_format(period.start, "MONTH_DAY_FORMAT"),
            "end": date_format(period.end, "DATE_FORMAT"),
        }
        if current:
            self._initial_from_params(current)
        self.direction = self._chosen("direction", DirectionChoices.INCREASE)
        self.measure = self._chosen("measure_kind", MeasureKind.MANUAL)
        if self.direction not in DIRECTION_FIELDS:
            self.direction = DirectionChoices.INCREASE
        if self.measure not in MEASURE_FIELDS:
            self.measure = MeasureKind.MANUAL
        keep = set(DIRECTION_FIELDS[self.direction]) | set(MEASURE_FIELDS[self.measure])
        for name in (*VALUE_FIELDS, *ALL_MEASURE_FIELDS):
            if name not in keep:
                del self.fields[name]
        if self.measure == MeasureKind.NPS:
            self.fields["survey"].required = True
        if self.measure == MeasureKind.COHORT_FACT_SHARE:
            for name in ("cohort", "fact_key"):
                self.fields[name].required = True
        if self.measure == MeasureKind.DISTINCT_PEOPLE:
            self.fields["event"].required = True
        if self.direction == DirectionChoices.RANGE:
            self.fields["target"].label = _("Target (low end)")
        if self.measure in ("activity_share", "cohort_fact_share", "nps"):
            self.fields["unit"].help_text = _("Measured in %(unit)s.") % {
                "unit": UNITS[self.measure]
            }

    def _chosen(self, name: str, default: str) -> str:
        if self.is_bound:
            return str(self.data.get(name) or default)
        value = self.initial.get(name) or getattr(self.instance, name, None) or default
        return str(value)

    def _initial_from_params(self, params: dict[str, Any]) -> None:
        chosen = {
            "survey": params.get("survey"),
            "cohort": params.get("cohort"),
            "activity_type": (params.get("filter") or {}).get("type"),
            "activity_initiative": (params.get("filter") or {}).get("initiative"),
            "activity_tag": (params.get("filter") or {}).get("tag"),
            "event": params.get("event"),
            "subject": params.get("subject"),
        }
        conditions = params.get("conditions") or []
        if conditions:
            chosen["fact_key"] = conditions[0].get("key")
            chosen["fact_value"] = conditions[0].get("value")
        for name, value in chosen.items():
            if value is not None:
                self.initial.setdefault(name, value)

    def clean_weight(self) -> float:
        weight = self.cleaned_data["weight"]
        if weight is None or weight <= 0:
            raise forms.ValidationError(_("The weight must be greater than 0."))
        return weight

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in VALUE_FIELDS:
            data.setdefault(name, None)
        if self.direction == DirectionChoices.MILESTONE:
            data["baseline"], data["target"] = 0.0, None
        elif data.get("baseline") is None and "baseline" not in self.errors:
            data["baseline"] = 0.0
        if not any(name in self.errors for name in VALUE_FIELDS):
            for field, problem in kr_problems(
                direction=self.direction,
                baseline=data.get("baseline"),
                target=data.get("target"),
                target_high=data.get("target_high"),
                stretch=data.get("stretch"),
                unit=data.get("unit") or "",
                measure_kind=self.measure,
            ):
                self.add_error(field if field in self.fields else None, say(problem))
        deadline = data.get("deadline")
        period = self.instance.objective.period
        if deadline and not period.contains(deadline):
            self.add_error(
                "deadline",
                _("The deadline must lie inside %(period)s (%(start)s – %(end)s).")
                % {
                    "period": period,
                    "start": date_format(period.start, "MONTH_DAY_FORMAT"),
                    "end": date_format(period.end, "DATE_FORMAT"),
                },
            )
        data["measure_params"] = params = self._measure_params(data)
        if self.measure != MeasureKind.MANUAL:
            try:
                parse_measure(self.measure, params)
            except MeasureParamsError as exc:
                for where, problem in exc.problems:
                    field = _measure_field(where)
                    self.add_error(field if field in self.fields else None, problem)
        return data

    def _post_clean(self) -> None:
        """The model's own checks run in the service (`key_result_create/update`), whose refusal
        `_save` puts beside the fields; here they would only repeat the form's, in other words."""

    def _measure_params(self, data: dict[str, Any]) -> dict[str, Any]:
        """The measure's parameters from the inputs of its kind (validated again by the model
        through `okrs.core.measures`)."""
        kind = self.measure
        cohort = data.get("cohort")
        if kind == MeasureKind.NPS:
            survey = data.get("survey")
            return {"survey": survey.slug} if survey else {}
        if kind in (MeasureKind.ACTIVITY_SHARE, MeasureKind.ACTIVITY_COUNT):
            found = {
                key: data.get(f"activity_{key}")
                for key in ("type", "initiative", "tag")
                if data.get(f"activity_{key}")
            }
            if kind == MeasureKind.ACTIVITY_SHARE and not found and not self.errors:
                self.add_error("activity_type", _("Give an activity type, initiative or tag."))
            params: dict[str, Any] = {"filter": found}
            if cohort:
                params["cohort"] = cohort.slug
            return params
        if kind == MeasureKind.COHORT_FACT_SHARE:
            key = data.get("fact_key") or ""
            condition = {"key": key, "value": data.get("fact_value") or ""}
            return {"cohort": cohort.slug if cohort else "", "conditions": [condition]}
        if kind == MeasureKind.DISTINCT_PEOPLE:
            params = {"event": data.get("event") or ""}
            if data.get("subject"):
                params["subject"] = data["subject"]
            if cohort:
                params["cohort"] = cohort.slug
            return params
        return {}


def _measure_field(where: str) -> str:
    """The form field of a measure parameter named in `okrs.core.measures`' problems."""
    head = where.split(".")[0]
    if head in ("filter", "within"):
        return "activity_" + where.split(".")[1] if "." in where else "activity_type"
    if head == "conditions":
        return "fact_value" if where.endswith("value") else "fact_key"
    return head


def _team_and_ancestors(team: Team) -> list[int]:
    ids, node = [], team
    while node is not None and len(ids) < 16:
        ids.append(node.pk)
        node = node.parent
    return ids


class AlignmentForm(Labelled, CheckedValues, forms.Form):
    parent = forms.ModelChoiceField(
        queryset=Objective.objects.none(), label=_("Contributes to"), empty_label=_("Choose…")
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
            raise forms.ValidationError(_("must be greater than 0."))
        return weight


class ReviewForm(Labelled, CheckedValues, forms.Form):
    body = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CheckInForm(Labelled, CheckedValues, forms.Form):
    """A check-in as the reader types it: confidence is a percentage (stored 0.0–1.0)."""

    value = forms.FloatField(widget=forms.NumberInput(attrs={"step": "any"}))
    confidence = forms.FloatField(
        label=_("Confidence (%)"),
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


class PeriodForm(Labelled, CheckedValues, forms.Form):
    """A period: a quarter named like 2026-Q3 gets its dates from the name when they are left
    empty; any other span needs both dates."""

    slug = forms.SlugField(max_length=32, label=_("Short name"), help_text=_("e.g. 2026-Q3"))
    name = forms.CharField(max_length=100, required=False, help_text=_("e.g. Q3 2026"))
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
                        self.add_error(name, _("Give the date (or name the period like 2026-Q3)."))
            else:
                data["start"] = data.get("start") or span.start
                data["end"] = data.get("end") or span.end
        return data


def next_free_code(team: Team, period: Period) -> str:
    """The first code O1, O2, … that the team does not use in the period yet."""
    used = set(Objective.objects.filter(team=team, period=period).values_list("code", flat=True))
    number = 1
    while f"O{number}" in used:
        number += 1
    return f"O{number}"


def next_period_initial(latest: Period | None, today: dt.date) -> dict[str, Any]:
    """The quarter after the latest period (or the quarter of today): its slug and name."""
    day = latest.end + dt.timedelta(days=1) if latest else today
    quarter = (day.month - 1) // 3 + 1
    return {"slug": f"{day.year}-Q{quarter}", "name": f"Q{quarter} {day.year}"}
