"""The workshops' figures over any period, in the shape of a funder's report (« bilan »):
per organising structure and kind of workshop, the workshops held, the people who came and
those counted without enrolment; per audience, the people reached.

Counting rules (docs/workshops.md, « Bilan des ateliers »):
- a workshop held is a session of the period, not cancelled, already begun;
- an enrolled participant counts once per kind of workshop they came to (present at least
  once in the period), under the first audience of their workshop (« habitants » when none
  is given): the funders' reports count « participants à l'initiation », « participants aux
  ateliers thématiques »… so a person who came to both counts in each line;
- people counted without enrolment (a class, a meeting) are added as counted, session by
  session: a class that came twice counts twice, as on the organiser's sheet;
- « cycle suivi » counts the participants who completed a cycle whose last session falls
  in the period.
Counts of people go through ``aiguillage.disclosure``; counts of workshops are not people.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet, Sum

from aiguillage.disclosure import masked_texts
from aiguillage.organisations.models import Organisation
from aiguillage.territories.models import Territory
from aiguillage.workshops import rules
from aiguillage.workshops.models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    EnrolmentStatus,
    Session,
    SessionHeadcount,
    SessionStatus,
    WorkshopKind,
)

DEFAULT_AUDIENCE = "habitants"
TOTAL = "total"


@dataclass(frozen=True)
class KindLine:
    label: str
    sessions: int
    participants: str
    counted: str
    completed: str


@dataclass(frozen=True)
class AudienceLine:
    label: str
    people: str


@dataclass(frozen=True)
class StructureReport:
    name: str
    sessions: int
    kinds: tuple[KindLine, ...]
    total: KindLine
    audiences: tuple[AudienceLine, ...]
    audience_total: str


@dataclass(frozen=True)
class WorkshopReport:
    start: dt.date
    end: dt.date
    structures: tuple[StructureReport, ...]
    sessions: int
    audiences: tuple[AudienceLine, ...]
    audience_total: str

    @property
    def is_empty(self) -> bool:
        return not self.structures


def _bounds(territory: Territory, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = territory.tz
    first = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return first, after


def held_sessions(
    territory: Territory,
    organisations: Sequence[Organisation] | None,
    start: dt.date,
    end: dt.date,
    *,
    now: dt.datetime,
) -> QuerySet[Session]:
    first, after = _bounds(territory, start, end)
    sessions = Session.objects.filter(
        territory=territory,
        status=SessionStatus.PLANNED,
        starts_at__gte=first,
        starts_at__lt=min(after, now),
    )
    if organisations is not None:
        sessions = sessions.filter(organisation__in=list(organisations))
    return sessions


def _audience(audiences: list | None) -> str:
    for code in audiences or ():
        if code in rules.AUDIENCES:
            return code
    return DEFAULT_AUDIENCE


def _masked_column(values: dict[int, int]) -> dict[str, str]:
    """One column of a table (rows keyed by kind id) and its total, masked together; keys
    are text so that the disclosure control can order them."""
    cells = {str(row): count for row, count in values.items()}
    cells[TOTAL] = sum(values.values())
    return masked_texts(cells, [list(cells)])


def workshop_report(
    *,
    territory: Territory,
    organisations: Sequence[Organisation] | None,
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
) -> WorkshopReport:
    """The report of ``organisations`` (every structure of the territory when None)."""
    sessions = held_sessions(territory, organisations, start, end, now=now)
    session_counts = {
        (row["organisation_id"], row["kind_id"]): row["n"]
        for row in sessions.values("organisation_id", "kind_id").annotate(n=Count("id"))
    }
    # Enrolled people present at least once: one row per (structure, kind, enrolment).
    came = (
        Attendance.objects.filter(status=AttendanceStatus.PRESENT, session__in=sessions)
        .values_list(
            "session__organisation_id",
            "session__kind_id",
            "enrolment_id",
            "enrolment__cycle__audiences",
            "enrolment__session__audiences",
        )
        .order_by()  # the model's ordering would enter the DISTINCT
        .distinct()
    )
    participants: Counter = Counter()
    reached: Counter = Counter()  # (organisation, audience) → people
    for organisation_id, kind_id, _enrolment, cycle_audiences, session_audiences in came:
        participants[(organisation_id, kind_id)] += 1
        reached[(organisation_id, _audience(cycle_audiences or session_audiences))] += 1
    counted: Counter = Counter()
    for row in (
        SessionHeadcount.objects.filter(session__in=sessions)
        .values("session__organisation_id", "session__kind_id", "audience")
        .annotate(n=Sum("count"))
    ):
        key = (row["session__organisation_id"], row["session__kind_id"])
        counted[key] += row["n"]
        reached[(row["session__organisation_id"], row["audience"])] += row["n"]
    # Cycles whose last session (cancelled ones aside) falls in the period, then their
    # participants who completed them: two steps, so that the join to the sessions does not
    # multiply the count.
    first, after = _bounds(territory, start, end)
    ended = (
        Session.objects.filter(
            territory=territory, cycle__isnull=False, status=SessionStatus.PLANNED
        )
        .values("cycle_id")
        .annotate(last=Max("starts_at"))
        .filter(last__gte=first, last__lt=min(after, now))
        .values("cycle_id")
    )
    completed_rows = Enrolment.objects.filter(
        territory=territory, status=EnrolmentStatus.COMPLETED, cycle_id__in=ended
    )
    if organisations is not None:
        completed_rows = completed_rows.filter(cycle__organisation__in=list(organisations))
    completed = Counter(
        {
            (row["cycle__organisation_id"], row["cycle__kind_id"]): row["n"]
            for row in completed_rows.values("cycle__organisation_id", "cycle__kind_id")
            .order_by()
            .annotate(n=Count("id"))
        }
    )

    keys = set(session_counts) | set(participants) | set(counted) | set(completed)
    organisation_ids = {organisation for organisation, _ in keys}
    names = dict(Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "name"))
    kinds = {
        kind.pk: kind
        for kind in WorkshopKind.objects.filter(pk__in={kind for _, kind in keys}).order_by(
            "position", "label"
        )
    }
    structures = []
    for organisation_id in sorted(organisation_ids, key=lambda pk: names[pk].lower()):
        own = sorted(
            (kind for organisation, kind in keys if organisation == organisation_id),
            key=lambda pk: (kinds[pk].position, kinds[pk].label),
        )
        tables = {
            name: _masked_column({kind: source[(organisation_id, kind)] for kind in own})
            for name, source in (
                ("participants", participants),
                ("counted", counted),
                ("completed", completed),
            )
        }
        lines = tuple(
            KindLine(
                label=kinds[kind].label,
                sessions=session_counts.get((organisation_id, kind), 0),
                participants=tables["participants"][str(kind)],
                counted=tables["counted"][str(kind)],
                completed=tables["completed"][str(kind)],
            )
            for kind in own
        )
        total = KindLine(
            label="Total",
            sessions=sum(line.sessions for line in lines),
            participants=tables["participants"][TOTAL],
            counted=tables["counted"][TOTAL],
            completed=tables["completed"][TOTAL],
        )
        audience_cells = _audience_cells(
            {code: reached[(organisation_id, code)] for code in rules.AUDIENCES}
        )
        structures.append(
            StructureReport(
                name=names[organisation_id],
                sessions=total.sessions,
                kinds=lines,
                total=total,
                audiences=audience_cells[0],
                audience_total=audience_cells[1],
            )
        )
    territory_audiences = defaultdict(int)
    for (_organisation, code), count in reached.items():
        territory_audiences[code] += count
    all_audiences = _audience_cells(dict(territory_audiences))
    return WorkshopReport(
        start=start,
        end=end,
        structures=tuple(structures),
        sessions=sum(session_counts.values()),
        audiences=all_audiences[0],
        audience_total=all_audiences[1],
    )


def _audience_cells(counts: dict[str, int]) -> tuple[tuple[AudienceLine, ...], str]:
    """The audiences reached (those with people only, in the list's order) and their total,
    masked together."""
    present = [code for code in rules.AUDIENCES if counts.get(code)]
    cells = {code: counts[code] for code in present}
    cells[TOTAL] = sum(cells.values())
    texts = masked_texts(cells, [list(cells)])
    lines = tuple(AudienceLine(rules.AUDIENCES[code], texts[code]) for code in present)
    return lines, texts[TOTAL]
