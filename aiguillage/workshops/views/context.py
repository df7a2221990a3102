"""What several workshop pages show: the current structure, seat counts, participants'
rows with the name each viewer may read, and journaling of the people shown."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.workshops import rules
from aiguillage.workshops.models import (
    SEAT_STATUSES,
    Attendance,
    Cycle,
    Enrolment,
    EnrolmentStatus,
    Session,
)
from aiguillage.workshops.permissions import followed_person_ids


def current_organisation(request: HttpRequest) -> Organisation:
    membership = getattr(request, "membership", None)
    if membership is None:
        raise PermissionDenied("Il faut appartenir à une structure pour organiser des ateliers.")
    return membership.organisation


def render_in_territory(
    request: HttpRequest, template: str, context: dict, territory, status: int = 200
) -> HttpResponse:
    """Render with dates read in the territory's time zone, whatever the server's."""
    if territory is None:
        return render(request, template, context, status=status)
    with timezone.override(territory.tz):
        return render(request, template, context, status=status)


def current_organisation_id(request: HttpRequest) -> int | None:
    membership = getattr(request, "membership", None)
    return membership.organisation_id if membership is not None else None


@dataclass
class Seats:
    capacity: int
    seated: int = 0
    waiting: int = 0

    @property
    def free(self) -> int:
        return max(self.capacity - self.seated, 0)

    @property
    def is_full(self) -> bool:
        return self.seated >= self.capacity


def seats_by_target(sessions: Sequence[Session]) -> dict[tuple[str, int], Seats]:
    """Seats of the sessions' targets (the cycle for a cycle's session), in two queries."""
    cycle_ids = {s.cycle_id for s in sessions if s.cycle_id}
    session_ids = {s.pk for s in sessions if not s.cycle_id}
    seats: dict[tuple[str, int], Seats] = {}
    for cycle in Cycle.objects.filter(pk__in=cycle_ids).only("pk", "capacity"):
        seats[("cycle", cycle.pk)] = Seats(cycle.capacity)
    for session in sessions:
        if not session.cycle_id:
            seats[("session", session.pk)] = Seats(session.capacity or 0)
    rows = (
        Enrolment.objects.filter(cycle_id__in=cycle_ids)
        | Enrolment.objects.filter(session_id__in=session_ids)
    ).values_list("cycle_id", "session_id", "status")
    for cycle_id, session_id, status in rows:
        key = ("cycle", cycle_id) if cycle_id else ("session", session_id)
        if status in SEAT_STATUSES:
            seats[key].seated += 1
        elif status == EnrolmentStatus.WAITING:
            seats[key].waiting += 1
    return seats


def seats_of(target: Cycle | Session) -> Seats:
    counts = Counter(Enrolment.objects.for_target(target).values_list("status", flat=True))
    return Seats(
        target.capacity or 0,
        seated=sum(counts[s] for s in SEAT_STATUSES),
        waiting=counts[EnrolmentStatus.WAITING],
    )


def positions_in_cycles(sessions: Sequence[Session]) -> dict[int, tuple[int, int]]:
    """{session id: (its rank among its cycle's planned sessions, how many)}."""
    cycle_ids = {s.cycle_id for s in sessions if s.cycle_id}
    ordered = (
        Session.objects.planned()
        .filter(cycle_id__in=cycle_ids)
        .order_by("starts_at", "id")
        .values_list("pk", "cycle_id")
    )
    by_cycle: dict[int, list[int]] = {}
    for pk, cycle_id in ordered:
        by_cycle.setdefault(cycle_id, []).append(pk)
    return {
        pk: (rank, len(ids)) for ids in by_cycle.values() for rank, pk in enumerate(ids, start=1)
    }


@dataclass
class ParticipantRow:
    enrolment: Enrolment
    name: str
    detail: str
    mark: str = ""
    attended: int = 0
    marks: dict[int, str] = field(default_factory=dict)


def participant_name(enrolment: Enrolment, followed: set[int]) -> tuple[str, str]:
    """(name, detail) as this viewer may read them: the full name for a structure that
    follows the person, the first name (and commune) otherwise, a description for an
    anonymous participant."""
    person = enrolment.person
    if person is None:
        age = rules.AGE_BRACKETS.get(enrolment.age_bracket, "")
        commune = enrolment.commune.name if enrolment.commune else ""
        return "Participant sans fiche", ", ".join(part for part in (age, commune) if part)
    if person.anonymised_at:
        return "Personne anonymisée", ""
    commune = person.commune.name if person.commune else ""
    if person.pk in followed:
        return person.display_name, commune
    return person.first_name, commune


def participant_rows(
    user, enrolments: Iterable[Enrolment], *, session: Session | None = None
) -> list[ParticipantRow]:
    enrolments = list(enrolments)
    followed = followed_person_ids(user, [e.person_id for e in enrolments if e.person_id])
    marks = {}
    if session is not None:
        marks = dict(
            Attendance.objects.filter(session=session, enrolment__in=enrolments).values_list(
                "enrolment_id", "status"
            )
        )
    rows = []
    for enrolment in enrolments:
        name, detail = participant_name(enrolment, followed)
        rows.append(ParticipantRow(enrolment, name, detail, mark=marks.get(enrolment.pk, "")))
    return rows


def target_enrolments(target: Cycle | Session):
    return (
        Enrolment.objects.for_target(target)
        .select_related("person", "person__commune", "prescriber_organisation", "commune")
        .order_by("created_at", "id")
    )


def journal_people_shown(request: HttpRequest, rows: Sequence[ParticipantRow], purpose: str):
    """Lists of participants show people: who saw which files is journaled."""
    shown = [str(row.enrolment.person.public_id) for row in rows if row.enrolment.person_id]
    if shown:
        log_event(
            "people_listed",
            actor=request.user,
            data={
                "organisation": current_organisation_id(request),
                "purpose": purpose,
                "people": shown,
            },
        )


@dataclass
class SessionRow:
    session: Session
    seats: Seats
    position: tuple[int, int] | None


def session_rows(sessions: Sequence[Session]) -> list[SessionRow]:
    """Each session with the seats of what people enrol in and its rank in its cycle."""
    seats = seats_by_target(sessions)
    positions = positions_in_cycles(sessions)
    return [
        SessionRow(
            session,
            seats[("cycle", session.cycle_id) if session.cycle_id else ("session", session.pk)],
            positions.get(session.pk),
        )
        for session in sessions
    ]
