"""State changes of accounts: invitations, memberships, coordinators. The one path for writes.

Views, the admin and the demo call these functions; each one checks its rule (raising
``AccountError`` with a French message), writes the journal and sends e-mails on commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aiguillage.accounts import notifications, second_factor
from aiguillage.accounts.models import Coordination, Invitation, Membership, Role, User
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.territories.models import Territory


class AccountError(ValueError):
    """A rule refused the change; the message is French and shown to the user."""


# Fields the staff may change on an account from the admin.
USER_EDITABLE_FIELDS: tuple[str, ...] = (
    "email",
    "first_name",
    "last_name",
    "is_active",
    "is_staff",
    "is_superuser",
)


def normalise_email(email: str) -> str:
    """E-mail addresses are stored lower-case so that logging in ignores case."""
    return (email or "").strip().lower()


def _checked_email(email: str) -> str:
    email = normalise_email(email)
    try:
        validate_email(email)
    except ValidationError as error:
        raise AccountError(
            "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."
        ) from error
    return email


def _checked_role(role: str) -> str:
    if role not in Role.values:
        raise AccountError("Choisissez un rôle : membre ou responsable.")
    return role


def _invitation_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.INVITATION_VALIDITY_DAYS)


def _is_last_manager(membership: Membership) -> bool:
    if membership.role != Role.MANAGER:
        return False
    others = Membership.objects.filter(
        organisation_id=membership.organisation_id, role=Role.MANAGER
    )
    return not others.exclude(pk=membership.pk).exists()


# --- Invitations ----------------------------------------------------------------


@transaction.atomic
def invite_colleague(
    *, organisation: Organisation, email: str, role: str, actor: User
) -> Invitation:
    """Invite ``email`` into ``organisation``; a pending invitation to that address is resent."""
    email = _checked_email(email)
    role = _checked_role(role)
    # Nobody joins a structure on their own word: a coordinator or staff member inviting
    # themselves would read the files of the people the structure follows.
    if email == normalise_email(actor.email):
        raise AccountError(
            "Vous ne pouvez pas vous inviter vous-même : un ou une responsable de la structure "
            "doit le faire."
        )
    if Membership.objects.filter(organisation=organisation, user__email=email).exists():
        raise AccountError("Cette personne fait déjà partie de la structure.")
    pending = (
        Invitation.objects.select_for_update()
        .filter(organisation=organisation, email=email, accepted_at__isnull=True)
        .filter(expires_at__gt=timezone.now())
        .first()
    )
    if pending is not None:
        # Re-inviting someone refreshes the pending invitation instead of piling up links.
        pending.role = role
        pending.expires_at = _invitation_expiry()
        pending.save(update_fields=["role", "expires_at", "updated_at"])
        invitation, event = pending, "invitation_resent"
    else:
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            invited_by=actor,
            expires_at=_invitation_expiry(),
        )
        event = "invitation_sent"
    log_event(
        event,
        actor=actor,
        obj=invitation,
        territory_id=organisation.territory_id,
        data={"organisation": str(organisation.public_id), "role": role},
    )
    transaction.on_commit(lambda: notifications.send_invitation(invitation.pk))
    return invitation


@transaction.atomic
def resend_invitation(*, invitation: Invitation, actor: User) -> Invitation:
    """Send the invitation again with a fresh validity period."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise AccountError("Cette invitation a déjà été acceptée.")
    return invite_colleague(
        organisation=invitation.organisation,
        email=invitation.email,
        role=invitation.role,
        actor=actor,
    )


@transaction.atomic
def cancel_invitation(*, invitation: Invitation, actor: User | None) -> Invitation:
    """Make the link unusable at once (the row stays: the journal points to it)."""
    invitation = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    if invitation.accepted_at is not None:
        raise AccountError("Cette invitation a déjà été acceptée : retirez plutôt la personne.")
    invitation.expires_at = timezone.now()
    invitation.save(update_fields=["expires_at", "updated_at"])
    log_event(
        "invitation_cancelled",
        actor=actor,
        obj=invitation,
        territory_id=invitation.organisation.territory_id,
    )
    return invitation


def _lock_usable(invitation: Invitation) -> Invitation:
    # Lock the row so that two clicks on the link cannot create two memberships.
    locked = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    if locked.accepted_at is not None:
        raise AccountError("Cette invitation a déjà été utilisée.")
    if locked.expires_at <= timezone.now():
        raise AccountError("Cette invitation a expiré. Demandez-en une nouvelle à votre structure.")
    return locked


def _join(invitation: Invitation, user: User) -> Membership:
    if invitation.invited_by_id == user.pk:
        raise AccountError(
            "Vous ne pouvez pas accepter une invitation que vous avez envoyée : un ou une "
            "responsable de la structure doit vous inviter."
        )
    membership = Membership.objects.create(
        user=user, organisation=invitation.organisation, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    log_event(
        "invitation_accepted",
        actor=user,
        obj=invitation,
        territory_id=invitation.organisation.territory_id,
        data={"organisation": str(invitation.organisation.public_id), "role": invitation.role},
    )
    # Managers are told of every new member: an unexpected one is noticed.
    transaction.on_commit(lambda: notifications.send_new_member(membership.pk))
    return membership


@transaction.atomic
def accept_invitation(*, invitation: Invitation, actor: User) -> Membership:
    """The invited person, logged in with the invited address, joins the organisation."""
    invitation = _lock_usable(invitation)
    if normalise_email(actor.email) != normalise_email(invitation.email):
        raise AccountError(
            "Cette invitation est destinée à une autre adresse e-mail. "
            "Connectez-vous avec l'adresse qui a reçu l'invitation."
        )
    if not actor.is_active:
        raise AccountError("Ce compte est désactivé. Contactez l'équipe Aiguillage.")
    if Membership.objects.filter(user=actor, organisation=invitation.organisation).exists():
        raise AccountError("Vous faites déjà partie de cette structure.")
    return _join(invitation, actor)


@transaction.atomic
def create_account_from_invitation(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
) -> Membership:
    """Someone without an account accepts: the account and the membership are created together.

    The new person is the actor; the password has been checked by the form's validators.
    """
    invitation = _lock_usable(invitation)
    email = normalise_email(invitation.email)
    if User.objects.filter(email=email).exists():
        raise AccountError(
            "Un compte existe déjà pour cette adresse : connectez-vous pour accepter l'invitation."
        )
    user = User.objects.create_user(
        email, password, first_name=first_name.strip(), last_name=last_name.strip()
    )
    log_event("user_created", actor=user, obj=user, data={"via": "invitation"})
    return _join(invitation, user)


# --- Memberships ----------------------------------------------------------------


def _check_not_joining_alone(organisation: Organisation, user: User, actor: User | None) -> None:
    """Nobody adds themselves to a structure (as nobody invites themselves), except its
    founder: the first member of a structure that has nobody yet and follows nobody
    (``organisations.actions.create_organisation``), where there is no file to read."""
    if actor is None or actor.pk != user.pk:
        return
    if not organisation.memberships.exists() and not organisation.person_accesses.exists():
        return
    raise AccountError(
        "Vous ne pouvez pas vous inviter vous-même : un ou une responsable de la structure "
        "doit le faire."
    )


@transaction.atomic
def add_member(
    *, organisation: Organisation, user: User, role: str, actor: User | None
) -> Membership:
    """Add an existing account to an organisation (staff support and structure creation).

    The structure's managers are told, as when an invitation is accepted."""
    role = _checked_role(role)
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise AccountError("Cette personne fait déjà partie de la structure.")
    _check_not_joining_alone(organisation, user, actor)
    membership = Membership.objects.create(organisation=organisation, user=user, role=role)
    log_event(
        "membership_added",
        actor=actor,
        obj=membership,
        territory_id=organisation.territory_id,
        data={"organisation": str(organisation.public_id), "user": user.pk, "role": role},
    )
    # Managers are told of every new member: an unexpected one is noticed.
    added_by_id = actor.pk if actor is not None else None
    transaction.on_commit(
        lambda: notifications.send_new_member(membership.pk, added_by_id=added_by_id)
    )
    return membership


@transaction.atomic
def change_member_role(*, membership: Membership, role: str, actor: User | None) -> Membership:
    """Make a member a manager or the reverse; a structure always keeps one manager."""
    role = _checked_role(role)
    membership = (
        Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    )
    if membership.role == role:
        return membership
    if role != Role.MANAGER and _is_last_manager(membership):
        raise AccountError(
            "La structure doit garder au moins un responsable : nommez d'abord une autre personne."
        )
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    log_event(
        "membership_role_changed",
        actor=actor,
        obj=membership,
        territory_id=membership.organisation.territory_id,
        data={
            "organisation": str(membership.organisation.public_id),
            "user": membership.user_id,
            "from": previous,
            "to": role,
        },
    )
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, actor: User | None) -> None:
    """Remove someone from an organisation (or let them leave), never its last manager."""
    membership = (
        Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    )
    if _is_last_manager(membership):
        raise AccountError(
            "La structure doit garder au moins un responsable : nommez d'abord une autre personne."
        )
    log_event(
        "membership_removed",
        actor=actor,
        obj=membership.organisation,
        territory_id=membership.organisation.territory_id,
        data={"user": membership.user_id, "role": membership.role},
    )
    membership.delete()


# --- Accounts and coordinators (staff, from the admin) -------------------------


@transaction.atomic
def create_user_account(
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    actor: User | None,
) -> User:
    """An account created by the staff (people otherwise arrive through an invitation)."""
    email = _checked_email(email)
    if User.objects.filter(email=email).exists():
        raise AccountError("Un compte existe déjà avec cette adresse e-mail.")
    user = User.objects.create_user(
        email,
        password,
        first_name=first_name,
        last_name=last_name,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    log_event(
        "user_created",
        actor=actor,
        obj=user,
        data={"via": "admin", "is_staff": is_staff, "is_superuser": is_superuser},
    )
    return user


@transaction.atomic
def update_user_account(*, user: User, values: Mapping[str, Any], actor: User | None) -> User:
    """Change an account's identity or access; access changes are journaled with their values."""
    unknown = set(values) - set(USER_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    values = dict(values)
    if "email" in values:
        values["email"] = _checked_email(values["email"])
        if User.objects.filter(email=values["email"]).exclude(pk=user.pk).exists():
            raise AccountError("Un compte existe déjà avec cette adresse e-mail.")
    stored = User.objects.get(pk=user.pk)
    changed = [name for name, value in values.items() if getattr(stored, name) != value]
    for name in changed:
        setattr(user, name, values[name])
    if not changed:
        return user
    user.save(update_fields=[*changed, "updated_at"])
    access = {
        name: {"from": getattr(stored, name), "to": values[name]}
        for name in changed
        if name in {"is_active", "is_staff", "is_superuser"}
    }
    log_event("user_updated", actor=actor, obj=user, data={"fields": changed, "access": access})
    return user


@transaction.atomic
def appoint_coordinator(*, user: User, territory: Territory, actor: User | None) -> Coordination:
    if Coordination.objects.filter(user=user, territory=territory).exists():
        raise AccountError("Cette personne coordonne déjà ce territoire.")
    coordination = Coordination.objects.create(user=user, territory=territory)
    log_event(
        "coordinator_appointed",
        actor=actor,
        obj=coordination,
        territory_id=territory.pk,
        data={"user": user.pk},
    )
    return coordination


@transaction.atomic
def remove_coordinator(*, coordination: Coordination, actor: User | None) -> None:
    log_event(
        "coordinator_removed",
        actor=actor,
        obj=coordination.territory,
        territory_id=coordination.territory_id,
        data={"user": coordination.user_id},
    )
    coordination.delete()


# --- Second factor -----------------------------------------------------------------


def start_second_factor(*, user: User) -> TOTPDevice:
    """The application key being set up: the same one until it is confirmed, so that
    reloading the page does not invalidate what was already scanned."""
    pending = second_factor.pending_app_device(user)
    if pending is not None:
        return pending
    return TOTPDevice.objects.create(user=user, name=second_factor.APP_DEVICE_NAME, confirmed=False)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(
        user=user, name=second_factor.RECOVERY_DEVICE_NAME, confirmed=True
    )
    codes = [StaticToken.random_token() for _ in range(second_factor.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [second_factor.displayed_recovery_code(code) for code in codes]


def confirm_second_factor(*, request: HttpRequest, code: str) -> list[str]:
    """Check the first code of the application, switch the second factor on and mark this
    session as verified. Returns the recovery codes, shown once."""
    user = request.user
    code = second_factor.normalised_code(code)
    if not second_factor.is_app_code(code):
        raise AccountError("Saisissez les 6 chiffres affichés par l'application.")
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-pk")
            .first()
        )
        if device is None:
            raise AccountError("La mise en place a expiré : recommencez depuis le début.")
        accepted = device.verify_token(code)
    # Outside the transaction above: a wrong code must still count for the throttling.
    if not accepted:
        raise AccountError(
            "Ce code ne correspond pas. Vérifiez que l'heure du téléphone est à l'heure "
            "et saisissez le code affiché maintenant."
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        log_event("second_factor_enrolled", actor=user, obj=user)
    _mark_verified(request, device)
    return codes


def _mark_verified(request: HttpRequest, device) -> None:
    # A new session key at the moment the session gains its rights (no session fixation).
    request.session.cycle_key()
    otp_login(request, device)


def _wait_text(locked_until: dt.datetime) -> str:
    seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
    if seconds < 60:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def verify_second_factor(*, request: HttpRequest, code: str) -> int | None:
    """Check a code from the application or a recovery code for the signed-in account.

    Returns the number of recovery codes left when one was used, else None. Wrong codes
    slow the next tries down (1, 2, 4… seconds, per device) and are journaled."""
    user = request.user
    code = second_factor.normalised_code(code)
    if second_factor.is_app_code(code):
        device_class = TOTPDevice
    elif second_factor.is_recovery_code(code):
        device_class = StaticDevice
    else:
        raise AccountError(
            "Saisissez les 6 chiffres de l'application, ou un code de secours "
            "(8 lettres et chiffres, par exemple abcd-2345)."
        )
    with transaction.atomic():
        device = device_class.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            accepted, refusal = False, None
        else:
            allowed, refusal = device.verify_is_allowed()
            accepted = allowed and device.verify_token(code)
    if not accepted:
        log_event(
            "second_factor_refused",
            actor=user,
            obj=user,
            data={"kind": "application" if device_class is TOTPDevice else "recovery"},
        )
        if refusal and refusal.get("locked_until"):
            raise AccountError(
                "Trop de codes erronés à la suite. Attendez "
                f"{_wait_text(refusal['locked_until'])} avant de réessayer."
            )
        raise AccountError(
            "Ce code n'est pas valable. Saisissez le code affiché maintenant par "
            "l'application, ou un code de secours que vous n'avez pas encore utilisé."
        )
    _mark_verified(request, device)
    if device_class is StaticDevice:
        left = second_factor.remaining_recovery_codes(user)
        log_event("recovery_code_used", actor=user, obj=user, data={"left": left})
        return left
    return None


@transaction.atomic
def regenerate_recovery_codes(*, user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    if not second_factor.has_second_factor(user):
        raise AccountError("Activez d'abord la double authentification.")
    codes = _new_recovery_codes(user)
    log_event("recovery_codes_regenerated", actor=user, obj=user)
    return codes


@transaction.atomic
def reset_second_factor(*, user: User, actor: User) -> None:
    """Staff remove a lost phone's key: the person sets a new one up at the next login.

    Staff cannot reset their own (another staff member does it), and the person is told by
    e-mail, so that a reset asked by somebody else does not go unnoticed."""
    if not getattr(actor, "is_staff", False):
        raise AccountError(
            "Seule l'équipe Aiguillage peut réinitialiser une double authentification."
        )
    if actor.pk == user.pk:
        raise AccountError(
            "Vous ne pouvez pas réinitialiser votre propre double authentification : "
            "demandez-le à un autre membre de l'équipe."
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    log_event("second_factor_reset", actor=actor, obj=user)
    transaction.on_commit(lambda: notifications.send_second_factor_reset(user.pk))
