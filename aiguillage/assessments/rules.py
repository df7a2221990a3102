"""Pure calculations of the assessments app (no ORM): what a stored result says, the
anonymous statistics with their masking, and the geometry of the progress chart."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiguillage import disclosure

# --- A stored result, as progress and recommendations read it ------------------------------


@dataclass(frozen=True)
class StoredResult:
    """The attributes of the engine's results that ``compare_assessments`` and ``recommend``
    read, rebuilt from a stored assessment (also after anonymisation, without flags)."""

    mode: str  # "screening" | "in_depth", as the engine names them
    typology: str  # the typology retained (an in-depth override included)
    area_values: dict[str, int]
    total: int
    referential_version: str
    referential_hash: str
    flag_codes: frozenset[str]
    weak_areas: frozenset[str]


def stored_result(
    *,
    kind: str,
    typology: str,
    area_values: Mapping[str, int],
    total: int | None,
    referential_version: str,
    referential_hash: str,
    result: Mapping[str, Any],
) -> StoredResult:
    flags = [
        flag["code"] for flag in result.get("access_gaps", []) + result.get("context_flags", [])
    ]
    if kind == "screening":
        weak = [area["area"] for area in result.get("area_scores", []) if area.get("weak")]
    else:
        below = result.get("weak_below", 0)
        weak = [area["area"] for area in result.get("area_levels", []) if area["level"] < below]
    return StoredResult(
        mode=kind,
        typology=typology,
        area_values=dict(area_values),
        total=total or 0,
        referential_version=referential_version,
        referential_hash=referential_hash,
        flag_codes=frozenset(flags),
        weak_areas=frozenset(weak),
    )


# --- Anonymous statistics ------------------------------------------------------------------

# Counts from 1 to 4 are masked, and more where a total would give one away.
MASK_BELOW = disclosure.MASK_BELOW
MASKED = disclosure.MASKED
SECONDARY = disclosure.SECONDARY
OTHER_COMMUNES = "Autres communes (moins de 5 personnes chacune)"
OTHER_ORGANISATIONS = "Autres structures (moins de 5 personnes chacune)"
UNKNOWN_COMMUNE = "Commune non indiquée"
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def masked(count: int) -> str:
    """« 0 », « < 5 » or the count."""
    return MASKED if 0 < count < MASK_BELOW else str(count)


@dataclass(frozen=True)
class Fact:
    """One complete assessment, stripped to what statistics need."""

    person: int  # an internal key to follow a person over time; never shown nor exported
    kind: str
    completed_on: dt.date
    typology: str
    commune: str  # "" when unknown
    organisation: str


@dataclass(frozen=True)
class Cell:
    text: str  # "12", "0", "< 5" or "(masqué)"
    share: str  # "40 %" of the row, "" when masked


@dataclass(frozen=True)
class StatsRow:
    label: str
    cells: tuple[Cell, ...]
    total: str


@dataclass(frozen=True)
class StatsTable:
    key: str
    title: str
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[StatsRow, ...]
    total: StatsRow

    @property
    def is_empty(self) -> bool:
        return not self.rows


def hidden_cells(matrix: Sequence[Sequence[int]]) -> tuple[set[tuple[int, int]], set]:
    """Cells to hide in a table with its margins: (primary, secondary) sets of (row, column).

    ``matrix`` has the counts; the row totals, column totals and grand total are added as a
    last column and a last row. Each row and each column with its total is a line of
    ``aiguillage.disclosure.hidden_cells``.
    """
    rows, cols = len(matrix), len(matrix[0]) if matrix else 0
    full = [list(row) + [sum(row)] for row in matrix]
    full.append([sum(full[i][j] for i in range(rows)) for j in range(cols + 1)])
    values = {(i, j): full[i][j] for i in range(rows + 1) for j in range(cols + 1)}
    lines = [[(i, j) for j in range(cols + 1)] for i in range(rows + 1)]
    lines += [[(i, j) for i in range(rows + 1)] for j in range(cols + 1)]
    return disclosure.hidden_cells(values, lines)


def masked_table(
    *,
    key: str,
    title: str,
    row_header: str,
    columns: Sequence[str],
    labels: Sequence[str],
    matrix: Sequence[Sequence[int]],
    total_label: str = "Ensemble",
) -> StatsTable:
    """A table of counts with row shares, small counts masked (see ``hidden_cells``)."""
    width = len(columns)
    primary, secondary = hidden_cells(matrix) if matrix else (set(), set())
    full = [list(row) + [sum(row)] for row in matrix]
    full.append(
        [sum(row[j] for row in full) for j in range(width + 1)] if full else [0] * (width + 1)
    )

    def text(i: int, j: int) -> str:
        if (i, j) in primary:
            return MASKED
        if (i, j) in secondary:
            return SECONDARY
        return str(full[i][j])

    def row(i: int, label: str) -> StatsRow:
        total_shown = (i, width) not in (primary | secondary) and full[i][width] > 0
        cells = []
        for j in range(width):
            shown = (i, j) not in (primary | secondary)
            visible = shown and total_shown and full[i][j] > 0
            share = f"{round(100 * full[i][j] / full[i][width])} %" if visible else ""
            cells.append(Cell(text(i, j), share))
        return StatsRow(label, tuple(cells), text(i, width))

    return StatsTable(
        key=key,
        title=title,
        row_header=row_header,
        columns=tuple(columns),
        rows=tuple(row(i, label) for i, label in enumerate(labels)),
        total=row(len(labels), total_label),
    )


def _grouped(
    counts: Mapping[str, Mapping[str, int]], typologies: Sequence[str], other: str
) -> tuple[list[str], list[list[int]]]:
    """Rows by label, those under the threshold merged into one ``other`` row, last."""
    labels, matrix, merged = [], [], [0] * len(typologies)
    for label in sorted(counts):
        values = [counts[label].get(code, 0) for code in typologies]
        if sum(values) < MASK_BELOW:
            merged = [a + b for a, b in zip(merged, values, strict=True)]
        else:
            labels.append(label)
            matrix.append(values)
    if any(merged):
        labels.append(other)
        matrix.append(merged)
    return labels, matrix


def latest_per_person(facts: Iterable[Fact]) -> list[Fact]:
    """Each person once, with their latest assessment (of any kind)."""
    latest: dict[int, Fact] = {}
    for fact in sorted(facts, key=lambda f: f.completed_on):
        latest[fact.person] = fact
    return list(latest.values())


def transitions(facts: Iterable[Fact]) -> dict[tuple[str, str], int]:
    """(typology before, typology after) counts between consecutive assessments of the same
    person and the same kind: a screening after an in-depth assessment is another measure,
    not a change."""
    by_person: dict[tuple[int, str], list[Fact]] = defaultdict(list)
    for fact in sorted(facts, key=lambda f: f.completed_on):
        by_person[(fact.person, fact.kind)].append(fact)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for series in by_person.values():
        for before, after in zip(series, series[1:], strict=False):
            counts[(before.typology, after.typology)] += 1
    return dict(counts)


def month_label(month: dt.date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def last_months(today: dt.date, count: int = 12) -> list[dt.date]:
    """First days of the ``count`` months up to ``today``'s, oldest first."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def statistics_tables(
    facts: Sequence[Fact], typologies: Sequence[tuple[str, str]], *, today: dt.date
) -> list[StatsTable]:
    """The four anonymous tables of the coordinators' page and export, already masked.

    ``typologies`` are (code, label) from the most help needed to autonomy. People are
    counted once (latest assessment) per commune and per organisation; assessments per
    month; transitions between consecutive assessments of the same kind.
    """
    codes = [code for code, _ in typologies]
    labels = [label for _, label in typologies]
    latest = latest_per_person(facts)

    by_commune: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_organisation: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for fact in latest:
        by_commune[fact.commune or UNKNOWN_COMMUNE][fact.typology] += 1
        by_organisation[fact.organisation][fact.typology] += 1
    commune_labels, commune_matrix = _grouped(by_commune, codes, OTHER_COMMUNES)
    organisation_labels, organisation_matrix = _grouped(by_organisation, codes, OTHER_ORGANISATIONS)

    months = last_months(today)
    by_month: dict[dt.date, dict[str, int]] = {month: defaultdict(int) for month in months}
    for fact in facts:
        month = fact.completed_on.replace(day=1)
        if month in by_month:
            by_month[month][fact.typology] += 1
    month_matrix = [[by_month[month].get(code, 0) for code in codes] for month in months]

    pairs = transitions(facts)
    transition_matrix = [[pairs.get((before, after), 0) for after in codes] for before in codes]

    return [
        masked_table(
            key="communes",
            title="Typologies par commune (chaque personne une fois, à son dernier diagnostic)",
            row_header="Commune",
            columns=labels,
            labels=commune_labels,
            matrix=commune_matrix,
        ),
        masked_table(
            key="structures",
            title="Typologies par structure (chaque personne une fois, à son dernier diagnostic)",
            row_header="Structure",
            columns=labels,
            labels=organisation_labels,
            matrix=organisation_matrix,
        ),
        masked_table(
            key="mois",
            title="Diagnostics terminés par mois (12 derniers mois)",
            row_header="Mois",
            columns=labels,
            labels=[month_label(month) for month in months],
            matrix=month_matrix,
        ),
        masked_table(
            key="transitions",
            title=(
                "Passages d'une typologie à l'autre entre deux diagnostics du même type "
                "(en ligne : avant ; en colonne : après)"
            ),
            row_header="Avant → après",
            columns=labels,
            labels=labels,
            matrix=transition_matrix,
        ),
    ]


# --- Progress chart ------------------------------------------------------------------------

CHART_WIDTH = 400
CHART_LEFT = 120  # room for the short typology names
CHART_RIGHT = 20
CHART_TOP = 16
CHART_ROW = 40  # vertical distance between two typologies
CHART_BOTTOM = 34  # room for the dates


CHART_MARKER = 6  # half the size of a point's marker


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    kind: str
    description: str  # « 12 mars 2026, repérage : Autonomie »

    @property
    def corner_x(self) -> float:
        """Left of the square marker of an in-depth assessment."""
        return round(self.x - CHART_MARKER, 1)

    @property
    def corner_y(self) -> float:
        return round(self.y - CHART_MARKER, 1)


@dataclass(frozen=True)
class ChartTick:
    position: float
    label: str
    anchor: str = "middle"  # SVG text-anchor: the last date ends at its point


@dataclass(frozen=True)
class TypologyChart:
    width: int
    height: int
    left: int
    right: int
    points: tuple[ChartPoint, ...]
    path: str  # the polyline's points attribute
    levels: tuple[ChartTick, ...]  # y of each typology, from autonomy (top) down
    dates: tuple[ChartTick, ...]

    @property
    def label_x(self) -> int:
        return self.left - 10

    @property
    def date_y(self) -> int:
        return self.height - 8

    @property
    def marker_size(self) -> int:
        return 2 * CHART_MARKER


@dataclass(frozen=True)
class ChartEntry:
    completed_on: dt.date
    kind: str
    kind_label: str
    rank: int  # typology rank, 0 = needs the most help
    typology_label: str


SHORT_MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def short_date(day: dt.date) -> str:
    """« 3 mars 26 »: a date short enough for the chart's axis."""
    return f"{day.day} {SHORT_MONTHS[day.month - 1]} {day.year % 100:02d}"


def typology_chart(entries: Sequence[ChartEntry], typology_labels: Sequence[str]) -> TypologyChart:
    """Where to draw each assessment: x by order (dates below), y by typology."""
    count = len(typology_labels)
    height = CHART_TOP + CHART_ROW * (count - 1) + CHART_BOTTOM
    right = CHART_WIDTH - CHART_RIGHT
    span = right - CHART_LEFT

    def y_of(rank: int) -> float:
        return CHART_TOP + CHART_ROW * (count - 1 - rank)

    def x_of(index: int) -> float:
        if len(entries) == 1:
            return CHART_LEFT + span / 2
        return CHART_LEFT + span * index / (len(entries) - 1)

    points = tuple(
        ChartPoint(
            x=round(x_of(index), 1),
            y=y_of(entry.rank),
            kind=entry.kind,
            description=(
                f"{entry.completed_on.day} {MONTHS[entry.completed_on.month - 1]} "
                f"{entry.completed_on.year}, {entry.kind_label.lower()} : {entry.typology_label}"
            ),
        )
        for index, entry in enumerate(entries)
    )
    # At most five dates under the axis, so that they never overlap.
    step = max(1, -(-len(entries) // 5))
    dates = tuple(
        ChartTick(round(x_of(index), 1), short_date(entry.completed_on))
        for index, entry in enumerate(entries)
        if index % step == 0 or index == len(entries) - 1
    )
    if len(dates) > 1 and dates[-1].position - dates[-2].position < span / 6:
        dates = dates[:-2] + dates[-1:]
    if len(entries) > 1:
        dates = dates[:-1] + (ChartTick(dates[-1].position, dates[-1].label, "end"),)
    return TypologyChart(
        width=CHART_WIDTH,
        height=height,
        left=CHART_LEFT,
        right=right,
        points=points,
        path=" ".join(f"{point.x},{point.y}" for point in points),
        levels=tuple(
            ChartTick(y_of(rank), label)
            for rank, label in reversed(list(enumerate(typology_labels)))
        ),
        dates=dates,
    )


def short_typology(label: str) -> str:
    """« Accès accompagné — débutant » → « Débutant », « Assistance numérique » →
    « Assistance »: what fits beside the chart on a phone."""
    if " — " in label:
        return label.split(" — ")[-1].capitalize()
    return label.split()[0]
