"""Find places near a point that offer a need, fit the person and are open when they can come.

Nearest-first searches use the in-memory index of ``search_index``: bit masks and
every distance are computed in one vectorised step, then opening hours are checked
in distance order (once per distinct hours text) until ``limit`` places are found,
so the result equals a full scan sorted by distance. Searches without a position
(alphabetical) and counts run in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count

from aiguillage.places import hours, search_index
from aiguillage.places.models import Place, PlaceQuerySet
from aiguillage.places.rules import (
    bounding_box,
    distance_m,
    language_mask,
    service_mask,
    support_mask,
)
from aiguillage.places.search_index import IndexFilter, nearest
from aiguillage.territories.models import Territory

PARIS = ZoneInfo("Europe/Paris")
# Radii of the growing search circle, in metres; the last one covers France and overseas.
SEARCH_RADII_M: tuple[float, ...] = (
    2_000,
    5_000,
    10_000,
    25_000,
    60_000,
    150_000,
    400_000,
    20_050_000,
)
MAX_LIMIT = 200
# How far ahead a person's availability is compared with the places' opening hours.
AVAILABILITY_DAYS = 14


@dataclass
class SearchQuery:
    latitude: float | None = None
    longitude: float | None = None
    services: list[str] = field(default_factory=list)  # codes of vocabulary.SERVICE_CODES
    supports: list[str] = field(default_factory=list)  # labels of PRISE_EN_CHARGE_SPECIFIQUE
    languages: list[str] = field(default_factory=list)  # codes of vocabulary.LANGUAGES
    free: bool = False
    online_booking: bool = False
    open_at: dt.datetime | None = None
    # Open at least once between these two instants (a chosen day and time slot).
    open_between: tuple[dt.datetime, dt.datetime] | None = None
    # A person's availability in OSM syntax (« Sa 09:00-12:00; Tu,Th 17:30-19:00 »): the
    # place must be open at least once when the person is, within AVAILABILITY_DAYS of
    # ``availability_from`` (default: now). Each result then says when (``first_slot``).
    availability: str = ""
    availability_from: dt.datetime | None = None
    territory: Territory | None = None
    max_distance_m: float | None = None
    limit: int = 20
    offset: int = 0


@dataclass
class SearchResult:
    place: Place
    distance_m: float | None
    is_open: bool | None  # at ``open_at`` (or now), None when the hours are unknown
    # First (begin, end) when the place is open and the person available, in the
    # territory's zone; None without an availability in the query.
    first_slot: tuple[dt.datetime, dt.datetime] | None = None


def _filtered(query: SearchQuery) -> PlaceQuerySet:
    places = Place.objects.published()
    if query.territory is not None:
        places = places.in_territory(query.territory)
    places = places.offering_any(service_mask(query.services))
    places = places.with_supports(support_mask(query.supports))
    places = places.speaking_any(language_mask(query.languages))
    if query.free:
        places = places.filter(is_free=True)
    if query.online_booking:
        places = places.filter(has_online_booking=True)
    return places


def _time_fits(horaires: str, query: SearchQuery, tz: ZoneInfo) -> bool:
    if query.open_at is not None and not hours.is_open_at(horaires, query.open_at, tz):
        return False
    if query.open_between is not None:
        start, end = query.open_between
        if not hours.open_during(horaires, start, end, tz):
            return False
    return True


def _has_time_filter(query: SearchQuery) -> bool:
    return query.open_at is not None or query.open_between is not None or bool(query.availability)


class _TimeFilter:
    """Whether hours fit the query's time filters, evaluated once per distinct hours text.

    Many places share the same hours (« Mo-Fr 09:00-12:00,14:00-17:00 »), so a
    search or a count evaluates far fewer expressions than places. With an
    availability, the first common slot is kept for the results.
    """

    def __init__(self, query: SearchQuery, tz: ZoneInfo, now: dt.datetime | None = None) -> None:
        self.query = query
        self.tz = tz
        self.active = _has_time_filter(query)
        self.start = query.availability_from or now or dt.datetime.now(tz=tz)
        self.answers: dict[str, bool] = {}
        self.slots: dict[str, tuple[dt.datetime, dt.datetime] | None] = {}

    def __call__(self, horaires: str) -> bool:
        if not self.active:
            return True
        if horaires not in self.answers:
            fits = _time_fits(horaires, self.query, self.tz)
            if fits and self.query.availability:
                fits = self.slot(horaires) is not None
            self.answers[horaires] = fits
        return self.answers[horaires]

    def slot(self, horaires: str) -> tuple[dt.datetime, dt.datetime] | None:
        if not self.query.availability:
            return None
        if horaires not in self.slots:
            self.slots[horaires] = hours.first_common_slot(
                horaires, self.query.availability, self.start, AVAILABILITY_DAYS, self.tz
            )
        return self.slots[horaires]


def _nearest_ids(
    index: search_index.PlaceIndex, query: SearchQuery, wanted: int, fits: _TimeFilter
) -> list[tuple[int, float]]:
    """(place id, distance) of the ``wanted`` nearest matching places, nearest first."""
    assert query.latitude is not None and query.longitude is not None
    where = IndexFilter(
        territory_id=query.territory.pk if query.territory is not None else None,
        service_mask=service_mask(query.services),
        support_mask=support_mask(query.supports),
        language_mask=language_mask(query.languages),
        free=query.free,
        online_booking=query.online_booking,
    )
    return nearest(
        index,
        query.latitude,
        query.longitude,
        wanted,
        where,
        hours_fit=fits if fits.active else None,
        max_distance_m=query.max_distance_m,
    )


def _alphabetical_ids(query: SearchQuery, wanted: int, fits: _TimeFilter) -> list[tuple[int, None]]:
    rows = _filtered(query).order_by("nom", "id").values_list("id", "horaires")
    if not fits.active:
        return [(place_id, None) for place_id, _ in rows[:wanted]]
    found = []
    for place_id, horaires in rows.iterator(chunk_size=2000):
        if fits(horaires):
            found.append((place_id, None))
            if len(found) >= wanted:
                break
    return found


def search_places(query: SearchQuery, *, now: dt.datetime | None = None) -> list[SearchResult]:
    """Places matching the query, nearest first when a position is given, else by name."""
    tz = query.territory.tz if query.territory is not None else PARIS
    limit = max(1, min(query.limit, MAX_LIMIT))
    wanted = query.offset + limit
    fits = _TimeFilter(query, tz, now)
    nearest_first = query.latitude is not None and query.longitude is not None
    index = None
    for attempt in range(2):
        if nearest_first:
            # The first try ranks with the index as it is, and checks its version with the
            # places it loads: one round trip per search when nothing changed.
            index = search_index.last_index() if attempt == 0 else search_index.current_index()
            ranked = _nearest_ids(index, query, wanted, fits)
        else:
            ranked = _alphabetical_ids(query, wanted, fits)
        ranked = ranked[query.offset : wanted]
        places, version = _load_places([place_id for place_id, _ in ranked])
        if index is None:
            break
        if places and version == index.version and len(places) == len(ranked):
            break
        if not ranked and search_index.read_version() == index.version:
            break  # nothing matches, and the index is current: a true empty result
        # The places changed since the index was built, or one of them was deleted (which
        # the version does not show): rebuild the index and rank again.
        search_index.forget()
    _attach_territories(places, version)
    ranked = [(place_id, distance) for place_id, distance in ranked if place_id in places]
    moment = query.open_at or now or dt.datetime.now(tz=tz)
    results = []
    for place_id, distance in ranked:
        place = places[place_id]
        is_open = hours.is_open_at(place.horaires, moment, tz) if place.horaires else None
        results.append(
            SearchResult(
                place=place,
                distance_m=distance,
                is_open=is_open,
                first_slot=fits.slot(place.horaires),
            )
        )
    return results


@lru_cache(maxsize=64)
def _load_sql(alias: str, count: int) -> str:
    """The statement loading ``count`` places by id with the index version: it depends only
    on the count, so it is compiled once (compiling it took a fifth of the loading)."""
    query = Place.objects.order_by().annotate(**search_index.version_columns())
    return query.filter(pk__in=range(count)).query.sql_with_params()[0]


def _load_places(ids: list[int]) -> tuple[dict[int, Place], tuple | None]:
    """The places of ``ids`` by id, and the index version read with them (None without rows)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}, None
    places = {
        place.pk: place for place in Place.objects.raw(_load_sql(connection.alias, len(ids)), ids)
    }
    first = next(iter(places.values()), None)
    return places, search_index.version_of(first) if first is not None else None


def _attach_territories(places: dict[int, Place], version: tuple | None) -> None:
    """Give each place its territory (results show times in the territory's time zone):
    from the index when it has the version the places were read with, else in one query."""
    known = search_index.territories_at(version)
    missing = {place.territory_id for place in places.values()} - known.keys()
    if missing:
        known = {**known, **Territory.objects.in_bulk(missing)}
    for place in places.values():
        place.territory = known[place.territory_id]


def count_places(query: SearchQuery, *, now: dt.datetime | None = None) -> int:
    """Number of places matching the query, time filters and maximum distance included."""
    places = _filtered(query)
    tz = query.territory.tz if query.territory is not None else PARIS
    fits = _TimeFilter(query, tz, now)
    if query.latitude is not None and query.longitude is not None:
        # search_places only ranks located places when a position is given.
        places = places.filter(latitude__isnull=False)
        if query.max_distance_m is not None:
            return _count_within(places, query, fits)
    if not fits.active:
        return places.count()
    counts = places.values_list("horaires").annotate(n=Count("id")).order_by()
    return sum(n for horaires, n in counts if fits(horaires))


def _count_within(places: PlaceQuerySet, query: SearchQuery, fits: _TimeFilter) -> int:
    assert query.latitude is not None and query.longitude is not None
    assert query.max_distance_m is not None
    box = bounding_box(query.latitude, query.longitude, query.max_distance_m)
    rows = places.in_box(*box).values_list("latitude", "longitude", "horaires")
    return sum(
        1
        for lat, lon, horaires in rows
        if distance_m(query.latitude, query.longitude, lat, lon) <= query.max_distance_m
        and fits(horaires)
    )
