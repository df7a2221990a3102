"""Every write on the gift of a computer to a person (« attribution »): the waiting list,
the reservation of a ready device, its cancellation, the hand-over with the contract, the
installation appointment and the installation at home.

Each status change goes through ``_move``: the allocation row is locked, the move is checked
against ``ALLOCATION_TRANSITIONS``, an ``AllocationStatusChange`` and a journal entry record
it. The device moves with it in the same transaction, through
``device_actions.move(..., for_allocation=True)`` (lock order: allocation, then device).

Only the structure that asked for the computer (and follows the person) acts on its
allocation; ``reserve_for_next`` lets any partner of the programme reserve a ready device for
the first person of the list without seeing who it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from aiguillage.equipment import contracts, device_actions, eligibility_records
from aiguillage.equipment.errors import EquipmentError
from aiguillage.equipment.models import (
    INSTALL_CHECKLIST,
    A,
    Allocation,
    AllocationStatusChange,
    ContractSignature,
    D,
    Device,
    Programme,
    ProgrammePartner,
    allocation_move_problem,
)
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.people.actions import PersonError, record_consent, touch_person
from aiguillage.people.models import Consent, Person, PersonAccess

EQUIPMENT_PURPOSE = "equipement"
# What the professional confirms having explained, kept with the consent.
EQUIPMENT_EXPLANATION = (
    "J'ai expliqué à la personne que nous l'inscrivons sur la liste d'attente d'un "
    "ordinateur donné. Nous notons si elle remplit les conditions (oui ou non), sans garder "
    "de document. Les autres structures du programme voient qu'une personne attend, sans "
    "son nom. Elle est d'accord."
)


def equipment_consent(person: Person) -> Consent | None:
    """The person's current consent if it covers the computer (« equipement »). Read from
    the database: it may have just been recorded."""
    current = Consent.objects.filter(person=person, withdrawn_at__isnull=True).first()
    if current is not None and EQUIPMENT_PURPOSE in current.purposes:
        return current
    return None


def _locked(allocation: Allocation) -> Allocation:
    return (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("programme__territory", "person")
        .get(pk=allocation.pk)
    )


def _check_asker(allocation: Allocation, organisation: Organisation | None) -> None:
    # The structure that asked for the computer follows the person: it alone acts on it.
    if organisation is None or allocation.organisation_id != organisation.pk:
        raise EquipmentError("Seule la structure qui a inscrit la personne peut faire cette étape.")


def _move(
    current: Allocation, *, to: str, actor: Any, organisation: Organisation | None,
    note: str = "", at: dt.datetime | None = None, **fields: Any,
) -> Allocation:  # fmt: skip
    """Change the locked ``current`` to ``to`` with ``fields``; record and journal it."""
    problem = allocation_move_problem(current.status, to)
    if problem:
        raise EquipmentError(problem)
    now = timezone.now()
    Allocation.objects.filter(pk=current.pk).update(status=to, updated_at=now, **fields)
    AllocationStatusChange.objects.create(
        allocation=current, from_status=current.status, to_status=to, actor=actor,
        organisation=organisation, at=at or now, note=note.strip()[:300],
    )  # fmt: skip
    log_event(
        "allocation_moved",
        actor=actor,
        obj=current,
        territory_id=current.programme.territory_id,
        data={"from": current.status, "to": to},
    )
    current.refresh_from_db()
    return current


# --- The waiting list ------------------------------------------------------------------------


def waiting(programme: Programme):
    """The programme's waiting list in the rule's order; an anonymised file has left it."""
    return (
        Allocation.objects.filter(programme=programme, person__isnull=False)
        .filter(person__anonymised_at__isnull=True)
        .waiting_list()
    )


@transaction.atomic
def request_allocation(
    *,
    actor: Any,
    organisation: Organisation,
    programme: Programme,
    person: Person,
    answers: Mapping[str, bool | None],
    consent_given_now: bool = False,
    at: dt.datetime | None = None,
) -> Allocation:
    """Put ``person`` on the programme's waiting list, if eligible; else nothing changes.

    With ``consent_given_now``, the person's agreement (purpose « equipement ») is recorded
    in the same transaction: a refusal leaves no consent behind."""
    if person.anonymised_at:
        raise EquipmentError("Cette fiche est anonymisée : la personne ne peut plus être inscrite.")
    # The asking structure is a partner of the programme…
    if not ProgrammePartner.objects.filter(programme=programme, organisation=organisation).exists():
        raise EquipmentError("Votre structure n'est pas partenaire de ce programme.")
    # …and follows the person.
    if not PersonAccess.objects.filter(person=person, organisation=organisation).exists():
        raise EquipmentError("Votre structure ne suit pas cette personne.")
    if consent_given_now and equipment_consent(person) is None:
        try:
            record_consent(
                actor=actor, person=person, organisation=organisation,
                purposes=[EQUIPMENT_PURPOSE], explained_text=EQUIPMENT_EXPLANATION,
            )  # fmt: skip
        except PersonError as error:
            raise EquipmentError(str(error)) from error
    if equipment_consent(person) is None:
        raise EquipmentError(
            "La personne n'a pas encore donné son accord pour la demande d'ordinateur : "
            "expliquez-lui ce qui est noté, puis cochez son accord."
        )
    if Allocation.objects.active().filter(programme=programme, person=person).exists():
        raise EquipmentError(
            "Cette personne est déjà sur la liste de ce programme (ou a déjà reçu un ordinateur)."
        )
    result = eligibility_records.check_person(person, programme, answers)
    if not result.eligible:
        raise EquipmentError(result.refusal())
    # ``at``: a request written down on paper and recorded afterwards (never in the future).
    now = _when(at)
    try:
        with transaction.atomic():
            allocation = Allocation.objects.create(
                programme=programme, person=person, organisation=organisation,
                status=A.WAITING, commune_insee=person.commune.insee_code if person.commune else "",
                eligibility=result.record(),
                enrolment_id=result.cycle.enrolment_id if result.cycle else None,
                cycle_completed_on=result.cycle.completed_on if result.cycle else None,
                requested_at=now, created_by=actor,
            )  # fmt: skip
    except IntegrityError as error:
        # Two professionals at the same instant: the unique index decides.
        raise EquipmentError("Cette personne est déjà sur la liste de ce programme.") from error
    AllocationStatusChange.objects.create(
        allocation=allocation, from_status="", to_status=A.WAITING, actor=actor,
        organisation=organisation, at=now,
    )  # fmt: skip
    log_event(
        "allocation_requested",
        actor=actor,
        obj=allocation,
        territory_id=programme.territory_id,
        data={"organisation": organisation.pk, "eligibility": result.record()},
    )
    touch_person(person)
    return allocation


# --- Reservation -----------------------------------------------------------------------------


def _when(at: dt.datetime | None) -> dt.datetime:
    now = timezone.now()
    if at is not None and at > now:
        raise EquipmentError("Une étape ne peut pas être datée dans le futur.")
    return at or now


def _take_device(
    current: Allocation,
    device: Device,
    *,
    actor: Any,
    organisation: Organisation | None,
    at: dt.datetime | None = None,
) -> Allocation:
    locked = Device.objects.select_for_update().get(pk=device.pk)
    if locked.programme_id != current.programme_id:
        raise EquipmentError("Cet appareil appartient à un autre programme.")
    if locked.state != D.READY:
        raise EquipmentError(
            "Cet appareil n'est pas prêt à donner (il est "
            f"« {locked.get_state_display().lower()} ») : choisissez-en un autre."
        )
    problem = allocation_move_problem(current.status, A.RESERVED)
    if problem:
        raise EquipmentError(problem)
    when = _when(at)
    device_actions.move(
        actor=actor, organisation=organisation, device=locked, to=D.RESERVED,
        for_allocation=True, at=when,
    )  # fmt: skip
    try:
        with transaction.atomic():
            return _move(
                current, to=A.RESERVED, actor=actor, organisation=organisation,
                device=locked, reserved_at=when, at=when,
            )  # fmt: skip
    except IntegrityError as error:
        raise EquipmentError("Cet appareil est déjà promis à une autre personne.") from error


@transaction.atomic
def reserve_device(
    *,
    actor: Any,
    organisation: Organisation | None,
    allocation: Allocation,
    device: Device,
    at: dt.datetime | None = None,
) -> Allocation:
    """Reserve a ready ``device`` for this person (the asking structure chooses it)."""
    current = _locked(allocation)
    _check_asker(current, organisation)
    return _take_device(current, device, actor=actor, organisation=organisation, at=at)


@transaction.atomic
def reserve_for_next(
    *, actor: Any, organisation: Organisation, programme: Programme, device: Device
) -> Allocation:
    """Reserve a ready ``device`` for the first person of the waiting list (its order:
    ``AllocationQuerySet.waiting_list``). Any partner of the programme may do it."""
    if not ProgrammePartner.objects.filter(programme=programme, organisation=organisation).exists():
        raise EquipmentError("Votre structure n'est pas partenaire de ce programme.")
    first = waiting(programme).first()
    if first is None:
        raise EquipmentError("Personne n'attend d'ordinateur dans ce programme.")
    current = _locked(first)
    return _take_device(current, device, actor=actor, organisation=organisation)


@transaction.atomic
def cancel_reservation(
    *,
    actor: Any,
    organisation: Organisation | None,
    allocation: Allocation,
    reason: str,
    back_to_list: bool = True,
) -> Allocation:
    """The device goes back to « prêt »; the person back on the list (their place kept) or
    the request cancelled."""
    current = _locked(allocation)
    _check_asker(current, organisation)
    reason = reason.strip()
    if not reason:
        raise EquipmentError("Indiquez pourquoi la réservation est annulée.")
    to = A.WAITING if back_to_list else A.CANCELLED
    if current.status != A.RESERVED:
        raise EquipmentError(
            allocation_move_problem(current.status, to)
            or "Seule une réservation peut être annulée ainsi."
        )
    device = current.device
    assert device is not None
    moved = _move(
        current, to=to, actor=actor, organisation=organisation, note=reason,
        device=None, reserved_at=None, installation_at=None,
        cancel_reason=reason[:300] if not back_to_list else "",
    )  # fmt: skip
    device_actions.move(
        actor=actor, organisation=organisation, device=device, to=D.READY, for_allocation=True
    )
    return moved


@transaction.atomic
def cancel_request(
    *, actor: Any, organisation: Organisation | None, allocation: Allocation, reason: str
) -> Allocation:
    """The person leaves the waiting list (moved away, no longer wants it…)."""
    current = _locked(allocation)
    _check_asker(current, organisation)
    reason = reason.strip()
    if not reason:
        raise EquipmentError("Indiquez pourquoi la demande est annulée.")
    if current.status == A.RESERVED:
        return cancel_reservation(
            actor=actor, organisation=organisation, allocation=current, reason=reason,
            back_to_list=False,
        )  # fmt: skip
    return _move(
        current, to=A.CANCELLED, actor=actor, organisation=organisation, note=reason,
        cancel_reason=reason[:300],
    )  # fmt: skip


# --- Hand-over, appointment, installation ----------------------------------------------------


@transaction.atomic
def hand_over(
    *,
    actor: Any,
    organisation: Organisation | None,
    allocation: Allocation,
    signature: str,
    at: dt.datetime | None = None,
) -> Allocation:
    """The person signed the contract (on paper or on the tablet) and receives the computer:
    the programme's clauses are copied into the allocation as signed."""
    current = _locked(allocation)
    _check_asker(current, organisation)
    if signature not in ContractSignature.values:
        raise EquipmentError(
            "Indiquez comment le contrat est signé : sur papier ou sur la tablette."
        )
    problem = allocation_move_problem(current.status, A.HANDED_OVER)
    if problem:
        raise EquipmentError(problem)
    assert current.device is not None
    giver = contracts.giving_organisation(current.programme, current.organisation)
    now = _when(at)
    moved = _move(
        current, to=A.HANDED_OVER, actor=actor, organisation=organisation,
        contract_text=contracts.contract_text(current.programme, giver),
        contract_signature=signature, handed_over_at=now, at=now,
    )  # fmt: skip
    device_actions.move(
        actor=actor, organisation=organisation, device=current.device, to=D.HANDED_OVER,
        for_allocation=True, at=now,
    )  # fmt: skip
    return moved


@transaction.atomic
def set_appointment(
    *, actor: Any, organisation: Organisation | None, allocation: Allocation, at: dt.datetime
) -> Allocation:
    """Set or move the installation appointment at the person's home."""
    current = _locked(allocation)
    _check_asker(current, organisation)
    if current.status not in (A.RESERVED, A.HANDED_OVER):
        raise EquipmentError(
            "Le rendez-vous d'installation se prend quand un ordinateur est réservé ou remis."
        )
    if at <= timezone.now():
        raise EquipmentError("Le rendez-vous d'installation doit être dans le futur.")
    if at > timezone.now() + dt.timedelta(days=365):
        raise EquipmentError("Le rendez-vous d'installation doit être dans l'année qui vient.")
    previous = current.installation_at
    Allocation.objects.filter(pk=current.pk).update(installation_at=at, updated_at=timezone.now())
    log_event(
        "allocation_appointment_set",
        actor=actor,
        obj=current,
        territory_id=current.programme.territory_id,
        data={"at": at.isoformat(), "moved": previous is not None},
    )
    current.refresh_from_db()
    return current


def checklist_problem(checklist: Mapping[str, bool]) -> str | None:
    """None when every item of ``INSTALL_CHECKLIST`` is ticked, else what is missing."""
    missing = [label for code, label in INSTALL_CHECKLIST.items() if not checklist.get(code)]
    if not missing:
        return None
    return "Pour noter l'installation, il manque : " + " ; ".join(missing) + "."


@transaction.atomic
def record_installation(
    *,
    actor: Any,
    organisation: Organisation | None,
    allocation: Allocation,
    installed_on: dt.date,
    checklist: Mapping[str, bool],
    installer: Any | None = None,
) -> Allocation:
    """The computer works at the person's home: the date, who installed it, the three
    checks ticked."""
    current = _locked(allocation)
    _check_asker(current, organisation)
    problem = allocation_move_problem(current.status, A.INSTALLED)
    if problem:
        raise EquipmentError(problem)
    tz = current.programme.territory.tz
    today = timezone.localdate(timezone.now(), tz)
    if installed_on > today:
        raise EquipmentError("La date d'installation ne peut pas être dans le futur.")
    assert current.handed_over_at is not None and current.device is not None
    if installed_on < timezone.localdate(current.handed_over_at, tz):
        raise EquipmentError("La date d'installation ne peut pas être avant la remise.")
    missing = checklist_problem(checklist)
    if missing:
        raise EquipmentError(missing)
    who = installer or actor
    moved = _move(
        current, to=A.INSTALLED, actor=actor, organisation=organisation,
        installed_on=installed_on, installed_by=who,
        checklist={code: True for code in INSTALL_CHECKLIST},
    )  # fmt: skip
    # The device's move is dated on the day of the installation (never before its last move).
    midday = dt.datetime.combine(installed_on, dt.time(12), tzinfo=tz)
    device = Device.objects.select_for_update().get(pk=current.device_id)
    when = min(timezone.now(), max(midday, device.state_changed_at))
    device_actions.move(
        actor=actor, organisation=organisation, device=device, to=D.INSTALLED,
        for_allocation=True, at=when,
    )  # fmt: skip
    if current.person is not None:
        touch_person(current.person)
    return moved
