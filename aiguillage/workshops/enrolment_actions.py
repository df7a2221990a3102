"""The one path for writes on enrolments: enrol (a person or an anonymous participant),
cancel, promote from the waiting list, settle completion, record the charter, anonymise.

Seats are counted under a lock on the cycle's or session's row (``lock_target``): two
professionals enrolling the last seat at once are served one after the other, and the
second lands on the waiting list. Every status change goes through ``transition`` along
``models.ALLOWED_TRANSITIONS`` and leaves an ``EnrolmentStatusChange``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.people.actions import touch_person
from aiguillage.people.models import Consent, Person, PersonAccess
from aiguillage.territories.models import Commune
from aiguillage.workshops import listeners, notifications, rules
from aiguillage.workshops.errors import WorkshopError
from aiguillage.workshops.models import (
    SEAT_STATUSES,
    AttendanceStatus,
    Charter,
    Cycle,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
    Session,
    SessionStatus,
    transition_problem,
)

E = EnrolmentStatus
Target = Cycle | Session
CLOSING_STATUSES = frozenset({E.CANCELLED, E.COMPLETED, E.INCOMPLETE})


def lock_target(target: Target) -> Target:
    """The cycle's or session's row, locked until the end of the transaction."""
    return type(target).objects.select_for_update().select_related("territory").get(pk=target.pk)


def planned_sessions(target: Target):
    if isinstance(target, Cycle):
        return target.sessions.planned()
    return Session.objects.planned().filter(pk=target.pk)


def charter_for(*, actor: Any, organisation: Organisation, text: str) -> Charter | None:
    """The organisation's charter with this text: the latest version if unchanged, else a
    new version (older versions stay, since enrolments point to what was accepted)."""
    text = text.strip()
    if not text:
        return None
    latest = Charter.objects.filter(organisation=organisation).order_by("-version").first()
    if latest is not None and latest.text == text:
        return latest
    return Charter.objects.create(
        organisation=organisation,
        version=(latest.version + 1) if latest else 1,
        text=text,
        created_by=actor,
    )


# --- Enrolling -------------------------------------------------------------------------------


def check_open(target: Target, *, now: dt.datetime) -> None:
    if isinstance(target, Session):
        if target.cycle_id:
            raise WorkshopError(
                "Cette séance fait partie d'un cycle : inscrivez la personne au cycle."
            )
        if target.status == SessionStatus.CANCELLED:
            raise WorkshopError("Cette séance est annulée : on ne peut plus s'y inscrire.")
        if target.recorded_afterwards:
            return  # entered from the sheet of a past session: its participants are added now
        if target.starts_at <= now:
            raise WorkshopError("Cette séance a déjà commencé : on ne peut plus s'y inscrire.")
        return
    planned = planned_sessions(target)
    if not planned.exists():
        raise WorkshopError("Toutes les séances de ce cycle sont annulées.")
    if planned.filter(recorded_afterwards=True).exists():
        return  # as for a session entered after the fact
    if not planned.filter(starts_at__gt=now).exists():
        raise WorkshopError("Ce cycle est terminé : on ne peut plus s'y inscrire.")


def _orientation_consent(person: Person) -> bool:
    current = Consent.objects.filter(person=person, withdrawn_at__isnull=True).first()
    return current is not None and "orientation" in current.purposes


def _create(
    *,
    actor: Any,
    target: Target,
    prescriber_organisation: Organisation,
    person: Person | None,
    referral_id: int | None,
    stats: dict[str, Any],
    charter_accepted: bool,
) -> Enrolment:
    current = lock_target(target)
    now = timezone.now()
    check_open(current, now=now)
    same_target = Enrolment.objects.for_target(current)
    if person is not None and same_target.active().filter(person=person).exists():
        raise WorkshopError(
            "Cette personne est déjà inscrite à cet atelier (ou sur sa liste d'attente)."
        )
    seated = same_target.seated().count()
    status = E.ENROLLED if seated < current.capacity else E.WAITING  # type: ignore[operator]
    charter = current.charter if isinstance(current, Cycle) else None
    enrolment = Enrolment.objects.create(
        territory_id=current.territory_id,
        cycle=current if isinstance(current, Cycle) else None,
        session=current if isinstance(current, Session) else None,
        person=person,
        status=status,
        prescriber_organisation=prescriber_organisation,
        referral_id=referral_id,
        enrolled_by=actor,
        charter=charter if charter_accepted else None,
        charter_accepted_at=now if charter_accepted and charter else None,
        **stats,
    )
    EnrolmentStatusChange.objects.create(
        enrolment=enrolment, from_status="", to_status=status, actor=actor,
        organisation=prescriber_organisation, at=now,
    )  # fmt: skip
    log_event(
        "workshop_enrolment_created",
        actor=actor,
        obj=enrolment,
        territory_id=current.territory_id,
        data={
            "target": str(current.public_id),
            "status": status,
            "prescriber": prescriber_organisation.pk,
            "anonymous": person is None,
            "referral": referral_id,
        },
    )
    if person is not None:
        touch_person(person)
    return enrolment


@transaction.atomic
def enrol_person(
    *,
    actor: Any,
    target: Target,
    person: Person,
    prescriber_organisation: Organisation,
    referral_id: int | None = None,
    charter_accepted: bool = False,
) -> Enrolment:
    """Enrol a person the prescribing structure follows; the waiting list when it is full.

    The organiser sees the person's first name and commune only (as for a referral), so a
    prescriber other than the organiser needs the person's « orientation » consent.
    """
    if person.anonymised_at:
        raise WorkshopError("Cette fiche est anonymisée : la personne ne peut plus être inscrite.")
    if not PersonAccess.objects.filter(
        person=person, organisation=prescriber_organisation
    ).exists():
        raise WorkshopError("Votre structure ne suit pas cette personne.")
    if prescriber_organisation.pk != target.organisation_id and not _orientation_consent(person):
        raise WorkshopError(
            "La personne n'a pas accepté que son prénom soit transmis à une autre structure : "
            "recueillez son accord pour l'orientation avant de l'inscrire."
        )
    stats = {
        "age_bracket": rules.age_bracket(person.birth_year, year=timezone.localdate().year),
        "commune": person.commune,
    }
    return _create(
        actor=actor,
        target=target,
        prescriber_organisation=prescriber_organisation,
        person=person,
        referral_id=referral_id,
        stats=stats,
        charter_accepted=charter_accepted,
    )


@transaction.atomic
def enrol_anonymous(
    *,
    actor: Any,
    target: Target,
    organisation: Organisation,
    age_bracket: str = rules.UNKNOWN,
    social_status: str = rules.UNKNOWN,
    commune: Commune | None = None,
) -> Enrolment:
    """Count a participant without a file (La Coop's anonymous participants)."""
    if age_bracket not in rules.AGE_BRACKETS or social_status not in rules.SOCIAL_STATUSES:
        raise WorkshopError("Choisissez la tranche d'âge et le statut dans les listes.")
    stats = {"age_bracket": age_bracket, "social_status": social_status, "commune": commune}
    return _create(
        actor=actor,
        target=target,
        prescriber_organisation=organisation,
        person=None,
        referral_id=None,
        stats=stats,
        charter_accepted=False,
    )


# --- Status changes --------------------------------------------------------------------------


def transition(
    enrolment: Enrolment,
    *,
    to: str,
    actor: Any,
    organisation: Organisation | None,
    note: str = "",
) -> Enrolment:
    """Move ``enrolment`` to ``to`` along the table, or raise ``WorkshopError``. The row is
    locked; a ``EnrolmentStatusChange`` and a journal entry record the change."""
    with transaction.atomic():
        current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        problem = transition_problem(current.status, to)
        if problem:
            raise WorkshopError(problem)
        now = timezone.now()
        Enrolment.objects.filter(pk=current.pk).update(
            status=to, updated_at=now, closed_at=now if to in CLOSING_STATUSES else None
        )
        EnrolmentStatusChange.objects.create(
            enrolment=current, from_status=current.status, to_status=to, actor=actor,
            organisation=organisation, note=note.strip()[:300], at=now,
        )  # fmt: skip
        log_event(
            "workshop_enrolment_status_changed",
            actor=actor,
            obj=current,
            territory_id=current.territory_id,
            data={"from": current.status, "to": to},
        )
        current.refresh_from_db()
        listeners.enrolment_status_changed(current, to=to, actor=actor)
    return current


def promote_waiting(*, actor: Any, target: Target) -> list[Enrolment]:
    """Give freed seats to the waiting list, first come first served, while a session of
    the target is still to come; each promoted person's prescriber and the organiser are
    told. The caller holds the lock on ``target``."""
    if not planned_sessions(target).filter(starts_at__gt=timezone.now()).exists():
        return []
    same_target = Enrolment.objects.for_target(target)
    free = target.capacity - same_target.seated().count()  # type: ignore[operator]
    promoted = []
    for waiting in list(same_target.waiting()[: max(free, 0)]):
        moved = transition(
            waiting, to=E.ENROLLED, actor=actor, organisation=None,
            note="Une place s'est libérée : inscription confirmée.",
        )  # fmt: skip
        transaction.on_commit(lambda pk=moved.pk: notifications.send_promoted(pk))
        promoted.append(moved)
    return promoted


@transaction.atomic
def cancel_enrolment(
    *, actor: Any, enrolment: Enrolment, organisation: Organisation | None, note: str = ""
) -> Enrolment:
    """Cancel an enrolment (or leave the waiting list); a freed seat goes to the first
    person waiting."""
    target = lock_target(enrolment.target)
    enrolment.refresh_from_db()
    had_seat = enrolment.status in SEAT_STATUSES
    cancelled = transition(
        enrolment, to=E.CANCELLED, actor=actor, organisation=organisation, note=note
    )
    if had_seat:
        promote_waiting(actor=actor, target=target)
    return cancelled


def cancel_for_cancelled_session(*, actor: Any, session: Session) -> None:
    """A cancelled stand-alone session closes its enrolments (people were told by e-mail)."""
    for enrolment in Enrolment.objects.filter(session=session, status__in=[E.ENROLLED, E.WAITING]):
        transition(
            enrolment, to=E.CANCELLED, actor=actor, organisation=session.organisation,
            note="Séance annulée.",
        )  # fmt: skip


def completion_threshold_of(target: Target) -> int:
    # A stand-alone session is « suivie » by being there.
    return target.completion_threshold_percent if isinstance(target, Cycle) else 100


def attendance_counts(target: Target) -> tuple[int, dict[int, int]]:
    """(sessions held, {enrolment id: sessions attended}) for a target, cancelled ones left out."""
    held_sessions = planned_sessions(target).filter(starts_at__lte=timezone.now())
    held = held_sessions.count()
    attended = dict(
        Enrolment.objects.for_target(target)
        .annotate(
            present=Count(
                "attendances",
                filter=Q(
                    attendances__status=AttendanceStatus.PRESENT,
                    attendances__session__in=held_sessions,
                ),
            )
        )
        .values_list("pk", "present")
    )
    return held, attended


def settle(*, actor: Any, target: Target) -> None:
    """Once every session of the target is held and has its roll call, each participant
    holding a seat is « suivi » or not by ``rules.has_completed``; a corrected roll call
    after the end settles again."""
    planned = planned_sessions(target)
    if not planned.exists():
        return
    if planned.filter(Q(starts_at__gt=timezone.now()) | Q(roll_call_at__isnull=True)).exists():
        return
    held, attended = attendance_counts(target)
    threshold = completion_threshold_of(target)
    for enrolment in Enrolment.objects.for_target(target).seated():
        done = rules.has_completed(
            attended=attended.get(enrolment.pk, 0), held=held, threshold_percent=threshold
        )
        wanted = E.COMPLETED if done else E.INCOMPLETE
        if enrolment.status != wanted:
            transition(enrolment, to=wanted, actor=actor, organisation=None, note="Appel")


# --- Charter ---------------------------------------------------------------------------------


@transaction.atomic
def record_charter_acceptance(*, actor: Any, enrolment: Enrolment) -> Enrolment:
    """The participant accepted the cycle's charter (its current version is kept)."""
    cycle = enrolment.cycle
    if cycle is None or cycle.charter_id is None:
        raise WorkshopError("Cet atelier n'a pas de charte à accepter.")
    if not enrolment.is_open:
        raise WorkshopError("Cette inscription est close.")
    now = timezone.now()
    Enrolment.objects.filter(pk=enrolment.pk).update(
        charter_id=cycle.charter_id, charter_accepted_at=now, updated_at=now
    )
    log_event(
        "workshop_charter_accepted",
        actor=actor,
        obj=enrolment,
        territory_id=enrolment.territory_id,
        data={"charter": cycle.charter_id},
    )
    enrolment.refresh_from_db()
    return enrolment


# --- Personal data ---------------------------------------------------------------------------


def anonymise_enrolments_of_person(person: Person) -> None:
    """Registered with people.anonymisation: open enrolments are cancelled (their seats go
    to the waiting list) and every enrolment loses the link to the person; age bracket,
    commune and attendance stay for the statistics."""
    for enrolment in Enrolment.objects.filter(person=person, status__in=[E.ENROLLED, E.WAITING]):
        cancel_enrolment(
            actor=None, enrolment=enrolment, organisation=None,
            note="La fiche de la personne a été anonymisée.",
        )  # fmt: skip
    changed = Enrolment.objects.filter(person=person).update(person=None, updated_at=timezone.now())
    if changed:
        log_event("workshop_enrolments_anonymised", actor=None, obj=person, data={"count": changed})
