"""Forms for heartbeats and work packets. Forms only parse and validate input; saving goes
through `okrs.heartbeats.services`, as the CLI and the API do."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from okrs.goals.forms import PersonChoiceField
from okrs.goals.models import KeyResult, ObjectiveState, Period
from okrs.heartbeats.models import Heartbeat, Priority, RasciRole
from okrs.labels import Labelled
from okrs.org.models import Team
from okrs.security.forms import CheckedValues

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SplitForm(Labelled, CheckedValues, forms.Form):
    period = forms.ModelChoiceField(queryset=Period.objects.order_by("-start"), empty_label=None)
    weeks = forms.TypedChoiceField(
        choices=[(3, _("3 weeks")), (2, _("2 weeks"))], coerce=int, label=_("Heartbeats of")
    )
    start = forms.DateField(
        required=False,
        widget=DATE,
        help_text=_("Empty: the period's start (or after the last one)."),
    )


class HeartbeatForm(Labelled, CheckedValues, forms.Form):
    name = forms.CharField(max_length=100, help_text=_("e.g. Q3HB1"))
    period = forms.ModelChoiceField(queryset=Period.objects.order_by("-start"), empty_label=None)
    start = forms.DateField(widget=DATE)
    end = forms.DateField(widget=DATE)


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return PersonChoiceField.label_from_instance(self, obj)  # type: ignore[arg-type]


class KeyResultChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.objective.team} · {obj.objective.code}{obj.code} {obj.title}".strip()


def movable_key_results(team: Team, periods: list[Period]) -> QuerySet[KeyResult]:
    """The KRs a packet of `team` may move: of its team and the teams above it, in `periods`."""
    ids, node = [], team
    while node is not None and len(ids) < 16:
        ids.append(node.pk)
        node = node.parent
    return (
        KeyResult.objects.filter(
            objective__team_id__in=ids, objective__period__in=periods, archived=False
        )
        .exclude(objective__state=ObjectiveState.ARCHIVED)
        .select_related("objective__team")
        .order_by("objective__team__name", "objective__order", "order")
    )


def team_people(team: Team) -> QuerySet[Any]:
    """Members and leads of the team (viewers read, they do not take on packets)."""
    return (
        get_user_model()
        .objects.filter(memberships__team=team, memberships__role__in=["lead", "member"])
        .select_related("profile")
        .order_by("username")
        .distinct()
    )


class PacketForm(Labelled, CheckedValues, forms.Form):
    title = forms.CharField(max_length=500)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text=_("Markdown.")
    )
    heartbeat = forms.ModelChoiceField(
        queryset=Heartbeat.objects.none(), required=False, empty_label=_("Not scheduled yet")
    )
    priority = forms.ChoiceField(choices=Priority.choices, required=False)
    key_results = KeyResultChoices(
        queryset=KeyResult.objects.none(),
        required=False,
        label=_("Key results it moves"),
        widget=forms.CheckboxSelectMultiple,
    )
    responsible = PersonMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label=_("Responsible"),
        widget=forms.CheckboxSelectMultiple,
    )
    due = forms.DateField(required=False, widget=DATE)
    external_url = forms.URLField(required=False, label=_("Issue URL"), assume_scheme="https")

    def __init__(
        self, *args: Any, team: Team, heartbeats: QuerySet[Heartbeat], user: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["heartbeat"].queryset = heartbeats  # type: ignore[attr-defined]
        periods = list(Period.objects.filter(pk__in=heartbeats.values("period_id")))
        if not periods:
            from okrs.goals.selectors import current_period

            periods = [p for p in [current_period()] if p is not None]
        from okrs.goals.access import visible_key_results

        readable = visible_key_results(user).values("pk")
        movable = movable_key_results(team, periods).filter(pk__in=readable)
        self.fields["key_results"].queryset = movable  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = team_people(team)  # type: ignore[attr-defined]


class PacketLinksForm(Labelled, CheckedValues, forms.Form):
    """The KRs a packet moves (replaces the set)."""

    key_results = KeyResultChoices(
        queryset=KeyResult.objects.none(),
        required=False,
        label=_("Key results it moves"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, queryset: QuerySet[KeyResult], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key_results"].queryset = queryset  # type: ignore[attr-defined]


class RoleForm(Labelled, CheckedValues, forms.Form):
    person = PersonChoiceField(queryset=get_user_model().objects.none(), empty_label=_("Choose…"))
    role = forms.ChoiceField(choices=RasciRole.choices)

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = team_people(team)  # type: ignore[attr-defined]
