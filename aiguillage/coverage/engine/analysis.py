"""The whole coverage analysis, from communes and places to tables and site suggestions.

``run_coverage`` chains the steps (demand → grid → opening hours → nearest place
for every need and time window → tables) and reports its progress, so that a
background job can show a progress bar. The other functions reuse a finished
analysis: ``suggest_sites`` (where to open next) and ``what_if`` (one place
changes its hours or services).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from aiguillage.coverage.engine.aggregation import (
    DEFAULT_THRESHOLDS_M,
    DEFAULT_UNCOVERED_BEYOND_M,
    CoverageTable,
    coverage_table,
)
from aiguillage.coverage.engine.availability import (
    ANY_TIME,
    DEFAULT_HORIZON_DAYS,
    DEFAULT_WINDOWS,
    PlaceAvailability,
    TimeWindow,
    place_availability,
)
from aiguillage.coverage.engine.demand import (
    CommuneDemand,
    DemandCalibration,
    DemandParameters,
    IfnRow,
    calibrate_demand,
    estimate_demand,
)
from aiguillage.coverage.engine.grid import (
    DEFAULT_CELL_SIZE_M,
    CommuneArea,
    PopulationGrid,
    build_grid,
)
from aiguillage.coverage.engine.nearest import DEFAULT_DETOUR_FACTOR, nearest_by_need
from aiguillage.coverage.engine.siting import (
    SitingResult,
    build_problem,
    exact_sites,
    greedy_sites,
    improve_by_exchange,
)
from aiguillage.places.hours import PARIS
from aiguillage.places.rules import SERVICE_BITS
from aiguillage.places.vocabulary import SERVICE_CODES

ROAD = "route"
STRAIGHT = "vol-oiseau"
DISTANCE_LABELS = {ROAD: "par la route (estimation)", STRAIGHT: "à vol d'oiseau"}

# (share done 0–1, French message) → None; called between steps.
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class CommuneInput:
    insee: str
    name: str
    population: float
    latitude: float
    longitude: float
    geometry: dict | None  # GeoJSON in WGS84
    ifn: IfnRow | None = None


@dataclass(frozen=True)
class SupplyPlace:
    """A place as the analysis sees it: where, which needs (bits of SERVICE_BITS), when."""

    key: str
    name: str
    latitude: float | None
    longitude: float | None
    service_mask: int
    horaires: str = ""


@dataclass(frozen=True)
class CoverageSettings:
    cell_size_m: float = DEFAULT_CELL_SIZE_M
    detour_factor: float = DEFAULT_DETOUR_FACTOR
    distance_basis: str = ROAD  # thresholds apply to ROAD (straight × detour) or STRAIGHT
    thresholds_m: tuple[int, ...] = DEFAULT_THRESHOLDS_M
    uncovered_beyond_m: float = DEFAULT_UNCOVERED_BEYOND_M
    needs: tuple[str, ...] = tuple(SERVICE_BITS)
    windows: tuple[TimeWindow, ...] = DEFAULT_WINDOWS
    horizon_days: int = DEFAULT_HORIZON_DAYS

    def __post_init__(self) -> None:
        if self.distance_basis not in DISTANCE_LABELS:
            raise ValueError(f"Base de distance inconnue : {self.distance_basis}.")
        unknown = [need for need in self.needs if need not in SERVICE_BITS]
        if unknown:
            raise ValueError(f"Besoins inconnus : {', '.join(unknown)}.")
        if self.detour_factor < 1:
            raise ValueError("Le coefficient de détour ne peut pas être inférieur à 1.")

    def to_dict(self) -> dict[str, object]:
        values = asdict(self)
        values["thresholds_m"] = list(self.thresholds_m)
        values["needs"] = list(self.needs)
        values["windows"] = [asdict(window) for window in self.windows]
        return values

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> CoverageSettings:
        """Inverse of ``to_dict``; missing keys take their default."""
        data = dict(values)
        if "windows" in data:
            data["windows"] = tuple(TimeWindow(**window) for window in data["windows"])
        for key in ("thresholds_m", "needs"):
            if key in data:
                data[key] = tuple(data[key])
        return replace(cls(), **data)

    def to_basis(self, straight_m: np.ndarray) -> np.ndarray:
        """Distances in the chosen basis from straight-line metres."""
        return straight_m * self.detour_factor if self.distance_basis == ROAD else straight_m

    def straight_radius(self, distance_m: float) -> float:
        """The straight-line radius that corresponds to a distance in the chosen basis."""
        return distance_m / self.detour_factor if self.distance_basis == ROAD else distance_m


@dataclass
class CoverageAnalysis:
    settings: CoverageSettings
    parameters: DemandParameters
    start: datetime
    territory_name: str
    commune_names: dict[str, str]
    demand: dict[str, CommuneDemand]
    grid: PopulationGrid
    places: tuple[SupplyPlace, ...]  # those with a position, in the order of the arrays
    place_xy: np.ndarray
    place_masks: np.ndarray
    availability: PlaceAvailability
    # (need, window code) → straight-line metres from each cell to the nearest place.
    straight_m: dict[tuple[str, str], np.ndarray]
    table: CoverageTable
    places_without_position: tuple[str, ...] = field(default_factory=tuple)

    def distance(self, need: str, window: str) -> np.ndarray:
        """Per cell, distance to the nearest place in the settings' basis (metres)."""
        return self.settings.to_basis(self.straight_m[(need, window)])

    def uncovered_weight(self, need: str, window: str, beyond_m: float) -> np.ndarray:
        """Per cell, people in difficulty farther than ``beyond_m`` from help (else 0)."""
        demand = self.grid.per_cell(self.grid.people_in_difficulty)
        return np.where(self.distance(need, window) > beyond_m, demand, 0.0)

    def csv_rows(self) -> list[list[str | int]]:
        """The table as CSV rows (header first), with French names of needs and windows."""
        need_labels = {code: SERVICE_CODES[code] for code in self.settings.needs}
        window_labels = {window.code: window.label for window in self.settings.windows}
        return [self.table.csv_header(), *self.table.csv_rows(need_labels, window_labels)]

    def summary(self) -> dict[str, object]:
        """JSON-ready record of the run: parameters, counts and the tables."""
        return {
            "start": self.start.isoformat(),
            "settings": self.settings.to_dict(),
            "parameters": self.parameters.to_dict(),
            "projection": self.grid.projection.name,
            "cells": self.grid.cell_count,
            "communes_placed_at_centre": list(self.grid.placed_at_centre),
            "communes_without_ifn": sorted(
                insee for insee, demand in self.demand.items() if not demand.from_ifn
            ),
            "places": len(self.places),
            "places_without_position": list(self.places_without_position),
            "places_by_window": self.availability.counts(),
            "table": self.table.to_dict(),
        }


def run_coverage(
    communes: Sequence[CommuneInput],
    places: Sequence[SupplyPlace],
    *,
    start: datetime,
    parameters: DemandParameters | None = None,
    settings: CoverageSettings | None = None,
    territory_name: str = "Territoire",
    tz: ZoneInfo = PARIS,
    progress: Progress | None = None,
    calibration: DemandCalibration | None = None,
) -> CoverageAnalysis:
    """Run the analysis. ``start`` (aware) begins the 14 days in which opening is checked.

    With ``calibration``, the demand is scaled to a known local figure before it is spread
    on the grid (``demand.calibrate_demand``).

    Give the places that serve the territory, including those just across its
    border: people cross communal lines to get help.
    """
    parameters = parameters or DemandParameters()
    settings = settings or CoverageSettings()
    report = progress or _silent

    report(0.0, "Estimation des besoins par commune")
    demand = estimate_demand(
        ((commune.insee, commune.population, commune.ifn) for commune in communes), parameters
    )
    if calibration is not None:
        demand = calibrate_demand(demand, calibration)
    report(0.1, "Répartition de la population sur la grille")
    grid = build_grid(
        [
            CommuneArea(
                insee=commune.insee,
                population=commune.population,
                people_in_difficulty=demand[commune.insee].people_in_difficulty,
                geometry=commune.geometry,
                latitude=commune.latitude,
                longitude=commune.longitude,
            )
            for commune in communes
        ],
        cell_size_m=settings.cell_size_m,
    )
    located = tuple(
        place for place in places if place.latitude is not None and place.longitude is not None
    )
    without_position = tuple(
        place.key for place in places if place.latitude is None or place.longitude is None
    )
    place_xy, place_masks = _place_arrays(located, grid)

    report(0.4, "Lecture des horaires d'ouverture")
    availability = place_availability(
        [place.horaires for place in located],
        settings.windows,
        start=start,
        days=settings.horizon_days,
        tz=tz,
    )
    straight = _all_distances(grid, place_xy, place_masks, availability.is_open, settings, report)

    report(0.9, "Calcul des tableaux")
    names = {commune.insee: commune.name for commune in communes}
    table = coverage_table(
        grid,
        {key: settings.to_basis(value) for key, value in straight.items()},
        commune_names=names,
        territory_name=territory_name,
        thresholds_m=settings.thresholds_m,
        uncovered_beyond_m=settings.uncovered_beyond_m,
        distance_label=DISTANCE_LABELS[settings.distance_basis],
    )
    report(1.0, "Analyse terminée")
    return CoverageAnalysis(
        settings=settings,
        parameters=parameters,
        start=start,
        territory_name=territory_name,
        commune_names=names,
        demand=demand,
        grid=grid,
        places=located,
        place_xy=place_xy,
        place_masks=place_masks,
        availability=availability,
        straight_m=straight,
        table=table,
        places_without_position=without_position,
    )


def _silent(share: float, message: str) -> None:
    """Progress sink when nobody watches."""


def _place_arrays(
    places: Sequence[SupplyPlace], grid: PopulationGrid
) -> tuple[np.ndarray, np.ndarray]:
    x, y = grid.projection.forward(
        np.array([place.longitude for place in places], dtype=float),
        np.array([place.latitude for place in places], dtype=float),
    )
    masks = np.array([place.service_mask for place in places], dtype=np.int64)
    return np.column_stack([x, y]).reshape(-1, 2), masks


def _all_distances(
    grid: PopulationGrid,
    place_xy: np.ndarray,
    place_masks: np.ndarray,
    is_open: Mapping[str, np.ndarray],
    settings: CoverageSettings,
    report: Progress,
    windows: Sequence[TimeWindow] | None = None,
    needs: Sequence[str] | None = None,
) -> dict[tuple[str, str], np.ndarray]:
    windows = settings.windows if windows is None else windows
    needs = settings.needs if needs is None else needs
    cells = grid.cell_xy()
    result: dict[tuple[str, str], np.ndarray] = {}
    for step, window in enumerate(windows):
        report(0.4 + 0.5 * step / max(len(windows), 1), f"Distances : {window.label}")
        found = nearest_by_need(
            cells,
            place_xy,
            place_masks,
            {need: SERVICE_BITS[need] for need in needs},
            place_filter=is_open[window.code],
            detour_factor=settings.detour_factor,
        )
        for need, nearest in found.items():
            result[(need, window.code)] = nearest.straight_m
    return result


@dataclass(frozen=True)
class CandidateSite:
    """A site that could host help: ``service_mask`` = the needs it would offer."""

    key: str
    label: str
    latitude: float
    longitude: float
    service_mask: int


@dataclass(frozen=True)
class SiteSuggestion:
    site: CandidateSite
    people_added: float
    by_need: dict[str, float]


@dataclass(frozen=True)
class Suggestions:
    method: str
    distance_m: float
    window: str
    needs: tuple[str, ...]
    uncovered_before: float  # people in difficulty beyond distance_m, all chosen needs
    people_covered: float
    sites: tuple[SiteSuggestion, ...]
    optimal: bool | None
    result: SitingResult


def suggest_sites(
    analysis: CoverageAnalysis,
    candidates: Sequence[CandidateSite],
    *,
    k: int,
    distance_m: float | None = None,
    window: str = ANY_TIME.code,
    needs: Sequence[str] | None = None,
    method: str = "greedy",
    time_limit_s: float | None = None,
) -> Suggestions:
    """The K candidate sites that would bring the most uncovered people within reach.

    Uncovered = farther than ``distance_m`` (default: the settings' "uncovered"
    distance, in the settings' basis) from a place offering the need, open in
    ``window``. A candidate is assumed open in that window. With several needs, a
    person counts once per need.
    """
    distance_m = analysis.settings.uncovered_beyond_m if distance_m is None else distance_m
    needs = tuple(needs or analysis.settings.needs)
    uncovered = {need: analysis.uncovered_weight(need, window, distance_m) for need in needs}
    xy, masks = _candidate_arrays(candidates, analysis.grid)
    problem = build_problem(
        analysis.grid.cell_xy(),
        uncovered,
        xy,
        masks,
        {need: SERVICE_BITS[need] for need in needs},
        analysis.settings.straight_radius(distance_m),
    )
    if method == "greedy":
        result = greedy_sites(problem, k)
    elif method == "greedy+exchange":
        result = improve_by_exchange(problem, greedy_sites(problem, k))
    elif method == "exact":
        result = exact_sites(problem, k, time_limit_s=time_limit_s)
    else:
        raise ValueError(f"Méthode inconnue : {method}.")
    return Suggestions(
        method=method,
        distance_m=distance_m,
        window=window,
        needs=needs,
        uncovered_before=float(sum(weight.sum() for weight in uncovered.values())),
        people_covered=result.people_covered,
        sites=tuple(
            SiteSuggestion(candidates[site.candidate], site.people_added, site.by_need)
            for site in result.sites
        ),
        optimal=result.optimal,
        result=result,
    )


def _candidate_arrays(
    candidates: Sequence[CandidateSite], grid: PopulationGrid
) -> tuple[np.ndarray, np.ndarray]:
    x, y = grid.projection.forward(
        np.array([site.longitude for site in candidates], dtype=float),
        np.array([site.latitude for site in candidates], dtype=float),
    )
    masks = np.array([site.service_mask for site in candidates], dtype=np.int64)
    return np.column_stack([x, y]).reshape(-1, 2), masks


@dataclass(frozen=True)
class ScenarioGain:
    need: str
    window: str
    people_newly_covered: float  # were beyond the distance, now within it
    by_commune: dict[str, float]  # INSEE → people newly covered (non-zero only)


@dataclass(frozen=True)
class Scenario:
    place_key: str
    distance_m: float
    gains: tuple[ScenarioGain, ...]  # only (need, window) pairs that change, most people first

    @property
    def people_newly_covered(self) -> dict[str, float]:
        """Per window code, people newly covered summed over needs."""
        totals: dict[str, float] = {}
        for gain in self.gains:
            totals[gain.window] = totals.get(gain.window, 0.0) + gain.people_newly_covered
        return totals


def what_if(
    analysis: CoverageAnalysis,
    changed: SupplyPlace,
    *,
    distance_m: float | None = None,
    tz: ZoneInfo = PARIS,
) -> Scenario:
    """People newly within ``distance_m`` of help if one place changed (or a new one opened).

    ``changed`` replaces the place with the same key (e.g. the same médiathèque with
    « Sa 09:00-12:00 » added to its hours, or a bit added to its service mask); a
    new key adds a place. Only the (need, window) pairs whose set of places changes
    are recomputed, exactly, with the same grid and the same settings. A change can
    also remove a place from a window: people who lose their nearest help are not
    counted here (this tells what a change *adds*).
    """
    if changed.latitude is None or changed.longitude is None:
        raise ValueError("Le lieu modifié doit avoir une position.")
    settings = analysis.settings
    distance_m = settings.uncovered_beyond_m if distance_m is None else distance_m
    keys = [place.key for place in analysis.places]
    xy, masks = _place_arrays([changed], analysis.grid)
    changed_open = place_availability(
        [changed.horaires],
        settings.windows,
        start=analysis.start,
        days=settings.horizon_days,
        tz=tz,
    )
    is_new = changed.key not in keys
    index = len(keys) if is_new else keys.index(changed.key)
    if is_new:
        place_xy = np.vstack([analysis.place_xy, xy])
        place_masks = np.concatenate([analysis.place_masks, masks])
        is_open = {
            code: np.append(flags, changed_open.is_open[code][0])
            for code, flags in analysis.availability.is_open.items()
        }
    else:
        place_xy, place_masks = analysis.place_xy.copy(), analysis.place_masks.copy()
        place_xy[index], place_masks[index] = xy[0], masks[0]
        is_open = {code: flags.copy() for code, flags in analysis.availability.is_open.items()}
        for code, flags in is_open.items():
            flags[index] = changed_open.is_open[code][0]
    moved = not is_new and not np.array_equal(analysis.place_xy[index], place_xy[index])
    gains = []
    for window in settings.windows:
        for need in settings.needs:
            bit = SERVICE_BITS[need]
            before = (
                not is_new
                and bool(analysis.place_masks[index] & bit)
                and bool(analysis.availability.is_open[window.code][index])
            )
            after = bool(place_masks[index] & bit) and bool(is_open[window.code][index])
            if before == after and not (after and moved):
                continue  # this (need, window) keeps the same places
            straight = _all_distances(
                analysis.grid,
                place_xy,
                place_masks,
                is_open,
                settings,
                _silent,
                windows=[window],
                needs=[need],
            )[(need, window.code)]
            was_far = analysis.distance(need, window.code) > distance_m
            now_near = settings.to_basis(straight) <= distance_m
            newly = (was_far & now_near)[analysis.grid.cell]
            per_commune = analysis.grid.per_commune(analysis.grid.people_in_difficulty * newly)
            if per_commune.sum() <= 0:
                continue
            gains.append(
                ScenarioGain(
                    need=need,
                    window=window.code,
                    people_newly_covered=float(per_commune.sum()),
                    by_commune={
                        insee: float(value)
                        for insee, value in zip(analysis.grid.insee_codes, per_commune, strict=True)
                        if value > 0
                    },
                )
            )
    gains.sort(key=lambda gain: -gain.people_newly_covered)
    return Scenario(changed.key, distance_m, tuple(gains))
