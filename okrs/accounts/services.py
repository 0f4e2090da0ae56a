"""The writes of accounts: invitations, leaving a team, deleting an account. Pages call these,
so every rule of a write is here once."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from okrs.accounts.models import Invitation
from okrs.org.access import can_lead_team
from okrs.org.memberships import cohort_leave
from okrs.org.models import Membership, Profile, Role, Team

FORMER_MEMBER = "former-member"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str  # only in the mail; the database keeps its hash

    @property
    def path(self) -> str:
        return f"/invitations/{self.token}/"


def invite(lead: AbstractBaseUser, team: Team, email: str, role: str) -> NewInvitation:
    """Invite `email` to `team` with `role` and mail the link. Only the team's leads (and site
    admins) may; an address that is already a member's is refused."""
    if not can_lead_team(lead, team):
        raise PermissionDenied(_("Only the team's leads may invite people."))
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("Enter a valid email address.")}) from exc
    if role not in Role.values:
        raise ValidationError({"role": _("Choose lead, member or viewer.")})
    if Membership.objects.filter(team=team, person__email__iexact=email).exists():
        raise ValidationError({"email": _("Someone with this address is already a member.")})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        team=team,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by=lead if lead.is_authenticated else None,
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.OKRS_INVITATION_DAYS),
    )
    new = NewInvitation(invitation, token)
    context = {
        "invitation": invitation,
        "inviter": lead,
        "link": settings.OKRS_SITE_URL.rstrip("/") + new.path,
        "days": settings.OKRS_INVITATION_DAYS,
    }
    send_mail(
        render_to_string("accounts/email/invitation_subject.txt", context).strip(),
        render_to_string("accounts/email/invitation_message.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [email],
    )
    return new


def pending_invitation(token: str) -> Invitation | None:
    """The invitation the token opens, if it is still pending; None otherwise (an unknown, used,
    revoked or expired token all look the same to whoever holds it)."""
    if not token or len(token) > 100:
        return None
    invitation = (
        Invitation.objects.select_related("team", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )
    return invitation if invitation is not None and invitation.is_pending else None


def accept(token: str, person: AbstractBaseUser) -> Membership:
    """The membership the invitation grants (an existing membership keeps its role); the
    invitation is used up."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(token_hash=hash_token(token))
            .select_related("team")
            .first()
        )
        if invitation is None or not invitation.is_pending:
            raise ValidationError(_("This invitation is no longer valid."))
        membership, _created = Membership.objects.get_or_create(
            person_id=person.pk, team=invitation.team, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by_id = person.pk
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def revoke(lead: AbstractBaseUser, invitation: Invitation) -> None:
    if not can_lead_team(lead, invitation.team):
        raise PermissionDenied(_("Only the team's leads may revoke invitations."))
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def leave_team(person: AbstractBaseUser, team: Team) -> None:
    """Leave `team`. Its last lead may not: the team would have nobody to run it."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(person_id=person.pk, team=team).first()
        )
        if membership is None:
            raise ValidationError(_("You are not a member of this team."))
        if membership.role == Role.LEAD:
            leads = Membership.objects.select_for_update().filter(team=team, role=Role.LEAD)
            if leads.count() <= 1:
                raise ValidationError(
                    _("You are the team's only lead: make someone else a lead before leaving.")
                )
        membership.delete()


def delete_account(person: User) -> None:
    """Erase what identifies the person and keep what the teams wrote together.

    The user row stays as a "former member" (no name, no email, no password, inactive), so that
    their comments keep an anonymous author and their check-ins, changes and packets keep their
    history. Memberships, tokens, linked sign-in accounts, email addresses, notifications and
    pending invitations they hold are deleted."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    from okrs.api.models import AccessToken

    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        old_email = person.email
        person.username = f"{FORMER_MEMBER}-{person.pk}"
        person.first_name = person.last_name = person.email = ""
        person.set_unusable_password()
        person.is_active = person.is_staff = person.is_superuser = False
        person.save()
        Membership.objects.filter(person=person).delete()
        cohort_leave(person=person)  # ended, kept: closed periods counted them
        AccessToken.objects.filter(person=person).delete()
        SocialAccount.objects.filter(user=person).delete()
        EmailAddress.objects.filter(user=person).delete()
        person.talk_notifications.all().delete()
        person.talk_follows.all().delete()
        Profile.objects.update_or_create(
            person=person,
            defaults={"display_name": "", "github_login": "", "discourse_username": ""},
        )
        if old_email:
            Invitation.objects.filter(email__iexact=old_email, accepted_at__isnull=True).update(
                revoked_at=timezone.now()
            )


def change_email(request: HttpRequest, email: str) -> None:
    """The settings page's new address: kept unconfirmed, and a confirmation link mailed, so
    that no one links another's GitHub or OpenID Connect sign-in by typing their address."""
    from allauth.account.models import EmailAddress

    user = request.user
    with transaction.atomic():
        user.email = email
        user.save(update_fields=["email"])
        EmailAddress.objects.filter(user=user).delete()
        address = (
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
            if email
            else None
        )
    if address is not None:
        address.send_confirmation(request)
