"""The forms of a team's settings page. They parse and label; the rules are in
okrs.org.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from okrs.org.models import Team, Visibility
from okrs.security.forms import CheckedValues


class TeamSettingsForm(CheckedValues, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"),
        choices=[
            (Visibility.PUBLIC, _("Public: anyone may read")),
            (Visibility.PRIVATE, _("Private: members only")),
        ],
    )
    parent = forms.ModelChoiceField(
        label=_("Part of"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("(a top-level team)"),
        help_text=_("A lead may place the team under a team they also lead."),
    )
    tracker_url = forms.URLField(
        label=_("Issue tracker"), required=False, assume_scheme="https", max_length=200
    )
    discussion_url = forms.URLField(
        label=_("Where the community discusses"),
        required=False,
        assume_scheme="https",
        max_length=200,
    )
    follows_parent_heartbeats = forms.BooleanField(
        label=_("Work in the parent team's heartbeat calendar"), required=False
    )

    def __init__(self, *args: Any, parents: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]


class RepositoryForm(CheckedValues, forms.Form):
    repo = forms.CharField(
        label=_("GitHub repository"),
        max_length=200,
        help_text=_("OWNER/REPO, e.g. mozilla/reps: its issues become the team's work packets."),
    )
    every_minutes = forms.IntegerField(
        label=_("Sync every (minutes)"),
        min_value=0,
        initial=60,
        help_text=_("0: only by hand and through GitHub's webhook."),
    )


class DiscussionForm(CheckedValues, forms.Form):
    mirror = forms.BooleanField(
        label=_("Post new comments as replies to the linked Discourse topic"), required=False
    )
