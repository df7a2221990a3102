"""Places and priority neighbourhoods (QPV): the badge of a place's page and the counts of
the coordinator's « Quartiers prioritaires » page. The rules are ``territories.neighbourhoods``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from aiguillage.places.models import Place
from aiguillage.territories.models import Territory
from aiguillage.territories.neighbourhood_lookup import neighbourhood_status
from aiguillage.territories.neighbourhoods import NeighbourhoodIndex, Status


@dataclass(frozen=True)
class PlaceNeighbourhood:
    status: Status
    localisable: bool  # False when the place sits at its commune's centre

    @property
    def has_news(self) -> bool:
        return not self.localisable or bool(self.status.label)


def place_neighbourhood(place: Place) -> PlaceNeighbourhood:
    """« En QPV », « à proximité » or nothing; a place placed at its commune's centre cannot be
    placed in a neighbourhood (« non localisable »), rather than guessed."""
    if place.latitude is None or place.longitude is None or place.location_is_approximate:
        return PlaceNeighbourhood(status=Status(), localisable=False)
    return PlaceNeighbourhood(
        status=neighbourhood_status(place.latitude, place.longitude), localisable=True
    )


@dataclass(frozen=True)
class PlaceCounts:
    inside: Counter  # area key → places inside
    near: Counter  # area key → places within the margin, outside
    not_localisable: int


def count_places_by_neighbourhood(territory: Territory, index: NeighbourhoodIndex) -> PlaceCounts:
    """The territory's published places inside each neighbourhood and within its margin."""
    inside: Counter = Counter()
    near: Counter = Counter()
    not_localisable = 0
    rows = (
        Place.objects.published()
        .in_territory(territory)
        .values_list("latitude", "longitude", "location_is_approximate")
    )
    for latitude, longitude, approximate in rows:
        if latitude is None or longitude is None or approximate:
            not_localisable += 1
            continue
        status = index.status(latitude, longitude)
        for area in (status.in_qpv, status.in_veille):
            if area is not None:
                inside[area.key] += 1
        for item in status.near:
            near[item.area.key] += 1
    return PlaceCounts(inside=inside, near=near, not_localisable=not_localisable)
