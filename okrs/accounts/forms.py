from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from okrs.labels import Labelled
from okrs.org.models import Role
from okrs.security.forms import CheckedValues


class InvitationForm(Labelled, CheckedValues, forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class DeleteAccountForm(Labelled, CheckedValues, forms.Form):
    """The password, or for an account without one (signed up through GitHub or OpenID
    Connect) the username, typed again."""

    confirm = forms.CharField(label=_("Your password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user
        if not user.has_usable_password():  # type: ignore[attr-defined]
            self.fields["confirm"] = forms.CharField(label=_("Your username"))

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"]
        user = self.user
        ok = (
            user.check_password(value)  # type: ignore[attr-defined]
            if user.has_usable_password()  # type: ignore[attr-defined]
            else value == user.get_username()  # type: ignore[attr-defined]
        )
        if not ok:
            raise forms.ValidationError(_("That does not match: the account is not deleted."))
        return value
