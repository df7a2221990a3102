"""An in-memory index of the published, located places, for the "nearest" searches.

The database stays the source of truth. The index holds one row per place in
NumPy arrays (position, masks, hours) and is rebuilt when the places change:
its version is the newest ``updated_at`` and the highest id, read in one query
of two index-only lookups before every search. Every write path (actions, imports, merges,
admin) saves ``updated_at``, so a change is seen by the next search.

Filtering by masks and computing every distance is vectorised; opening hours
are then checked in distance order, once per distinct hours text, until enough
places are found.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from django.db import connection

from aiguillage.places.models import Place
from aiguillage.places.rules import EARTH_RADIUS_M

_lock = threading.Lock()
_current: PlaceIndex | None = None


@dataclass(frozen=True)
class PlaceIndex:
    version: tuple
    ids: np.ndarray  # int64, ascending: ties in distance are broken by id
    latitude: np.ndarray  # radians
    longitude: np.ndarray  # radians
    territory: np.ndarray
    service: np.ndarray
    support: np.ndarray
    language: np.ndarray
    free: np.ndarray
    booking: np.ndarray
    hours: np.ndarray  # index into hours_texts
    hours_texts: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.ids)


def _version() -> tuple:
    # One round trip, two index-only lookups (a single MAX per subquery is what both
    # SQLite and PostgreSQL answer from the index).
    table = connection.ops.quote_name(Place._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(updated_at) FROM {table}), (SELECT MAX(id) FROM {table})"
        )
        return tuple(cursor.fetchone())


def _build(version: tuple) -> PlaceIndex:
    rows = list(
        Place.objects.published()
        .filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("id")
        .values_list(
            "id",
            "latitude",
            "longitude",
            "territory_id",
            "service_mask",
            "support_mask",
            "language_mask",
            "is_free",
            "has_online_booking",
            "horaires",
        )
    )
    texts: dict[str, int] = {}
    hours = np.fromiter(
        (texts.setdefault(row[9], len(texts)) for row in rows), dtype=np.int32, count=len(rows)
    )
    columns = list(zip(*rows, strict=True)) if rows else [()] * 10

    def array(position: int, dtype) -> np.ndarray:
        return np.asarray(columns[position], dtype=dtype)

    return PlaceIndex(
        version=version,
        ids=array(0, np.int64),
        latitude=np.radians(array(1, np.float64)),
        longitude=np.radians(array(2, np.float64)),
        territory=array(3, np.int64),
        service=array(4, np.int64),
        support=array(5, np.int64),
        language=array(6, np.int64),
        free=array(7, bool),
        booking=array(8, bool),
        hours=hours,
        hours_texts=tuple(texts),
    )


def forget() -> None:
    """Drop the index: the next search rebuilds it.

    Deleting a place that is neither the newest nor the highest id leaves the version
    unchanged; ``search.search_places`` notices the missing row and calls this.
    """
    global _current
    with _lock:
        _current = None


def current_index() -> PlaceIndex:
    """The index for the places as they are now (rebuilt when they changed)."""
    global _current
    version = _version()
    index = _current
    if index is not None and index.version == version:
        return index
    with _lock:
        if _current is None or _current.version != version:
            _current = _build(version)
        return _current


def haversine_m(
    lat0: float, lon0: float, latitude: np.ndarray, longitude: np.ndarray
) -> np.ndarray:
    """Great-circle distances in metres from one point (degrees) to arrays (radians)."""
    phi0, lambda0 = np.radians(lat0), np.radians(lon0)
    a = (
        np.sin((latitude - phi0) / 2) ** 2
        + np.cos(phi0) * np.cos(latitude) * np.sin((longitude - lambda0) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


@dataclass(frozen=True)
class IndexFilter:
    territory_id: int | None = None
    service_mask: int = 0  # any of
    support_mask: int = 0  # all of
    language_mask: int = 0  # any of
    free: bool = False
    online_booking: bool = False


def nearest(
    index: PlaceIndex,
    latitude: float,
    longitude: float,
    wanted: int,
    where: IndexFilter,
    hours_fit: Callable[[str], bool] | None = None,
    max_distance_m: float | None = None,
) -> list[tuple[int, float]]:
    """(place id, distance in m) of the ``wanted`` nearest places that pass the filters."""
    keep = np.ones(index.size, dtype=bool)
    if where.territory_id is not None:
        keep &= index.territory == where.territory_id
    if where.service_mask:
        keep &= (index.service & where.service_mask) != 0
    if where.support_mask:
        keep &= (index.support & where.support_mask) == where.support_mask
    if where.language_mask:
        keep &= (index.language & where.language_mask) != 0
    if where.free:
        keep &= index.free
    if where.online_booking:
        keep &= index.booking
    candidates = np.flatnonzero(keep)
    distances = haversine_m(
        latitude, longitude, index.latitude[candidates], index.longitude[candidates]
    )
    if max_distance_m is not None:
        within = distances <= max_distance_m
        candidates, distances = candidates[within], distances[within]
    if hours_fit is None:
        order = next(_nearest_first(distances, first=wanted))[:wanted]
        return [(int(index.ids[candidates[i]]), float(distances[i])) for i in order]
    verdicts = np.full(len(index.hours_texts), -1, dtype=np.int8)
    found: list[tuple[int, float]] = []
    for positions in _nearest_first(distances, first=max(256, 4 * wanted)):
        for i in positions:
            position = candidates[i]
            text = index.hours[position]
            if verdicts[text] < 0:
                verdicts[text] = 1 if hours_fit(index.hours_texts[text]) else 0
            if verdicts[text]:
                found.append((int(index.ids[position]), float(distances[i])))
                if len(found) >= wanted:
                    return found
    return found


def _nearest_first(distances: np.ndarray, first: int) -> Iterator[np.ndarray]:
    """Positions of ``distances`` in (distance, position) order, in growing slices.

    Most searches find their places among the first few hundred, so sorting all the
    candidates (60,000 for a common service) would be wasted: each slice is cut with a
    linear-time partition, and only the slice is sorted. Every distance equal to a slice's
    bound goes into that slice, so ties keep the order of a full stable sort.
    """
    size = len(distances)
    lower = -np.inf
    count = first
    while True:
        upper = np.inf if count >= size else np.partition(distances, count - 1)[count - 1]
        chosen = np.flatnonzero((distances > lower) & (distances <= upper))
        yield chosen[np.argsort(distances[chosen], kind="stable")]
        if upper == np.inf:
            return
        lower, count = upper, count * 8
