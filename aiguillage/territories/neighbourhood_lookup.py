"""Priority neighbourhoods from the database, for any app (places, statistics…).

``neighbourhood_status(lat, lon)`` answers for one point (the indexed bounding-box columns
narrow the rows, then ``territories.neighbourhoods`` decides); ``index_for_territory`` loads a
territory's neighbourhoods once for many points. Both return the pure rules' types.
"""

from __future__ import annotations

from aiguillage.territories.models import PriorityNeighbourhood, Territory
from aiguillage.territories.neighbourhoods import (
    NEAR_DISTANCE_M,
    Area,
    NeighbourhoodIndex,
    Status,
    margin_degrees,
)


def area_of(neighbourhood: PriorityNeighbourhood, communes: tuple[str, ...] = ()) -> Area:
    return Area(
        code=neighbourhood.code,
        name=neighbourhood.name,
        kind=neighbourhood.kind,
        geometry=neighbourhood.geometry,
        population=neighbourhood.population,
        communes=communes,
        key=neighbourhood.pk,
        is_demo=neighbourhood.is_demo,
    )


def _areas(queryset) -> list[Area]:
    rows = list(queryset.prefetch_related("communes"))
    return [area_of(n, tuple(sorted(c.insee_code for c in n.communes.all()))) for n in rows]


def neighbourhoods_for_point(
    latitude: float, longitude: float, near_m: float = NEAR_DISTANCE_M
) -> list[Area]:
    """The neighbourhoods whose bounding box is within ``near_m`` of the point (prefilter)."""
    dlat, dlon = margin_degrees(latitude, near_m)
    queryset = PriorityNeighbourhood.objects.in_box(
        latitude - dlat, longitude - dlon, latitude + dlat, longitude + dlon
    )
    return _areas(queryset)


def neighbourhood_status(
    latitude: float | None, longitude: float | None, near_m: float = NEAR_DISTANCE_M
) -> Status:
    """« En QPV » / « à proximité » for one point; an empty status without coordinates."""
    if latitude is None or longitude is None:
        return Status()
    areas = neighbourhoods_for_point(latitude, longitude, near_m)
    if not areas:
        return Status()
    return NeighbourhoodIndex(areas, near_m=near_m).status(latitude, longitude)


def territory_areas(territory: Territory) -> list[Area]:
    """The national QPVs of the territory's communes and its own quartiers de veille."""
    return _areas(PriorityNeighbourhood.objects.for_territory(territory))


def index_for_territory(
    territory: Territory, near_m: float = NEAR_DISTANCE_M
) -> NeighbourhoodIndex:
    return NeighbourhoodIndex(territory_areas(territory), near_m=near_m)
