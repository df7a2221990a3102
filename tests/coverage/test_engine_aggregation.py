"""Tables: people within each distance per commune and in total, most uncovered, CSV."""

from __future__ import annotations

import numpy as np
import pytest

from aiguillage.coverage.engine.aggregation import coverage_table
from aiguillage.coverage.engine.grid import CommuneArea, build_grid
from aiguillage.coverage.engine.projection import LAMBERT_93
from tests.coverage.test_engine_grid import X0, Y0, square


@pytest.fixture
def grid():
    # Two communes of four cells each (400 m × 400 m), side by side.
    return build_grid(
        [
            CommuneArea("38001", 400, 40, square(X0, Y0, 400)),
            CommuneArea("38002", 800, 80, square(X0 + 400, Y0, 400)),
        ],
        projection=LAMBERT_93,
    )


def distances_by_column(grid, per_column: dict[int, float]) -> np.ndarray:
    first = int(X0 // 200)
    return np.array([per_column[column - first] for column in grid.cell_column])


def test_people_within_each_threshold_per_commune_and_in_total(grid):
    # Columns 0–3 from west to east: 500 m, 1.5 km, 3 km, no place at all.
    distance = distances_by_column(grid, {0: 500.0, 1: 1_500.0, 2: 3_000.0, 3: np.inf})
    table = coverage_table(
        grid,
        {("demarches", "samedi"): distance},
        commune_names={"38001": "Ouest", "38002": "Est"},
        thresholds_m=(1_000, 2_000, 5_000),
        uncovered_beyond_m=2_000,
        territory_name="Métropole",
    )
    west, east = table.rows_for("demarches", "samedi")
    assert (west.name, west.people_in_difficulty, west.population) == ("Ouest", 40, 400)
    assert west.within == pytest.approx({1_000: 20, 2_000: 40, 5_000: 40})
    assert west.uncovered == pytest.approx(0)
    assert east.within == pytest.approx({1_000: 0, 2_000: 0, 5_000: 40})
    assert east.uncovered == pytest.approx(80)  # 3 km and "no place" are both beyond 2 km
    total = table.total_for("demarches", "samedi")
    assert total.is_territory and total.name == "Métropole"
    assert total.within == pytest.approx({1_000: 20, 2_000: 40, 5_000: 80})
    assert total.uncovered == pytest.approx(80)
    assert total.share_within(5_000) == pytest.approx(80 / 120)


def test_a_distance_equal_to_the_threshold_counts_as_within(grid):
    distance = np.full(grid.cell_count, 2_000.0)
    table = coverage_table(
        grid,
        {("acces", "tout-moment"): distance},
        commune_names={},
        thresholds_m=(2_000,),
        uncovered_beyond_m=2_000,
    )
    total = table.total_for("acces", "tout-moment")
    assert total.within[2_000] == pytest.approx(120) and total.uncovered == 0


def test_most_uncovered_lists_communes_by_people_beyond_the_distance(grid):
    table = coverage_table(
        grid,
        {
            ("demarches", "soiree"): np.full(grid.cell_count, np.inf),
            ("demarches", "samedi"): np.zeros(grid.cell_count),
        },
        commune_names={"38001": "Ouest", "38002": "Est"},
    )
    assert [row.name for row in table.most_uncovered("demarches", "soiree")] == ["Est", "Ouest"]
    assert table.most_uncovered("demarches", "soiree", limit=1)[0].uncovered == pytest.approx(80)
    assert table.most_uncovered("demarches", "samedi") == []
    with pytest.raises(KeyError):
        table.total_for("quotidien", "samedi")


def test_csv_has_french_headers_and_whole_persons(grid):
    table = coverage_table(
        grid,
        {("demarches", "samedi"): np.full(grid.cell_count, 1_500.0)},
        commune_names={"38001": "Ouest", "38002": "Est"},
        thresholds_m=(1_000, 2_500),
        uncovered_beyond_m=2_500,
        distance_label="par la route (estimation)",
    )
    assert table.csv_header() == [
        "code INSEE",
        "commune",
        "besoin",
        "créneau",
        "population",
        "personnes en difficulté (estimation)",
        "à moins de 1 km par la route (estimation)",
        "à moins de 2,5 km par la route (estimation)",
        "au-delà de 2,5 km par la route (estimation)",
    ]
    rows = table.csv_rows({"demarches": "Démarches"}, {"samedi": "Le samedi"})
    assert rows[0] == ["", "Territoire", "Démarches", "Le samedi", 1200, 120, 0, 120, 0]
    assert rows[1][:2] == ["38001", "Ouest"]
    stored = table.to_dict()
    assert stored["territory"][0]["within"] == {"1000": 0.0, "2500": pytest.approx(120)}
