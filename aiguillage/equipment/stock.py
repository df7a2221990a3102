"""Stock and throughput of a programme: devices per state now, age of the stock, devices in
and out per month over a period, days from reception to home installation, people
equipped.

Counting rules (docs/equipment.md, « Stock figures »):
- « entrés »: devices whose reception date (``received_on``) falls in the month;
- « remis », « installés », « recyclés »: moves to that state (``DeviceMove``) made in the
  month, read in the territory's time zone; a device handed over in March and installed in
  April counts once in each column;
- handed-over and installed devices are people equipped in disguise (one computer, one
  household): these two columns and the people equipped go through
  ``aiguillage.disclosure`` (1 to 4 shown « < 5 »); devices received and recycled are not
  people and are shown as they are;
- the time to installation runs from ``received_on`` to the day of the move to
  « installé », for the devices installed in the period.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from aiguillage.disclosure import masked_texts
from aiguillage.equipment import rules
from aiguillage.equipment.models import (
    IN_STOCK,
    Allocation,
    D,
    Device,
    DeviceMove,
    DeviceState,
    Programme,
)

OUT_STATES = (D.HANDED_OVER, D.INSTALLED, D.RECYCLED)
PEOPLE_COLUMNS = ("handed_over", "installed")
TOTAL = "total"


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int


def state_counts(programme: Programme) -> list[StateCount]:
    """Every state in the table's order, with its number of devices (zeros included)."""
    counts = dict(
        Device.objects.of_programme(programme)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return [StateCount(s.value, s.label, counts.get(s.value, 0)) for s in DeviceState]


def stock_age(programme: Programme, today: dt.date) -> dict[str, int]:
    """Devices in stock by days since they came in (buckets of ``rules.AGE_BUCKETS``)."""
    received = (
        Device.objects.of_programme(programme).in_stock().values_list("received_on", flat=True)
    )
    return rules.age_counts(received, today)


def _local_day(moment: dt.datetime, programme: Programme) -> dt.date:
    return moment.astimezone(programme.territory.tz).date()


def _bounds(programme: Programme, start: dt.date, end: dt.date) -> tuple:
    tz = programme.territory.tz
    first = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return first, after


@dataclass(frozen=True)
class MonthFlow:
    month: dt.date
    received: int
    recycled: int
    handed_over: int
    installed: int


def monthly_flows(programme: Programme, start: dt.date, end: dt.date) -> list[MonthFlow]:
    """Devices in and out per month of the period (raw counts, before disclosure)."""
    received = Counter(
        day.replace(day=1)
        for day in Device.objects.of_programme(programme)
        .filter(received_on__range=(start, end))
        .values_list("received_on", flat=True)
    )
    first, after = _bounds(programme, start, end)
    out: Counter = Counter()
    moves = DeviceMove.objects.filter(
        device__programme=programme, to_state__in=OUT_STATES, at__gte=first, at__lt=after
    ).values_list("to_state", "at")
    for state, at in moves:
        out[state, _local_day(at, programme).replace(day=1)] += 1
    return [
        MonthFlow(
            month=month,
            received=received[month],
            recycled=out[D.RECYCLED, month],
            handed_over=out[D.HANDED_OVER, month],
            installed=out[D.INSTALLED, month],
        )
        for month in rules.months_between(start, end)
    ]


@dataclass(frozen=True)
class FlowTable:
    """The monthly table as shown: text cells, people columns masked."""

    rows: list[tuple[dt.date, dict[str, str]]]
    total: dict[str, str]


def flow_table(flows: list[MonthFlow]) -> FlowTable:
    columns = ("received", "recycled", "handed_over", "installed")
    cells: dict[str, dict] = {}
    for column in columns:
        values = {flow.month: getattr(flow, column) for flow in flows}
        values[TOTAL] = sum(values.values())
        if column in PEOPLE_COLUMNS:
            # Keys are text so the disclosure control can order them.
            texts = masked_texts({str(k): v for k, v in values.items()}, [list(map(str, values))])
            cells[column] = {key: texts[str(key)] for key in values}
        else:
            cells[column] = {key: str(value) for key, value in values.items()}
    rows = [(flow.month, {c: cells[c][flow.month] for c in columns}) for flow in flows]
    return FlowTable(rows=rows, total={c: cells[c][TOTAL] for c in columns})


def installation_durations(programme: Programme, start: dt.date, end: dt.date) -> rules.Durations:
    """Days from reception to home installation, for the devices installed in the period."""
    first, after = _bounds(programme, start, end)
    moves = DeviceMove.objects.filter(
        device__programme=programme, to_state=D.INSTALLED, at__gte=first, at__lt=after
    ).values_list("at", "device__received_on")
    return rules.durations(
        (_local_day(at, programme) - received_on).days for at, received_on in moves
    )


def people_equipped(programme: Programme, start: dt.date, end: dt.date) -> str:
    """People whose computer was installed at home in the period, through disclosure."""
    count = (
        Allocation.objects.equipped()
        .filter(programme=programme, installed_on__range=(start, end))
        .count()
    )
    return masked_texts({"people": count}, [])["people"]


def in_stock_count(counts: list[StateCount]) -> int:
    return sum(line.count for line in counts if line.state in IN_STOCK)
