"""Priority neighbourhoods: where a point or a commune stands (pure rules, no ORM).

A point is « en QPV » when a neighbourhood's outline covers it (a point exactly on the
outline counts as inside: addresses are geocoded to the street, which is often the limit),
« à proximité » when it lies within ``NEAR_DISTANCE_M`` of an outline.

``NEAR_DISTANCE_M`` is our convention, not an official rule: the city policy speaks of the
« quartier vécu » (the facilities that a neighbourhood's inhabitants use around it) without
a distance; 300 m (about 4 minutes on foot) is a common working margin. Change it here.

Distances are measured in metres on a local equirectangular projection around the point
(error well under 1 % at the scale of a few hundred metres). Each neighbourhood's bounding
box is the cheap prefilter; shapely (prepared geometries, an STRtree for many points) gives
the answer. The prefilter never changes the answer (tests/territories/test_neighbourhood_rules).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

NEAR_DISTANCE_M = 300
# Metres per degree of latitude (WGS84, mean); a degree of longitude is this × cos(latitude).
METRES_PER_DEGREE = 111_195.0


@dataclass(frozen=True)
class Area:
    """One neighbourhood as the rules see it (built from a model row or a file)."""

    code: str
    name: str
    kind: str
    geometry: dict
    population: int | None = None
    communes: tuple[str, ...] = ()
    key: int | None = None  # the row's primary key, when it comes from the database
    is_demo: bool = False


@dataclass(frozen=True)
class Nearby:
    area: Area
    distance_m: float


@dataclass(frozen=True)
class Status:
    """Where a point stands: inside a QPV, inside a quartier de veille, near others."""

    in_qpv: Area | None = None
    in_veille: Area | None = None
    near: list[Nearby] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.in_qpv is not None:
            return "En QPV"
        if any(item.area.kind == "qpv" for item in self.near):
            return "À proximité d'un QPV"
        if self.in_veille is not None:
            return "En quartier de veille active"
        return ""


def bounding_box(geometry: BaseGeometry) -> tuple[float, float, float, float]:
    """(min latitude, max latitude, min longitude, max longitude) of a WGS84 geometry."""
    west, south, east, north = geometry.bounds
    return south, north, west, east


def margin_degrees(latitude: float, distance_m: float) -> tuple[float, float]:
    """(latitude, longitude) degrees that are at least ``distance_m`` around this latitude."""
    lat_degrees = distance_m / METRES_PER_DEGREE
    # The widest longitude span of the box: at its edge nearest a pole.
    widest = min(89.0, abs(latitude) + lat_degrees)
    lon_degrees = distance_m / (METRES_PER_DEGREE * math.cos(math.radians(widest)))
    return lat_degrees, lon_degrees


def distance_m(geometry: BaseGeometry, latitude: float, longitude: float) -> float:
    """Metres from the point to the geometry (0 when the geometry covers it)."""
    kx = METRES_PER_DEGREE * math.cos(math.radians(latitude))
    ky = METRES_PER_DEGREE

    def local(coords: np.ndarray) -> np.ndarray:
        return (coords - [longitude, latitude]) * [kx, ky]

    return float(shapely.transform(geometry, local).distance(Point(0.0, 0.0)))


class NeighbourhoodIndex:
    """Neighbourhoods ready for many point lookups: prepared shapes and an STRtree."""

    def __init__(self, areas: Iterable[Area], near_m: float = NEAR_DISTANCE_M) -> None:
        self.areas: list[Area] = list(areas)
        self.near_m = near_m
        self.shapes = [shape(area.geometry) for area in self.areas]
        for geometry in self.shapes:
            shapely.prepare(geometry)
        self.tree = shapely.STRtree(self.shapes)

    def __len__(self) -> int:
        return len(self.areas)

    def candidates(self, latitude: float, longitude: float) -> list[int]:
        """Indices whose bounding box is within the near margin (the prefilter)."""
        dlat, dlon = margin_degrees(latitude, self.near_m)
        box = shapely.box(longitude - dlon, latitude - dlat, longitude + dlon, latitude + dlat)
        return sorted(int(i) for i in self.tree.query(box))

    def status(self, latitude: float, longitude: float) -> Status:
        point = Point(longitude, latitude)
        inside: list[Area] = []
        near: list[Nearby] = []
        for index in self.candidates(latitude, longitude):
            geometry, area = self.shapes[index], self.areas[index]
            if shapely.covers(geometry, point):
                inside.append(area)
                continue
            distance = distance_m(geometry, latitude, longitude)
            if distance <= self.near_m:
                near.append(Nearby(area=area, distance_m=distance))
        near.sort(key=lambda item: (item.distance_m, item.area.code))
        return Status(
            in_qpv=next((a for a in inside if a.kind == "qpv"), None),
            in_veille=next((a for a in inside if a.kind != "qpv"), None),
            near=near,
        )

    def statuses(self, points: Sequence[tuple[float, float]]) -> list[Status]:
        return [self.status(latitude, longitude) for latitude, longitude in points]


def status_without_prefilter(
    areas: Sequence[Area], latitude: float, longitude: float, near_m: float = NEAR_DISTANCE_M
) -> Status:
    """The same answer as ``NeighbourhoodIndex.status`` by brute force (the tests' reference)."""
    point = Point(longitude, latitude)
    inside, near = [], []
    for area in areas:
        geometry = shape(area.geometry)
        if geometry.covers(point):
            inside.append(area)
        elif (distance := distance_m(geometry, latitude, longitude)) <= near_m:
            near.append(Nearby(area=area, distance_m=distance))
    near.sort(key=lambda item: (item.distance_m, item.area.code))
    return Status(
        in_qpv=next((a for a in inside if a.kind == "qpv"), None),
        in_veille=next((a for a in inside if a.kind != "qpv"), None),
        near=near,
    )


@dataclass(frozen=True)
class CommuneSummary:
    """The neighbourhoods of one commune and, when it can be computed, the share living there."""

    areas: list[Area]
    population_in_qpv: int | None
    share_in_qpv: float | None
    why_no_share: str = ""


def commune_summary(
    insee_code: str, areas: Iterable[Area], commune_population: int
) -> CommuneSummary:
    """QPVs of a commune; the share of its people in QPV only when it can be known.

    A QPV spanning several communes has one population for all of them: it cannot be split
    between communes, so no share is given then (rather than a guess)."""
    mine = [area for area in areas if insee_code in area.communes]
    qpvs = [area for area in mine if area.kind == "qpv"]
    if not qpvs:
        return CommuneSummary(areas=mine, population_in_qpv=0, share_in_qpv=0.0)
    if any(area.population is None for area in qpvs):
        return CommuneSummary(mine, None, None, "population d'un quartier inconnue")
    if any(len(area.communes) > 1 for area in qpvs):
        return CommuneSummary(mine, None, None, "un quartier s'étend sur plusieurs communes")
    if commune_population <= 0:
        return CommuneSummary(mine, None, None, "population de la commune inconnue")
    total = sum(area.population or 0 for area in qpvs)
    return CommuneSummary(mine, total, min(1.0, total / commune_population))
