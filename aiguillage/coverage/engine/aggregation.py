"""Per commune and for the territory: people in difficulty within each distance of help.

Input: the grid (pieces of cells × communes with their people in difficulty) and,
for each (need, time window), the distance from every cell to the nearest place
offering that need open in that window. Output: plain rows, ready for a sortable
table and a CSV export, with French column names.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from aiguillage.coverage.engine.grid import PopulationGrid

DEFAULT_THRESHOLDS_M: tuple[int, ...] = (1_000, 2_000, 5_000, 10_000)
DEFAULT_UNCOVERED_BEYOND_M = 5_000
TERRITORY_CODE = ""  # the total row has no INSEE code


@dataclass(frozen=True)
class CoverageRow:
    """One commune (or the whole territory) for one need and one time window."""

    insee: str
    name: str
    need: str
    window: str
    population: float
    people_in_difficulty: float
    within: dict[int, float]  # threshold (m) → people in difficulty at most that far
    uncovered: float  # people in difficulty farther than the "uncovered" distance

    @property
    def is_territory(self) -> bool:
        return self.insee == TERRITORY_CODE

    def share_within(self, threshold_m: int) -> float:
        """Share (0–1) of the people in difficulty within ``threshold_m``; 1 when nobody."""
        if self.people_in_difficulty <= 0:
            return 1.0
        return self.within[threshold_m] / self.people_in_difficulty


@dataclass(frozen=True)
class CoverageTable:
    thresholds_m: tuple[int, ...]
    uncovered_beyond_m: float
    distance_label: str  # « par la route (estimation) » or « à vol d'oiseau »
    communes: tuple[CoverageRow, ...]
    territory: tuple[CoverageRow, ...]

    def rows_for(self, need: str, window: str) -> list[CoverageRow]:
        return [row for row in self.communes if row.need == need and row.window == window]

    def total_for(self, need: str, window: str) -> CoverageRow:
        for row in self.territory:
            if row.need == need and row.window == window:
                return row
        raise KeyError((need, window))

    def most_uncovered(self, need: str, window: str, limit: int = 10) -> list[CoverageRow]:
        """Communes with the most people in difficulty beyond the chosen distance."""
        rows = [row for row in self.rows_for(need, window) if row.uncovered > 0]
        rows.sort(key=lambda row: (-row.uncovered, row.name))
        return rows[:limit]

    def csv_header(self) -> list[str]:
        distances = [
            f"à moins de {_km(threshold)} {self.distance_label}" for threshold in self.thresholds_m
        ]
        return [
            "code INSEE",
            "commune",
            "besoin",
            "créneau",
            "population",
            "personnes en difficulté (estimation)",
            *distances,
            f"au-delà de {_km(self.uncovered_beyond_m)} {self.distance_label}".rstrip(),
        ]

    def csv_rows(
        self,
        need_labels: Mapping[str, str] | None = None,
        window_labels: Mapping[str, str] | None = None,
    ) -> list[list[str | int]]:
        """Territory rows first, then communes; people rounded to whole persons."""
        need_labels = need_labels or {}
        window_labels = window_labels or {}
        rows = []
        for row in (*self.territory, *self.communes):
            rows.append(
                [
                    row.insee,
                    row.name,
                    need_labels.get(row.need, row.need),
                    window_labels.get(row.window, row.window),
                    round(row.population),
                    round(row.people_in_difficulty),
                    *(round(row.within[threshold]) for threshold in self.thresholds_m),
                    round(row.uncovered),
                ]
            )
        return rows

    def to_dict(self) -> dict[str, object]:
        """JSON-ready content, to store with an analysis and compare runs over time."""

        def plain(row: CoverageRow) -> dict[str, object]:
            return {
                "insee": row.insee,
                "name": row.name,
                "need": row.need,
                "window": row.window,
                "population": row.population,
                "people_in_difficulty": row.people_in_difficulty,
                "within": {str(key): value for key, value in row.within.items()},
                "uncovered": row.uncovered,
            }

        return {
            "thresholds_m": list(self.thresholds_m),
            "uncovered_beyond_m": self.uncovered_beyond_m,
            "distance_label": self.distance_label,
            "territory": [plain(row) for row in self.territory],
            "communes": [plain(row) for row in self.communes],
        }


def coverage_table(
    grid: PopulationGrid,
    cell_distances: Mapping[tuple[str, str], np.ndarray],
    *,
    commune_names: Mapping[str, str],
    territory_name: str = "Territoire",
    thresholds_m: Sequence[int] = DEFAULT_THRESHOLDS_M,
    uncovered_beyond_m: float = DEFAULT_UNCOVERED_BEYOND_M,
    distance_label: str = "",
) -> CoverageTable:
    """People within each threshold, per commune and in total, for each (need, window).

    ``cell_distances[(need, window)]`` holds one distance per grid cell, in metres
    (``inf`` where no place offers the need). A person is *within* a threshold when
    the distance is at most the threshold, and *uncovered* when it is strictly
    beyond ``uncovered_beyond_m``.
    """
    thresholds = tuple(sorted(int(threshold) for threshold in thresholds_m))
    population = grid.per_commune(grid.population)
    demand = grid.per_commune(grid.people_in_difficulty)
    communes: list[CoverageRow] = []
    territory: list[CoverageRow] = []
    for (need, window), distances in cell_distances.items():
        piece_distance = np.asarray(distances)[grid.cell]
        within = {
            threshold: grid.per_commune(grid.people_in_difficulty * (piece_distance <= threshold))
            for threshold in thresholds
        }
        uncovered = grid.per_commune(
            grid.people_in_difficulty * (piece_distance > uncovered_beyond_m)
        )
        for index, insee in enumerate(grid.insee_codes):
            communes.append(
                CoverageRow(
                    insee=insee,
                    name=commune_names.get(insee, insee),
                    need=need,
                    window=window,
                    population=float(population[index]),
                    people_in_difficulty=float(demand[index]),
                    within={threshold: float(within[threshold][index]) for threshold in thresholds},
                    uncovered=float(uncovered[index]),
                )
            )
        territory.append(
            CoverageRow(
                insee=TERRITORY_CODE,
                name=territory_name,
                need=need,
                window=window,
                population=float(population.sum()),
                people_in_difficulty=float(demand.sum()),
                within={threshold: float(within[threshold].sum()) for threshold in thresholds},
                uncovered=float(uncovered.sum()),
            )
        )
    return CoverageTable(
        thresholds_m=thresholds,
        uncovered_beyond_m=float(uncovered_beyond_m),
        distance_label=distance_label,
        communes=tuple(communes),
        territory=tuple(territory),
    )


def _km(metres: float) -> str:
    kilometres = metres / 1000
    if math.isclose(kilometres, round(kilometres)):
        return f"{round(kilometres)} km"
    return f"{kilometres:.1f} km".replace(".", ",")
