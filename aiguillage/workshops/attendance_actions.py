"""Writes of what happened at a session: the roll call of enrolled participants, and the
people counted there without enrolment (a class, an information meeting)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from aiguillage.journal.actions import log_event
from aiguillage.workshops import listeners, rules
from aiguillage.workshops.enrolment_actions import lock_target, settle
from aiguillage.workshops.errors import WorkshopError
from aiguillage.workshops.models import (
    SEAT_STATUSES,
    Attendance,
    AttendanceStatus,
    Enrolment,
    Session,
    SessionHeadcount,
    SessionStatus,
)

MAX_HEADCOUNT = 2000  # a large conference hall; beyond, a typing slip is likelier


def _locked(session: Session) -> Session:
    return Session.objects.select_for_update().select_related("territory").get(pk=session.pk)


def _check_held(session: Session, *, what: str) -> None:
    tz = session.territory.tz
    if session.status == SessionStatus.CANCELLED:
        raise WorkshopError(f"Cette séance est annulée : il n'y a pas {what} à faire.")
    if session.starts_at.astimezone(tz).date() > timezone.now().astimezone(tz).date():
        raise WorkshopError("L'appel se fait le jour de la séance, pas avant.")


@transaction.atomic
def record_attendance(
    *, actor: Any, session: Session, marks: Mapping[Enrolment, str]
) -> list[Attendance]:
    """Record who was present, excused or absent (one or many at a time: a phone roll call
    posts each tap). Once the cycle's last session is held, completion is settled."""
    current = _locked(session)
    target = lock_target(current.target)
    now = timezone.now()
    _check_held(current, what="d'appel")
    unknown = set(marks.values()) - set(AttendanceStatus.values)
    if unknown:
        raise WorkshopError("Choisissez présent, excusé ou absent.")
    seated = {e.pk for e in Enrolment.objects.for_target(target).filter(status__in=SEAT_STATUSES)}
    recorded = []
    for enrolment, status in marks.items():
        if enrolment.pk not in seated:
            raise WorkshopError("Cette personne n'a pas de place à cet atelier.")
        attendance, _ = Attendance.objects.update_or_create(
            enrolment=enrolment,
            session=current,
            defaults={"status": status, "recorded_by": actor, "recorded_at": now},
        )
        recorded.append(attendance)
        listeners.attendance_recorded(attendance, actor=actor)
    Session.objects.filter(pk=current.pk).update(roll_call_at=now, updated_at=now)
    log_event(
        "workshop_attendance_recorded",
        actor=actor,
        obj=current,
        territory_id=current.territory_id,
        data={status: list(marks.values()).count(status) for status in AttendanceStatus.values},
    )
    settle(actor=actor, target=target)
    return recorded


@transaction.atomic
def record_headcounts(*, actor: Any, session: Session, counts: Mapping[str, int]) -> None:
    """Set the number of people counted per audience (0 removes the line). Replaces what was
    counted before for these audiences, so a corrected sheet is typed again, not added."""
    current = _locked(session)
    _check_held(current, what="de participants à compter")
    unknown = set(counts) - set(rules.AUDIENCES)
    if unknown:
        raise WorkshopError("Public inconnu : choisissez dans la liste.")
    for audience, count in counts.items():
        if not isinstance(count, int) or count < 0:
            raise WorkshopError(
                f"{rules.AUDIENCES[audience]} : indiquez un nombre entier, 0 ou plus."
            )
        if count > MAX_HEADCOUNT:
            raise WorkshopError(
                f"{rules.AUDIENCES[audience]} : {count} personnes, c'est plus que les "
                f"{MAX_HEADCOUNT} qu'une séance peut compter. Vérifiez le nombre."
            )
    now = timezone.now()
    for audience, count in counts.items():
        if count == 0:
            SessionHeadcount.objects.filter(session=current, audience=audience).delete()
            continue
        SessionHeadcount.objects.update_or_create(
            session=current,
            audience=audience,
            defaults={"count": count, "recorded_by": actor, "recorded_at": now},
        )
    Session.objects.filter(pk=current.pk).update(roll_call_at=now, updated_at=now)
    log_event(
        "workshop_headcounts_recorded",
        actor=actor,
        obj=current,
        territory_id=current.territory_id,
        data={audience: count for audience, count in counts.items()},
    )
