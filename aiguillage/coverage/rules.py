"""Pure calculations of the coverage pages: demo scores, table rows, sorting, comparison, map.

No ORM here: the views hand in plain values (rows of a ``CoverageTable``, an analysis).
"""

from __future__ import annotations

import math
import unicodedata
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from aiguillage.coverage.engine import COMPONENTS, CoverageAnalysis, CoverageRow
from aiguillage.places.rules import SERVICE_BITS

# --- Demonstration IFN scores ----------------------------------------------------------

# Densities (inhabitants per km²) read as "very urban" and "very rural" by the demo.
URBAN_DENSITY = 4_000.0
RURAL_DENSITY = 20.0


def demo_fragility_scores(insee: str, population: float, area_km2: float) -> dict[str, float]:
    """Plausible IFN components (0–10) for a demo commune, from its density alone.

    Not real data: rural communes get worse network coverage, more people aged 65+
    and fewer graduates; dense ones more poverty, as the real IFN tends to show.
    A small deterministic offset (from the INSEE code) keeps neighbours apart.
    """
    density = population / max(area_km2, 0.01)
    rurality = (math.log10(URBAN_DENSITY) - math.log10(max(density, 1.0))) / (
        math.log10(URBAN_DENSITY) - math.log10(RURAL_DENSITY)
    )
    rurality = min(max(rurality, 0.0), 1.0)
    offset = (zlib.crc32(insee.encode()) % 21 - 10) / 10  # −1 to 1
    raw = {
        "no_thd_coverage_rate": 1.0 + 7.0 * rurality + offset,
        "no_4g_coverage_rate": 2.0 + 6.0 * rurality - offset / 2,
        "poverty_rate": 6.5 - 3.0 * rurality + offset,
        "older_65_rate": 3.5 + 4.0 * rurality - offset,
        "nscol15p_rate": 4.0 + 2.0 * rurality + offset / 2,
    }
    return {component: round(min(max(raw[component], 0.0), 10.0), 1) for component in COMPONENTS}


# --- Table of a run ------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    """One commune (or the territory) as the table shows it: people, shares, observed demand."""

    insee: str
    name: str
    population: float
    people_in_difficulty: float
    within: tuple[tuple[float, float], ...]  # (people, share 0–1) per threshold
    uncovered: float
    uncovered_share: float
    observed: Mapping[str, str]  # e.g. {"orientations": "< 5"}


def formula_parts(lines: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """``explain_formula`` lines as (lines before, one line per IFN component, lines after)."""
    items = [line.removeprefix("– ") for line in lines if line.startswith("– ")]
    first = next((i for i, line in enumerate(lines) if line.startswith("– ")), len(lines))
    last = max((i for i, line in enumerate(lines) if line.startswith("– ")), default=first - 1)
    return list(lines[:first]), items, list(lines[last + 1 :])


def table_row(row: CoverageRow, thresholds: Sequence[int], observed: Mapping[str, str]) -> TableRow:
    people = row.people_in_difficulty
    return TableRow(
        insee=row.insee,
        name=row.name,
        population=row.population,
        people_in_difficulty=people,
        within=tuple((row.within[t], row.share_within(t)) for t in thresholds),
        uncovered=row.uncovered,
        uncovered_share=row.uncovered / people if people > 0 else 0.0,
        observed=observed,
    )


# Sort keys of the table (query string « tri »): a leading « - » sorts in decreasing order.
SORT_KEYS = ("commune", "population", "personnes", "sans-aide", "part-sans-aide")
DEFAULT_SORT = "-sans-aide"


def sort_key_choices(thresholds: Sequence[int]) -> tuple[str, ...]:
    """Every sort key, including one per distance threshold (« m1000 »…)."""
    return (*SORT_KEYS, *(f"m{threshold}" for threshold in thresholds))


def sort_rows(rows: Sequence[TableRow], sort: str, thresholds: Sequence[int]) -> list[TableRow]:
    """Rows sorted by ``sort`` (see ``sort_key_choices``); ties by commune name."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in sort_key_choices(thresholds):
        raise ValueError(f"Tri inconnu : {sort}.")
    if key == "commune":
        return sorted(rows, key=lambda row: _alphabetical(row.name), reverse=descending)
    if key.startswith("m"):
        position = list(thresholds).index(int(key[1:]))

        def value(row: TableRow) -> float:
            return row.within[position][0]
    else:
        attribute = {
            "population": "population",
            "personnes": "people_in_difficulty",
            "sans-aide": "uncovered",
            "part-sans-aide": "uncovered_share",
        }[key]

        def value(row: TableRow) -> float:
            return getattr(row, attribute)

    by_name = sorted(rows, key=lambda row: _alphabetical(row.name))
    return sorted(by_name, key=value, reverse=descending)


def _alphabetical(name: str) -> str:
    """Sort key in French dictionary order: « Échirolles » between « Domène » and « Gières »."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# --- Comparing two runs ----------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    insee: str
    name: str
    before: float  # people uncovered in the older run
    after: float
    within_before: float  # people within the middle threshold
    within_after: float

    @property
    def change(self) -> float:
        return self.after - self.before


def compare_tables(
    before: Mapping, after: Mapping, need: str, window: str, threshold_m: int
) -> list[Difference]:
    """Per commune, people uncovered and within ``threshold_m`` in two runs (``to_dict`` form).

    Communes present in one run only count 0 in the other; most changed first.
    """

    def by_commune(table: Mapping) -> dict[str, Mapping]:
        rows = [*table.get("territory", []), *table.get("communes", [])]
        return {r["insee"]: r for r in rows if r["need"] == need and r["window"] == window}

    old, new = by_commune(before), by_commune(after)
    differences = []
    for insee in old.keys() | new.keys():
        first, second = old.get(insee, {}), new.get(insee, {})
        differences.append(
            Difference(
                insee=insee,
                name=(second or first)["name"],
                before=first.get("uncovered", 0.0),
                after=second.get("uncovered", 0.0),
                within_before=first.get("within", {}).get(str(threshold_m), 0.0),
                within_after=second.get("within", {}).get(str(threshold_m), 0.0),
            )
        )
    # The territory (empty code) first, then the biggest changes.
    differences.sort(key=lambda d: (d.insee != "", -abs(d.change), _alphabetical(d.name)))
    return differences


# --- Map layer ---------------------------------------------------------------------------------

# People in difficulty without help per km² beyond which a cell gets a darker shade
# (upper bounds): a density, so that the shades mean the same with any cell size. For
# scale: about 1,000 per km² in central Grenoble, under 10 in mountain villages.
SHADE_LIMITS = (10.0, 50.0, 200.0, 500.0)
SHADE_LABELS = (
    "moins de 10 personnes sans aide par km²",
    "10 à 50 par km²",
    "50 à 200 par km²",
    "200 à 500 par km²",
    "plus de 500 par km²",
)
# Light to dark: each step is darker than the one before, so the order also reads in
# grey and without telling hues apart (legend in the page, figures in the table).
SHADE_COLOURS = ("#fde0c5", "#facba6", "#f59e72", "#e05c5c", "#8c1c3a")


def map_layer(
    analysis: CoverageAnalysis, need: str, window: str, outlines: Sequence[dict] = ()
) -> dict[str, object]:
    """Cells whose people in difficulty are uncovered for (need, window), and the places.

    Cells: [south, west, north, east, people, shade 0–4] (shade: people per km², by
    ``SHADE_LIMITS``), rounded to about a metre; places: the ones offering the need,
    open in the window; ``outlines``: GeoJSON geometries drawn thin (the communes).
    """
    beyond = analysis.settings.uncovered_beyond_m
    weight = analysis.uncovered_weight(need, window, beyond)
    shown = np.flatnonzero(weight > 0)
    corners = analysis.grid.cell_corners_lonlat()[shown]
    per_km2 = weight[shown] / (analysis.grid.cell_size_m**2 / 1e6)
    shades = np.searchsorted(np.array(SHADE_LIMITS), per_km2, side="left")
    cells = [
        [
            round(float(box[:, 1].min()), 5),
            round(float(box[:, 0].min()), 5),
            round(float(box[:, 1].max()), 5),
            round(float(box[:, 0].max()), 5),
            round(float(people), 1),
            int(shade),
        ]
        for box, people, shade in zip(corners, weight[shown], shades, strict=True)
    ]
    offering = (analysis.place_masks & SERVICE_BITS[need]) != 0
    open_now = analysis.availability.is_open[window]
    places = [
        {"name": place.name, "lat": place.latitude, "lon": place.longitude}
        for place, ok in zip(analysis.places, offering & open_now, strict=True)
        if ok
    ]
    south, west = analysis.grid.cell_latitude.min(), analysis.grid.cell_longitude.min()
    north, east = analysis.grid.cell_latitude.max(), analysis.grid.cell_longitude.max()
    return {
        "bounds": [[float(south), float(west)], [float(north), float(east)]],
        "cells": cells,
        "places": places,
        "outlines": list(outlines),
        "uncovered_beyond_m": beyond,
    }
