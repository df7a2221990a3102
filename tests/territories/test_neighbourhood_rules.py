"""Where a point or a commune stands with respect to priority neighbourhoods (pure rules)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, shape

from aiguillage.territories.neighbourhoods import (
    METRES_PER_DEGREE,
    NEAR_DISTANCE_M,
    Area,
    NeighbourhoodIndex,
    commune_summary,
    status_without_prefilter,
)

LAT, LON = 45.17, 5.72
# A 1 km × 1 km square whose south-west corner is (LAT, LON).
DLAT = 1000 / METRES_PER_DEGREE
DLON = 1000 / (METRES_PER_DEGREE * math.cos(math.radians(LAT)))


def _square(lat, lon, dlat=DLAT, dlon=DLON):
    return [[lon, lat], [lon + dlon, lat], [lon + dlon, lat + dlat], [lon, lat + dlat], [lon, lat]]


SQUARE = Area(
    code="QN03801M",
    name="Carré",
    kind="qpv",
    geometry={"type": "Polygon", "coordinates": [_square(LAT, LON)]},
)
# Two parts 3 km apart: one neighbourhood.
TWO_PARTS = Area(
    code="QN03802M",
    name="Deux morceaux",
    kind="qpv",
    geometry={
        "type": "MultiPolygon",
        "coordinates": [[_square(LAT + 0.05, LON)], [_square(LAT + 0.05, LON + 0.04)]],
    },
)
VEILLE = Area(
    code="VA-01",
    name="Veille",
    kind="veille",
    geometry={"type": "Polygon", "coordinates": [_square(LAT, LON, DLAT / 2, DLON / 2)]},
)


def _metres_east(metres: float) -> float:
    return metres / (METRES_PER_DEGREE * math.cos(math.radians(LAT)))


@pytest.fixture(scope="module")
def index():
    return NeighbourhoodIndex([SQUARE, TWO_PARTS, VEILLE])


def test_a_point_inside_is_in_qpv(index):
    status = index.status(LAT + DLAT * 0.7, LON + DLON * 0.7)
    assert status.in_qpv == SQUARE and status.in_veille is None
    assert status.label == "En QPV"


def test_a_point_on_the_outline_counts_as_inside(index):
    status = index.status(LAT + DLAT * 0.7, LON + DLON)  # on the east edge
    assert status.in_qpv == SQUARE


def test_a_point_200_m_away_is_near_with_its_distance(index):
    status = index.status(LAT + DLAT * 0.7, LON + DLON + _metres_east(200))
    assert status.in_qpv is None
    assert [item.area for item in status.near] == [SQUARE]
    assert status.near[0].distance_m == pytest.approx(200, abs=2)
    assert status.label == "À proximité d'un QPV"


def test_a_point_beyond_the_margin_is_neither(index):
    status = index.status(LAT + DLAT * 0.7, LON + DLON + _metres_east(NEAR_DISTANCE_M + 20))
    assert status.in_qpv is None and status.near == []
    assert status.label == ""


def test_the_margin_is_300_m():
    assert NEAR_DISTANCE_M == 300


def test_each_part_of_a_multipolygon_counts(index):
    second_part = index.status(LAT + 0.05 + DLAT / 2, LON + 0.04 + DLON / 2)
    assert second_part.in_qpv == TWO_PARTS
    between = index.status(LAT + 0.05 + DLAT / 2, LON + 0.03)
    assert between.in_qpv is None and between.near == []


def test_a_quartier_de_veille_is_not_a_qpv(index):
    status = index.status(LAT + DLAT * 0.2, LON + DLON * 0.2)  # in both
    assert status.in_qpv == SQUARE and status.in_veille == VEILLE
    only_veille = NeighbourhoodIndex([VEILLE]).status(LAT + DLAT * 0.2, LON + DLON * 0.2)
    assert only_veille.in_qpv is None
    assert only_veille.label == "En quartier de veille active"


SAMPLE = json.loads(
    (Path(__file__).parent / "fixtures" / "qpv_2024_sample.geojson").read_text(encoding="utf-8")
)
SAMPLE_AREAS = [
    Area(
        code=f["properties"]["code_qp"],
        name=f["properties"]["lib_qp"],
        kind="qpv",
        geometry=f["geometry"],
    )
    for f in SAMPLE["features"]
][:4]  # Grenoble and Échirolles
SAMPLE_INDEX = NeighbourhoodIndex(SAMPLE_AREAS)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    latitude=st.floats(min_value=45.135, max_value=45.19),
    longitude=st.floats(min_value=5.69, max_value=5.76),
)
def test_the_prefilter_never_changes_the_answer(latitude, longitude):
    fast = SAMPLE_INDEX.status(latitude, longitude)
    assert fast == status_without_prefilter(SAMPLE_AREAS, latitude, longitude)
    point = Point(longitude, latitude)
    inside = {a.code for a in SAMPLE_AREAS if shape(a.geometry).contains(point)}
    # Plain shapely agrees (``contains`` leaves out the outline, which ``covers`` keeps).
    assert inside <= ({fast.in_qpv.code} if fast.in_qpv else set())


def _area(code, communes, population, kind="qpv"):
    return Area(
        code=code, name=code, kind=kind, geometry={}, population=population, communes=communes
    )


def test_the_share_of_a_commune_living_in_qpv():
    areas = [
        _area("A", ("38151",), 4_800),
        _area("B", ("38151",), 2_400),
        _area("V", ("38151",), 900, "veille"),
    ]
    summary = commune_summary("38151", areas, 36_000)
    assert summary.population_in_qpv == 7_200
    assert summary.share_in_qpv == pytest.approx(0.2)
    assert len(summary.areas) == 3


def test_no_share_when_a_qpv_spans_communes_or_its_population_is_unknown():
    spanning = commune_summary("38185", [_area("A", ("38185", "38151"), 7_000)], 158_000)
    assert spanning.share_in_qpv is None
    assert spanning.why_no_share == "un quartier s'étend sur plusieurs communes"
    unknown = commune_summary("38185", [_area("A", ("38185",), None)], 158_000)
    assert unknown.share_in_qpv is None
    assert unknown.why_no_share == "population d'un quartier inconnue"


def test_a_commune_without_qpv_has_none_of_its_people_in_qpv():
    summary = commune_summary("38421", [_area("A", ("38185",), 7_000)], 38_000)
    assert (summary.population_in_qpv, summary.share_in_qpv, summary.areas) == (0, 0.0, [])
