"""Forms of the measures pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from okrs.goals.models import KeyResult
from okrs.labels import Labelled
from okrs.measures.imports import KINDS
from okrs.org.access import User, visible_cohorts
from okrs.org.models import Cohort, Team
from okrs.security.forms import CheckedValues

KIND_CHOICES = [
    (
        "responses",
        _("Survey responses (survey, score, submitted_at; respondent, comment, external_id)"),
    ),
    ("activities", _("Activities (person, date, type; initiative, tags, link, external_id)")),
    ("facts", _("Person facts (person, key, value, observed_at)")),
    ("events", _("Participation events (person, kind, subject, at)")),
]
assert {k for k, _ in KIND_CHOICES} == set(KINDS)


class ImportForm(Labelled, CheckedValues, forms.Form):
    kind = forms.ChoiceField(choices=KIND_CHOICES, label=_("Dataset"))
    file = forms.FileField(
        help_text=_(
            "CSV with a header row, or JSON: a list of objects with the same keys. "
            "Times in ISO 8601, people by username; tags separated by ';'."
        )
    )

    def clean_file(self) -> Any:
        """At most OKRS_IMPORT_MAX_BYTES, as through the API (which answers 413)."""
        upload = self.cleaned_data["file"]
        limit: int = settings.OKRS_IMPORT_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is over %(limit)s bytes.")
                % {"limit": number_format(limit, force_grouping=True)},
                code="too_large",
            )
        return upload


class SurveyForm(Labelled, CheckedValues, forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), help_text=_("Its leads manage it."))
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=64,
        required=False,
        help_text=_("Part of the link: /surveys/<slug>/ (empty: made from the title)."),
    )
    question = forms.CharField(
        max_length=300,
        initial=_("How likely are you to recommend us to a friend or colleague?"),
    )
    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(),
        required=False,
        help_text=_("Who may answer when signed in."),
    )
    opens_at = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    allow_anonymous = forms.BooleanField(
        required=False, help_text=_("Anyone with the link may answer without signing in.")
    )
    key_result = forms.ModelChoiceField(
        queryset=KeyResult.objects.none(),
        required=False,
        label=_("Key result it measures"),
        empty_label=_("None"),
        help_text=_("Its value becomes this survey's NPS, updated as people answer."),
    )

    def __init__(self, *args: Any, teams: QuerySet[Team], user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        # only the cohorts `user` may see (a private team's stay within it)
        cohorts = visible_cohorts(user).order_by("name")
        self.fields["cohort"].queryset = cohorts  # type: ignore[attr-defined]
        # the KRs of the led teams' objectives in periods not over yet (their leads edit them)
        today = timezone.localdate()
        krs = (
            KeyResult.objects.filter(
                objective__team__in=teams, objective__period__end__gte=today, archived=False
            )
            .exclude(objective__state="archived")
            .select_related("objective__team")
            .order_by("objective__team__name", "objective__order", "order")
        )
        self.fields["key_result"].queryset = krs  # type: ignore[attr-defined]
        self.fields["key_result"].label_from_instance = (  # type: ignore[attr-defined]
            lambda kr: f"{kr.objective.team} · {kr.objective.code}{kr.code} {kr.title}".strip()
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kr, team = data.get("key_result"), data.get("team")
        if kr is not None and team is not None and kr.objective.team_id != team.pk:
            self.add_error(
                "key_result",
                _("%(kr)s belongs to %(owner)s, not %(team)s.")
                % {"kr": kr, "owner": kr.objective.team, "team": team},
            )
        return data


class AnswerForm(Labelled, CheckedValues, forms.Form):
    score = forms.TypedChoiceField(
        choices=[(i, str(i)) for i in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
        label=_("Your answer, from 0 (not at all likely) to 10 (extremely likely)"),
    )
    comment = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Anything you want to add? (optional)"),
    )  # fmt: skip
