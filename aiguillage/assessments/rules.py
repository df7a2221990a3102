"""Pure calculations of the assessments app (no ORM): what a stored result says, the
anonymous statistics with their masking, and the geometry of the progress chart."""

from __future__ import annotations

import dataclasses
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
    total: int | None = None  # points (screening) or levels (in-depth); None when unknown


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
    group_count: int = 0  # the last columns are sums of the others (pathways)
    note: str = ""  # what the reader must know to read the table (shown under its title)

    @property
    def is_empty(self) -> bool:
        return not self.rows

    @property
    def first_group(self) -> int:
        """Index of the first sum column (to draw a border before it)."""
        return len(self.columns) - self.group_count


def hidden_cells(
    matrix: Sequence[Sequence[int]], groups: Sequence[Sequence[int]] = ()
) -> tuple[set[tuple[int, int]], set]:
    """Cells to hide in a table with its margins: (primary, secondary) sets of (row, column).

    ``matrix`` has the counts; each of ``groups`` (column indices) adds a column that sums
    those columns (a pathway sums its typologies); the row totals, column totals and grand
    total are added as a last column and a last row. Every sum is a line of
    ``aiguillage.disclosure.hidden_cells``: each row with its total, each row's group
    columns with the same total, each group with its members, each column with its total.
    A count shown in a group column can therefore never give a hidden typology away.
    """
    full = _with_margins(matrix, groups)
    rows = len(full) - 1
    width = len(full[0]) - 1 if full else 0  # typologies and groups, without the total
    cols = width - len(groups)
    values = {(i, j): full[i][j] for i in range(rows + 1) for j in range(width + 1)}
    lines = []
    for i in range(rows + 1):
        lines.append([(i, j) for j in range(cols)] + [(i, width)])
        if groups:
            lines.append([(i, cols + g) for g in range(len(groups))] + [(i, width)])
        for g, members in enumerate(groups):
            lines.append([(i, j) for j in members] + [(i, cols + g)])
    lines += [[(i, j) for i in range(rows + 1)] for j in range(width + 1)]
    return disclosure.hidden_cells(values, lines)


def _with_margins(
    matrix: Sequence[Sequence[int]], groups: Sequence[Sequence[int]], width: int = 0
) -> list[list[int]]:
    """Rows with their group sums and total, then the column totals."""
    full = [
        list(row) + [sum(row[j] for j in members) for members in groups] + [sum(row)]
        for row in matrix
    ]
    size = len(full[0]) if full else width + len(groups) + 1
    full.append([sum(row[j] for row in full) for j in range(size)])
    return full


def masked_table(
    *,
    key: str,
    title: str,
    row_header: str,
    columns: Sequence[str],
    labels: Sequence[str],
    matrix: Sequence[Sequence[int]],
    total_label: str = "Ensemble",
    groups: Sequence[tuple[str, Sequence[int]]] = (),
) -> StatsTable:
    """A table of counts with row shares, small counts masked (see ``hidden_cells``).

    ``groups`` are (label, column indices) of sum columns shown after ``columns``."""
    sums = [members for _, members in groups]
    width = len(columns) + len(groups)
    primary, secondary = hidden_cells(matrix, sums) if matrix else (set(), set())
    full = _with_margins(matrix, sums, len(columns))

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
        columns=(*columns, *(label for label, _ in groups)),
        rows=tuple(row(i, label) for i, label in enumerate(labels)),
        total=row(len(labels), total_label),
        group_count=len(groups),
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


def transitions(
    facts: Iterable[Fact], noise: Mapping[str, int] | None = None
) -> dict[tuple[str, str], int]:
    """(typology before, typology after) counts between consecutive assessments of the same
    person and the same kind: a screening after an in-depth assessment is another measure,
    not a change.

    With ``noise`` (kind → the referential's noise on the total, e.g. 3 points for the
    screening), a pair counts only when the total moved by *more* than the noise: a person
    whose skills did not change often lands in another typology by chance (44.8 % of the
    simulated screenings, docs/assessment-simulation.md), so a bare typology change is not a
    result. Pairs with an unknown total are left out too.
    """
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for before, after in consecutive_pairs(facts):
        if noise is not None and not beyond_noise(before, after, noise):
            continue
        counts[(before.typology, after.typology)] += 1
    return dict(counts)


def consecutive_pairs(facts: Iterable[Fact]) -> list[tuple[Fact, Fact]]:
    """Consecutive assessments of the same person and the same kind, oldest first."""
    by_person: dict[tuple[int, str], list[Fact]] = defaultdict(list)
    for fact in sorted(facts, key=lambda f: f.completed_on):
        by_person[(fact.person, fact.kind)].append(fact)
    return [pair for series in by_person.values() for pair in zip(series, series[1:], strict=False)]


def beyond_noise(before: Fact, after: Fact, noise: Mapping[str, int]) -> bool:
    """The total changed by more than the referential's noise for that kind."""
    if before.total is None or after.total is None or after.kind not in noise:
        return False
    return abs(after.total - before.total) > noise[after.kind]


def month_label(month: dt.date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def last_months(today: dt.date, count: int = 12) -> list[dt.date]:
    """First days of the ``count`` months up to ``today``'s, oldest first."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


@dataclass(frozen=True)
class Pathway:
    """One of the three pathways of the Grenoble study and the typologies it gathers."""

    code: str
    label: str
    typologies: tuple[str, ...]


# The Emmaüs Connect study for Grenoble (2015): share of each pathway among the 30,000
# Grenoblois « en situation de précarité numérique et sociale ». They add up to 105 %.
STUDY_PATHWAY_SHARES: dict[str, int] = {"assistance": 16, "acces_accompagne": 62, "autonomie": 27}
STUDY_SOURCE = (
    "« Un plan d'action « Numérique pour tous » à Grenoble », communiqué de presse de la Ville "
    "de Grenoble du 8 décembre 2015, qui présente l'étude d'Emmaüs Connect pour la Région "
    "Rhône-Alpes et la Ville de Grenoble (rendue publique le même jour)"
)
PATHWAY_LABELS: dict[str, str] = {
    "assistance": "Parcours 1 : assistance numérique",
    "acces_accompagne": "Parcours 2 : accès accompagné",
    "autonomie": "Parcours 3 : autonomie",
}


def pathways_of(typologies: Iterable[tuple[str, str]]) -> list[Pathway]:
    """(typology code, pathway code) pairs, from the most help needed → the pathways in
    that order, each with its typologies."""
    found: dict[str, list[str]] = {}
    for typology, pathway in typologies:
        found.setdefault(pathway, []).append(typology)
    return [
        Pathway(code, PATHWAY_LABELS.get(code, code), tuple(members))
        for code, members in found.items()
    ]


@dataclass(frozen=True)
class PathwayComparison:
    code: str
    label: str
    count: str  # as masked in the communes table's total row
    share: str  # « 18 % » or "" when masked
    study_share: str  # « 16 % » or "" when the study has no such pathway


def pathway_comparison(table: StatsTable, pathways: Sequence[Pathway]) -> list[PathwayComparison]:
    """The territory's pathway totals (the total row of a people table, masked cells as
    shown there) beside the shares of the Grenoble study."""
    cells = table.total.cells[table.first_group :]
    return [
        PathwayComparison(
            code=pathway.code,
            label=pathway.label,
            count=cell.text,
            share=cell.share,
            study_share=(
                f"{STUDY_PATHWAY_SHARES[pathway.code]} %"
                if pathway.code in STUDY_PATHWAY_SHARES
                else ""
            ),
        )
        for pathway, cell in zip(pathways, cells, strict=True)
    ]


def statistics_tables(
    facts: Sequence[Fact],
    typologies: Sequence[tuple[str, str]],
    *,
    today: dt.date,
    pathways: Sequence[Pathway] = (),
    noise: Mapping[str, int] | None = None,
) -> list[StatsTable]:
    """The four anonymous tables of the coordinators' page and export, already masked.

    ``typologies`` are (code, label) from the most help needed to autonomy. People are
    counted once (latest assessment) per commune and per organisation; assessments per
    month; transitions between consecutive assessments of the same kind, only those whose
    total moved beyond ``noise`` when it is given. The first three tables end with one
    column per pathway (the sum of its typologies), masked together with them.
    """
    codes = [code for code, _ in typologies]
    labels = [label for _, label in typologies]
    groups = [
        (pathway.label, [codes.index(code) for code in pathway.typologies]) for pathway in pathways
    ]
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

    pairs = transitions(facts, noise)
    transition_matrix = [[pairs.get((before, after), 0) for after in codes] for before in codes]
    if noise is None:
        transition_title = (
            "Passages d'une typologie à l'autre entre deux diagnostics du même type "
            "(en ligne : avant ; en colonne : après)"
        )
        transition_note = ""
    else:
        transition_title = (
            "Changements au-delà du bruit de mesure entre deux diagnostics du même type "
            "(en ligne : typologie avant ; en colonne : après)"
        )
        pairs_within = sum(
            not beyond_noise(before, after, noise) for before, after in consecutive_pairs(facts)
        )
        transition_note = (
            f"Seuls comptent les changements où le total bouge de plus que le bruit de mesure "
            f"du référentiel ({noise_sentence(noise)}). {masked(pairs_within)} "
            f"{'paire' if pairs_within < 2 else 'paires'} de diagnostics restent dans le bruit "
            f"et ne sont pas comptées."
        )

    return [
        masked_table(
            key="communes",
            title="Typologies par commune (chaque personne une fois, à son dernier diagnostic)",
            row_header="Commune",
            columns=labels,
            labels=commune_labels,
            matrix=commune_matrix,
            groups=groups,
        ),
        masked_table(
            key="structures",
            title="Typologies par structure (chaque personne une fois, à son dernier diagnostic)",
            row_header="Structure",
            columns=labels,
            labels=organisation_labels,
            matrix=organisation_matrix,
            groups=groups,
        ),
        masked_table(
            key="mois",
            title="Diagnostics terminés par mois (12 derniers mois)",
            row_header="Mois",
            columns=labels,
            labels=[month_label(month) for month in months],
            matrix=month_matrix,
            groups=groups,
        ),
        dataclasses.replace(
            masked_table(
                key="transitions",
                title=transition_title,
                row_header="Avant → après",
                columns=labels,
                labels=labels,
                matrix=transition_matrix,
            ),
            note=transition_note,
        ),
    ]


NOISE_UNITS = {
    "screening": ("repérage", "points"),
    "in_depth": ("évaluation approfondie", "niveaux"),
}


def noise_sentence(noise: Mapping[str, int]) -> str:
    """« repérage : 3 points ; évaluation approfondie : 3 niveaux »."""
    return " ; ".join(
        f"{NOISE_UNITS[kind][0]} : {value} {NOISE_UNITS[kind][1]}"
        for kind, value in noise.items()
        if kind in NOISE_UNITS
    )


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
