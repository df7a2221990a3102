"""Pure rules of events: the audiences counted, limits, wording of dates, and the territory's
summary with its small counts masked (``aiguillage.disclosure``). No ORM here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from aiguillage.disclosure import masked_texts
from aiguillage.places.hours.wording import format_minutes
from aiguillage.workshops import rules as workshop_rules

# Who an event is for: the workshops' audiences, so that both speak the same words.
AUDIENCES: dict[str, str] = workshop_rules.AUDIENCES
# Attendance is counted per audience; a count without a known audience goes to « autres ».
OTHER_AUDIENCE = "autres"
COUNT_AUDIENCES: dict[str, str] = {**AUDIENCES, OTHER_AUDIENCE: "Autres ou public non précisé"}

# A sane bound for one count and for an event's total (the largest forums gather thousands).
MAX_COUNT = 100_000
# Coordinators enter past years' events; nothing older than this is plausible.
EARLIEST_DATE = dt.date(2015, 1, 1)
# How far ahead an event may be planned.
YEARS_AHEAD = 3
# The public workshops page lists this many coming events at most.
PUBLIC_EVENTS_SHOWN = 10

TOTAL = "total"


def date_problem(day: dt.date, today: dt.date) -> str:
    """Why an event's day cannot be used (French), or an empty string."""
    if day < EARLIEST_DATE:
        return f"La date doit être après le {EARLIEST_DATE:%d/%m/%Y}."
    if day.year > today.year + YEARS_AHEAD:
        return f"La date doit être avant la fin de l'année {today.year + YEARS_AHEAD}."
    return ""


def attendance_open(event_day: dt.date, today: dt.date) -> bool:
    """Attendance is counted from the event's day on, never before."""
    return today >= event_day


def day_text(day: dt.date) -> str:
    """« mardi 6 janvier 2026 »."""
    return f"{workshop_rules.day_text(day)} {day.year}"


def when_text(start: dt.datetime, end: dt.datetime) -> str:
    """« mardi 6 janvier 2026, 14 h – 16 h » (wall-clock times of the territory)."""
    begin = format_minutes(start.hour * 60 + start.minute)
    finish = format_minutes(end.hour * 60 + end.minute)
    return f"{day_text(start.date())}, {begin} \u2013 {finish}"


def labels(codes: Iterable[str], vocabulary: Mapping[str, str]) -> list[str]:
    return [vocabulary[code] for code in codes if code in vocabulary]


# --- The territory's summary --------------------------------------------------------------


@dataclass
class YearRow:
    year: int
    events: int  # events held or planned that year (cancelled ones are not counted)
    counted: int  # of which with attendance recorded
    attendance: str  # people present, as shown (masked under 5)


@dataclass
class AudienceRow:
    label: str
    cells: list[str]  # one per year, then the total, as shown


@dataclass
class Summary:
    years: list[int] = field(default_factory=list)
    year_rows: list[YearRow] = field(default_factory=list)
    audience_rows: list[AudienceRow] = field(default_factory=list)
    total_row: AudienceRow | None = None

    @property
    def is_empty(self) -> bool:
        return not self.years


def summary(
    events_per_year: Mapping[int, tuple[int, int]],
    attendance: Mapping[tuple[int, str], int],
) -> Summary:
    """The masked tables of a territory's events.

    ``events_per_year``: year → (events, events with attendance recorded);
    ``attendance``: (year, audience code) → people present. The people are one table, years ×
    audiences with both totals, masked as a whole: no hidden count can be worked out from the
    rows, the columns or the totals. Audiences nobody was counted in are left out."""
    years = sorted(set(events_per_year) | {year for year, _ in attendance}, reverse=True)
    audiences = [
        code for code in COUNT_AUDIENCES if any(attendance.get((y, code), 0) for y in years)
    ]
    columns = [str(year) for year in years]
    values: dict[tuple[str, str], int] = {}
    for code in audiences:
        for year, column in zip(years, columns, strict=True):
            values[code, column] = attendance.get((year, code), 0)
        values[code, TOTAL] = sum(values[code, column] for column in columns)
    for column in columns:
        values[TOTAL, column] = sum(values[code, column] for code in audiences)
    values[TOTAL, TOTAL] = sum(values[TOTAL, column] for column in columns)
    lines = [[*((code, c) for c in columns), (code, TOTAL)] for code in audiences]
    lines += [[*((code, c) for code in audiences), (TOTAL, c)] for c in [*columns, TOTAL]]
    lines.append([*((TOTAL, c) for c in columns), (TOTAL, TOTAL)])
    texts = masked_texts(values, lines)
    return Summary(
        years=years,
        year_rows=[
            YearRow(year, *events_per_year.get(year, (0, 0)), texts[TOTAL, str(year)])
            for year in years
        ],
        audience_rows=[
            AudienceRow(COUNT_AUDIENCES[code], [texts[code, c] for c in [*columns, TOTAL]])
            for code in audiences
        ],
        total_row=AudienceRow("Total", [texts[TOTAL, c] for c in [*columns, TOTAL]]),
    )
