from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from okrs.chat.models import Kind, Topic
from okrs.labels import Labelled
from okrs.security.forms import CheckedValues


class ChannelForm(Labelled, CheckedValues, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("e.g. #reps-general"))
    kind = forms.ChoiceField(label=_("Chat"), choices=Kind.choices)
    url = forms.URLField(
        label=_("Incoming webhook URL"),
        assume_scheme="https",
        max_length=500,
        help_text=_("Made in the chat's settings; kept secret (not shown again)."),
    )
    topics = forms.MultipleChoiceField(
        label=_("What goes there"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Topic.STATUS, Topic.REVIEW],
    )
