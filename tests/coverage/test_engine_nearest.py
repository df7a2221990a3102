"""Nearest place: exact against brute force, needs and filters, sphere for national scale."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from aiguillage.coverage.engine.nearest import (
    EARTH_RADIUS_M,
    chord_to_arc_m,
    nearest,
    nearest_by_need,
    sphere_points,
)
from aiguillage.places.rules import distance_m


def brute_force(origins: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Distance to the nearest target by comparing every pair (in chunks)."""
    best = np.full(len(origins), np.inf)
    for start in range(0, len(origins), 2_000):
        chunk = origins[start : start + 2_000]
        pairwise = np.sqrt(((chunk[:, None, :] - targets[None, :, :]) ** 2).sum(axis=2))
        best[start : start + 2_000] = pairwise.min(axis=1)
    return best


def clustered_points(rng: np.random.Generator, count: int, centres: np.ndarray) -> np.ndarray:
    """Points around a few towns, like people and places, in a 60 km wide territory."""
    picked = centres[rng.integers(0, len(centres), count)]
    return picked + rng.normal(0, 2_500, (count, 2))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_nearest_is_exact_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(900_000, 960_000, (8, 2))
    origins = clustered_points(rng, 6_000, centres)
    targets = clustered_points(rng, 300, centres)
    found = nearest(origins, targets)
    assert np.abs(found.straight_m - brute_force(origins, targets)).max() < 1.0
    chosen = targets[found.target_index]
    assert np.allclose(np.hypot(*(origins - chosen).T), found.straight_m)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("seed", [10, 11, 12])
def test_compiled_search_gives_the_distances_of_scipys_kd_tree(seed, workers):
    """The reference: scipy's exact k-d tree, on cells in grid order and places in towns."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(880_000, 980_000, (12, 2))
    cells = np.array(
        [[x, y] for x in range(870_000, 990_000, 400) for y in range(870_000, 990_000, 400)],
        dtype=float,
    )
    targets = clustered_points(rng, int(rng.integers(50, 2_000)), centres)
    found = nearest(cells, targets, workers=workers)
    expected, _ = cKDTree(targets).query(cells)
    assert np.abs(found.straight_m - expected).max() < 1.0
    chosen = targets[found.target_index]
    assert np.allclose(np.hypot(*(cells - chosen).T), found.straight_m)


@pytest.mark.parametrize(
    "targets",
    [
        np.array([[5_000.0, 5_000.0]]),  # a single place
        np.column_stack([np.linspace(0, 60_000, 400), np.zeros(400)]),  # places on a line
        np.repeat(np.array([[0.0, 0.0], [100.0, 40.0], [-3e4, 2e4]]), 7, axis=0),  # duplicates
    ],
    ids=["single", "line", "duplicates"],
)
def test_compiled_search_is_exact_for_awkward_places_and_far_away_cells(targets):
    rng = np.random.default_rng(5)
    cells = np.vstack([rng.uniform(-1e6, 1e6, (3_000, 2)), rng.normal(0, 500, (3_000, 2))])
    found = nearest(cells, targets)
    expected, _ = cKDTree(targets).query(cells)
    assert np.abs(found.straight_m - expected).max() < 1.0


def test_nearest_on_a_grid_with_ties_keeps_the_exact_distance():
    cells = np.array([[x, y] for x in range(0, 1000, 100) for y in range(0, 1000, 100)], float)
    targets = np.array([[500.0, 500.0], [500.0, 500.0], [0.0, 0.0]])  # a duplicate place
    found = nearest(cells, targets)
    assert np.abs(found.straight_m - brute_force(cells, targets)).max() < 1e-9


def test_nothing_to_reach_gives_infinity_and_no_index():
    found = nearest(np.zeros((3, 2)), np.empty((0, 2)))
    assert np.isinf(found.straight_m).all()
    assert (found.target_index == -1).all()
    assert np.isinf(found.road_m).all()


@pytest.mark.parametrize(("factor", "expected"), [(1.3, 1300.0), (1.0, 1000.0), (1.5, 1500.0)])
def test_road_distance_is_straight_line_times_detour_factor(factor, expected):
    found = nearest(np.array([[0.0, 0.0]]), np.array([[600.0, 800.0]]), detour_factor=factor)
    assert found.straight_m[0] == pytest.approx(1000.0)
    assert found.road_m[0] == pytest.approx(expected)


def test_nearest_by_need_uses_only_places_offering_the_need_and_passing_the_filter():
    cells = np.array([[0.0, 0.0], [1000.0, 0.0]])
    places = np.array([[10.0, 0.0], [990.0, 0.0], [500.0, 0.0], [2000.0, 0.0]])
    masks = np.array([0b01, 0b10, 0b11, 0b01])
    open_now = np.array([True, True, False, True])
    result = nearest_by_need(
        cells, places, masks, {"a": 0b01, "b": 0b10, "c": 0b100}, place_filter=open_now
    )
    assert result["a"].straight_m.tolist() == pytest.approx([10.0, 990.0])
    assert result["a"].target_index.tolist() == [0, 0]  # place 2 is closed, place 1 lacks "a"
    assert result["b"].target_index.tolist() == [1, 1]
    assert np.isinf(result["c"].straight_m).all()
    unfiltered = nearest_by_need(cells, places, masks, {"a": 0b01})
    assert unfiltered["a"].target_index.tolist() == [0, 2]


def test_sphere_points_give_exact_great_circle_distances_at_national_scale():
    rng = np.random.default_rng(7)
    lat_o, lon_o = rng.uniform(42, 51, 2_000), rng.uniform(-4.5, 8, 2_000)
    lat_t, lon_t = rng.uniform(42, 51, 150), rng.uniform(-4.5, 8, 150)
    found = nearest(sphere_points(lat_o, lon_o), sphere_points(lat_t, lon_t))
    for index in range(0, 2_000, 97):
        expected = min(
            distance_m(lat_o[index], lon_o[index], lat, lon)
            for lat, lon in zip(lat_t, lon_t, strict=True)
        )
        assert found.straight_m[index] == pytest.approx(expected, abs=1.0)


@pytest.mark.parametrize(
    ("chord", "arc"),
    [(0.0, 0.0), (2 * EARTH_RADIUS_M, np.pi * EARTH_RADIUS_M), (1000.0, 1000.0)],
)
def test_chord_is_converted_to_the_distance_along_the_earth(chord, arc):
    assert chord_to_arc_m(np.array([chord]))[0] == pytest.approx(arc, abs=1e-3)
