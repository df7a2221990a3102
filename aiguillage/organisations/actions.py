"""State changes of organisations and of how they join a territory. The one path for writes.

A structure joins a territory in one of two ways: its manager sends a request that a
coordinator accepts or declines, or a coordinator invites it and its managers answer.
Each decision is e-mailed to the side that did not take it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from aiguillage.accounts import notifications
from aiguillage.accounts.actions import add_member, invite_colleague
from aiguillage.accounts.models import Role, User
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import (
    JoinKind,
    JoinStatus,
    Organisation,
    OrganisationKind,
    TerritoryJoinRequest,
)
from aiguillage.territories.models import Territory


class OrganisationError(ValueError):
    """A rule refused the change; the message is French and shown to the user."""


# Fields people edit on their structure; the territory changes only through a join.
EDITABLE_FIELDS: tuple[str, ...] = ("name", "kind", "siret", "email", "phone")
# The staff may also move a structure between territories from the admin.
STAFF_EDITABLE_FIELDS: tuple[str, ...] = (*EDITABLE_FIELDS, "territory")


def _clean_values(values: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    cleaned = dict(values)
    if "name" in cleaned:
        cleaned["name"] = " ".join(str(cleaned["name"]).split())
        if not cleaned["name"]:
            raise OrganisationError("Indiquez le nom de la structure.")
    if "kind" in cleaned and cleaned["kind"] not in OrganisationKind.values:
        raise OrganisationError("Choisissez le type de structure dans la liste.")
    if cleaned.get("siret"):
        cleaned["siret"] = "".join(str(cleaned["siret"]).split())
        if len(cleaned["siret"]) != 14 or not cleaned["siret"].isdigit():
            raise OrganisationError("Le SIRET compte 14 chiffres.")
    return cleaned


@transaction.atomic
def create_organisation(
    *,
    values: Mapping[str, Any],
    actor: User | None,
    join_territory: Territory | None = None,
    join_message: str = "",
    staff: bool = False,
) -> Organisation:
    """Create a structure; a person who creates it from the site becomes its manager and may
    ask at once to join ``join_territory``.

    ``staff`` is for the admin: the territory may be set directly and nobody is made manager.
    """
    values = _clean_values(values, STAFF_EDITABLE_FIELDS if staff else EDITABLE_FIELDS)
    organisation = Organisation.objects.create(**values)
    log_event(
        "organisation_created",
        actor=actor,
        obj=organisation,
        territory_id=organisation.territory_id,
        data={"name": organisation.name, "kind": organisation.kind},
    )
    if not staff and actor is not None:
        add_member(organisation=organisation, user=actor, role=Role.MANAGER, actor=actor)
    if join_territory is not None and actor is not None:
        request_territory_join(
            organisation=organisation, territory=join_territory, message=join_message, actor=actor
        )
    return organisation


@transaction.atomic
def update_organisation(
    *,
    organisation: Organisation,
    values: Mapping[str, Any],
    actor: User | None,
    staff: bool = False,
) -> Organisation:
    values = _clean_values(values, STAFF_EDITABLE_FIELDS if staff else EDITABLE_FIELDS)
    stored = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changed = [name for name, value in values.items() if getattr(stored, name) != value]
    if not changed:
        return organisation
    for name in changed:
        setattr(organisation, name, values[name])
    organisation.save(update_fields=[*changed, "updated_at"])
    data: dict[str, Any] = {"fields": changed}
    if "territory" in changed:
        data["territory"] = {"from": stored.territory_id, "to": organisation.territory_id}
    log_event(
        "organisation_updated",
        actor=actor,
        obj=organisation,
        territory_id=organisation.territory_id,
        data=data,
    )
    return organisation


# --- Joining a territory --------------------------------------------------------


def _check_can_start(organisation: Organisation, territory: Territory, kind: str) -> None:
    if organisation.territory_id == territory.pk:
        raise OrganisationError("Cette structure fait déjà partie de ce territoire.")
    pending = TerritoryJoinRequest.objects.filter(
        organisation=organisation, territory=territory, status=JoinStatus.PENDING
    ).first()
    if pending is None:
        return
    if pending.kind == kind == JoinKind.REQUEST:
        raise OrganisationError("Une demande est déjà en attente pour ce territoire.")
    if pending.kind == kind == JoinKind.INVITATION:
        raise OrganisationError("Cette structure a déjà été invitée : sa réponse est attendue.")
    if pending.kind == JoinKind.INVITATION:
        raise OrganisationError(
            "Ce territoire a déjà invité la structure : acceptez son invitation sur sa page."
        )
    raise OrganisationError(
        "Cette structure a déjà demandé à rejoindre le territoire : répondez à sa demande."
    )


def _create_join(
    *,
    organisation: Organisation,
    territory: Territory,
    kind: str,
    message: str,
    actor: User,
) -> TerritoryJoinRequest:
    _check_can_start(organisation, territory, kind)
    try:
        # The savepoint keeps the outer transaction usable if two clicks race.
        with transaction.atomic():
            return TerritoryJoinRequest.objects.create(
                organisation=organisation,
                territory=territory,
                kind=kind,
                message=message.strip(),
                created_by=actor,
            )
    except IntegrityError as error:
        raise OrganisationError("Une demande est déjà en attente pour ce territoire.") from error


@transaction.atomic
def request_territory_join(
    *, organisation: Organisation, territory: Territory, message: str = "", actor: User
) -> TerritoryJoinRequest:
    """A structure's manager asks to join a territory; its coordinators decide."""
    join_request = _create_join(
        organisation=organisation,
        territory=territory,
        kind=JoinKind.REQUEST,
        message=message,
        actor=actor,
    )
    log_event(
        "territory_join_requested",
        actor=actor,
        obj=join_request,
        territory_id=territory.pk,
        data={"organisation": str(organisation.public_id)},
    )
    transaction.on_commit(lambda: notifications.send_join_request_received(join_request.pk))
    return join_request


@transaction.atomic
def invite_organisation_to_territory(
    *, organisation: Organisation, territory: Territory, message: str = "", actor: User
) -> TerritoryJoinRequest:
    """A coordinator invites an existing structure; its managers decide."""
    join_request = _create_join(
        organisation=organisation,
        territory=territory,
        kind=JoinKind.INVITATION,
        message=message,
        actor=actor,
    )
    log_event(
        "territory_invitation_sent",
        actor=actor,
        obj=join_request,
        territory_id=territory.pk,
        data={"organisation": str(organisation.public_id)},
    )
    transaction.on_commit(lambda: notifications.send_territory_invitation(join_request.pk))
    return join_request


def _lock_pending(join_request: TerritoryJoinRequest) -> TerritoryJoinRequest:
    locked = (
        TerritoryJoinRequest.objects.select_for_update()
        .select_related("organisation", "territory")
        .get(pk=join_request.pk)
    )
    if locked.status != JoinStatus.PENDING:
        raise OrganisationError("Cette demande a déjà reçu une réponse.")
    return locked


@transaction.atomic
def accept_join_request(*, join_request: TerritoryJoinRequest, actor: User) -> TerritoryJoinRequest:
    """The structure joins the territory (leaving its previous one, if any)."""
    join_request = _lock_pending(join_request)
    organisation = join_request.organisation
    previous_territory_id = organisation.territory_id
    organisation.territory = join_request.territory
    organisation.save(update_fields=["territory", "updated_at"])
    join_request.status = JoinStatus.ACCEPTED
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    log_event(
        "territory_join_accepted",
        actor=actor,
        obj=join_request,
        territory_id=join_request.territory_id,
        data={
            "organisation": str(organisation.public_id),
            "kind": join_request.kind,
            "previous_territory": previous_territory_id,
        },
    )
    transaction.on_commit(lambda: notifications.send_join_decision(join_request.pk))
    return join_request


@transaction.atomic
def decline_join_request(
    *, join_request: TerritoryJoinRequest, reason: str, actor: User
) -> TerritoryJoinRequest:
    """Refuse a request (the coordinator must say why) or an invitation (the reason is optional)."""
    join_request = _lock_pending(join_request)
    reason = reason.strip()
    if join_request.kind == JoinKind.REQUEST and not reason:
        raise OrganisationError("Indiquez la raison du refus : elle sera envoyée à la structure.")
    join_request.status = JoinStatus.DECLINED
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    # The model has no column for the reason yet: the journal keeps it.
    log_event(
        "territory_join_declined",
        actor=actor,
        obj=join_request,
        territory_id=join_request.territory_id,
        data={
            "organisation": str(join_request.organisation.public_id),
            "kind": join_request.kind,
            "reason": reason,
        },
    )
    transaction.on_commit(lambda: notifications.send_join_decision(join_request.pk, reason))
    return join_request


@transaction.atomic
def create_organisation_for_territory(
    *, territory: Territory, values: Mapping[str, Any], manager_email: str, actor: User
) -> Organisation:
    """A coordinator registers a structure in their territory and invites its manager.

    The territory's invitation is recorded as already accepted: the coordinator vouches for it.
    """
    organisation = create_organisation(
        values={**values, "territory": territory}, actor=actor, staff=True
    )
    join_request = TerritoryJoinRequest.objects.create(
        organisation=organisation,
        territory=territory,
        kind=JoinKind.INVITATION,
        status=JoinStatus.ACCEPTED,
        message="Structure inscrite par la coordination du territoire.",
        created_by=actor,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    log_event(
        "territory_join_accepted",
        actor=actor,
        obj=join_request,
        territory_id=territory.pk,
        data={"organisation": str(organisation.public_id), "kind": JoinKind.INVITATION},
    )
    invite_colleague(organisation=organisation, email=manager_email, role=Role.MANAGER, actor=actor)
    return organisation
