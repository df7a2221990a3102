"""An in-memory index of the published, located places, for the "nearest" searches.

The database stays the source of truth. The index holds one row per place in
NumPy arrays (position, masks, hours) and is rebuilt when the places change:
its version is the newest ``updated_at`` and the highest id of the places (and the newest
``updated_at`` of the territories), index-only lookups that a search reads together with
the places it loads. Every write path (actions, imports, merges, admin) saves
``updated_at``, so a change is seen by the next search.

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
from django.db.models.expressions import RawSQL

from aiguillage.places.models import Place
from aiguillage.places.rules import EARTH_RADIUS_M
from aiguillage.territories.models import Territory

_lock = threading.Lock()
_current: PlaceIndex | None = None


@dataclass(frozen=True)
class PlaceIndex:
    version: tuple
    ids: np.ndarray  # int64, ascending: ties in distance are broken by id
    latitude: np.ndarray  # radians
    cos_latitude: np.ndarray  # np.cos(latitude), kept for the distances
    longitude: np.ndarray  # radians
    territory: np.ndarray
    service: np.ndarray
    support: np.ndarray
    language: np.ndarray
    free: np.ndarray
    booking: np.ndarray
    hours: np.ndarray  # index into hours_texts
    hours_texts: tuple[str, ...]
    # Every territory, for the places of the results (read-only: shared by all searches).
    territories: dict[int, Territory]

    @property
    def size(self) -> int:
        return len(self.ids)


# The parts of the index's version, as scalar subqueries that a query of places can carry:
# newest place change, highest place id, newest territory change (the index keeps the
# territories that search results point to).
_VERSION_PARTS: dict[str, tuple[str, str]] = {
    "index_version_updated": ("updated_at", Place._meta.db_table),
    "index_version_id": ("id", Place._meta.db_table),
    "index_version_territories": ("updated_at", Territory._meta.db_table),
}


def _version_sql() -> dict[str, str]:
    # A single MAX per subquery is what both SQLite and PostgreSQL answer from an index.
    # As text: the version is only compared, and a search then parses no timestamp.
    quote = connection.ops.quote_name
    return {
        name: f"SELECT CAST(MAX({quote(column)}) AS TEXT) FROM {quote(table)}"
        for name, (column, table) in _VERSION_PARTS.items()
    }


def read_version() -> tuple:
    """The version of the places as they are now (one round trip)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"({sql})" for sql in _version_sql().values()))
        return tuple(cursor.fetchone())


def version_columns() -> dict[str, RawSQL]:
    """Annotations for a query of places: each row then carries the version, read in the
    same snapshot as the row itself (``version_of``). A search checks its index with the
    places it loads anyway, instead of a round trip of its own."""
    return {name: RawSQL(sql, ()) for name, sql in _version_sql().items()}


def version_of(place: Place) -> tuple:
    """The version carried by a place loaded with ``version_columns``."""
    return tuple(getattr(place, name) for name in _VERSION_PARTS)


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

    latitude = np.radians(array(1, np.float64))
    return PlaceIndex(
        version=version,
        ids=array(0, np.int64),
        latitude=latitude,
        cos_latitude=np.cos(latitude),
        longitude=np.radians(array(2, np.float64)),
        territory=array(3, np.int64),
        service=array(4, np.int64),
        support=array(5, np.int64),
        language=array(6, np.int64),
        free=array(7, bool),
        booking=array(8, bool),
        hours=hours,
        hours_texts=tuple(texts),
        territories=Territory.objects.in_bulk(),
    )


def forget() -> None:
    """Drop the index: the next search rebuilds it.

    Deleting a place that is neither the newest nor the highest id leaves the version
    unchanged; ``search.search_places`` notices the missing row and calls this.
    """
    global _current
    with _lock:
        _current = None


def territories_at(version: tuple | None) -> dict[int, Territory]:
    """The territories kept by the index, if it is at ``version``; else nothing."""
    index = _current
    if index is None or version is None or index.version != version:
        return {}
    return index.territories


def last_index() -> PlaceIndex:
    """The index as last built, without asking whether the places changed since.

    For callers that check ``version`` against the one their own query of places returns
    (``version_columns``), and call ``forget`` when they differ."""
    return _current or current_index()


def current_index() -> PlaceIndex:
    """The index for the places as they are now (rebuilt when they changed)."""
    global _current
    version = read_version()
    index = _current
    if index is not None and index.version == version:
        return index
    with _lock:
        if _current is None or _current.version != version:
            _current = _build(version)
        return _current


def haversine_m(
    lat0: float,
    lon0: float,
    latitude: np.ndarray,
    longitude: np.ndarray,
    cos_latitude: np.ndarray | None = None,
) -> np.ndarray:
    """Great-circle distances in metres from one point (degrees) to arrays (radians).

    ``cos_latitude`` is ``np.cos(latitude)`` when the caller keeps it (the index does:
    one trigonometric pass less per search, same values)."""
    phi0, lambda0 = np.radians(lat0), np.radians(lon0)
    if cos_latitude is None:
        cos_latitude = np.cos(latitude)
    a = (
        np.sin((latitude - phi0) / 2) ** 2
        + np.cos(phi0) * cos_latitude * np.sin((longitude - lambda0) / 2) ** 2
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
        latitude,
        longitude,
        index.latitude[candidates],
        index.longitude[candidates],
        index.cos_latitude[candidates],
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
