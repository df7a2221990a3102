"""Distance from every cell to the nearest place offering a need.

Exact nearest neighbours, no approximation, on metric coordinates: x/y metres of the
projection for a territory, or 3-D points on the sphere for the whole country
(``sphere_points``), where the straight chord is converted back to the distance
along the Earth's surface.

Plane (the product's case): a compiled bucket-grid search (numba), in two levels.

1. The places are sorted into a coarse uniform grid of square *buckets*, about two
   places per bucket (``BucketGrid``).
2. The cells are sorted (counting sort) into square *tiles* half a bucket wide. For
   each tile, the nearest place to its centre is found by visiting the buckets ring
   by ring around it, stopping as soon as the best distance found is at most the
   distance from the centre to the edge of the rings visited (no place outside can
   be nearer). Every point of the tile then has a place within ``reach`` = that
   distance + half the tile's diagonal, so only places at most ``reach`` from the
   tile can be nearest for one of its points: they are the tile's *candidates*
   (usually a handful). Each cell of the tile compares the candidates alone.

Both levels are exact, and the cells of a tile reuse one candidate list, which is
what makes the search fast: a few distance computations per cell, no tree descent,
no allocation per cell. Tiles are independent, so they can be spread over threads
(``workers``). scipy's ``cKDTree`` is kept for 3-D points and as the reference of
the tests. Measured in docs/benchmarks-coverage.md.

"By road" is estimated as straight-line × a detour factor, 1.3 by default. Road
networks are longer than the straight line by about 20 % in towns (Newell 1980:
about 1.2 for random points in a city; O'Sullivan 1996: 1.21–1.23 around transit
stations) and more in mountains and the countryside (Ballou et al. 2002 measured
national road circuity factors, mostly between 1.2 and 1.4); 1.3 is the middle of
that range for a territory mixing a city and valleys. Walking or transit time
needs a network, which this module does not load.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass, fields

import numba
import numpy as np
from scipy.spatial import cKDTree

DEFAULT_DETOUR_FACTOR = 1.3
EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG), as in aiguillage.places.rules
# Places per bucket on average: fewer buckets mean more distances per bucket, more
# buckets mean more rings to walk before the stop test succeeds (tuned on the bench).
PLACES_PER_BUCKET = 2.0
# Tile width as a share of the bucket width: smaller tiles have fewer candidates but
# each tile costs one ring search (tuned on the bench: 0.25 and 1 are 10–40 % slower).
TILE_SHARE_OF_BUCKET = 0.5
# At most this many tiles per cell, so that cells spread over a huge extent do not
# allocate a huge tile index.
TILES_PER_CELL = 4
# numba's fallback thread pool ("workqueue", used without OpenMP or TBB) aborts the
# process on two parallel launches at once from two Python threads (two analyses
# started together): they take turns.
_PARALLEL_LOCK = threading.Lock()
# Runs of tiles handed to the threads: many more than threads, so that a slow run
# (a dense city) does not leave the other threads idle.
PARALLEL_CHUNKS = 64
HALF_SQRT_2 = math.sqrt(2) / 2


@dataclass(frozen=True)
class NearestResult:
    """For each origin: straight-line distance (m) to the nearest target, and which one.

    Origins with no target at all get ``inf`` and index ``-1``.
    """

    straight_m: np.ndarray
    target_index: np.ndarray
    detour_factor: float = DEFAULT_DETOUR_FACTOR

    @property
    def road_m(self) -> np.ndarray:
        """Estimated distance by road: straight line × detour factor."""
        return self.straight_m * self.detour_factor


def nearest(
    origins: np.ndarray,
    targets: np.ndarray,
    *,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    workers: int = 1,
) -> NearestResult:
    """Exact nearest target of each origin; both are (n, 2) metres or (n, 3) sphere points.

    3-D inputs must come from ``sphere_points``: their chord distances are turned
    into great-circle distances (the nearest by chord is the nearest on the sphere).
    ``workers`` threads share the cells (-1: all cores); the default of one thread
    keeps a shared server responsive.
    """
    origins = np.asarray(origins, dtype=float)
    targets = np.asarray(targets, dtype=float)
    count = len(origins)
    if len(targets) == 0:
        return NearestResult(np.full(count, np.inf), np.full(count, -1), detour_factor)
    if origins.shape[1] == 3:
        # A flat tree builds faster and queries as fast for points spread like people.
        tree = cKDTree(targets, balanced_tree=False, compact_nodes=False)
        distance, index = tree.query(origins, k=1, workers=workers)
        return NearestResult(chord_to_arc_m(distance), index.astype(np.int64), detour_factor)
    grid = BucketGrid.of(targets)
    tiles = CellTiles.of(origins, grid.size * TILE_SHARE_OF_BUCKET)
    distance = np.empty(count)
    index = np.empty(count, dtype=np.int64)
    available = numba.config.NUMBA_NUM_THREADS
    threads = available if workers < 0 else min(workers, available)
    if threads <= 1:
        _search_tiles_serial(tiles.as_tuple(), grid.as_tuple(), distance, index)
    else:
        with _PARALLEL_LOCK:
            numba.set_num_threads(threads)
            _search_tiles_parallel(tiles.as_tuple(), grid.as_tuple(), distance, index)
    return NearestResult(distance, index, detour_factor)


@dataclass(frozen=True)
class BucketGrid:
    """Places sorted by square bucket: bucket ``b`` holds the sorted places
    ``start[b]`` to ``start[b + 1] - 1``; buckets are numbered row by row from (x0, y0)."""

    x0: float
    y0: float
    size: float
    columns: int
    rows: int
    start: np.ndarray
    x: np.ndarray
    y: np.ndarray
    original: np.ndarray  # index in the targets given to ``of``

    @classmethod
    def of(cls, targets: np.ndarray, places_per_bucket: float = PLACES_PER_BUCKET) -> BucketGrid:
        x0, y0 = float(targets[:, 0].min()), float(targets[:, 1].min())
        width, height = float(targets[:, 0].max()) - x0, float(targets[:, 1].max()) - y0
        buckets = max(len(targets) / places_per_bucket, 1.0)
        # The floor on the size keeps places on a line (width or height 0) in few buckets.
        size = max(math.sqrt(width * height / buckets), max(width, height) / buckets, 1.0)
        columns = int(width // size) + 1
        rows = int(height // size) + 1
        column = np.minimum(((targets[:, 0] - x0) // size).astype(np.int64), columns - 1)
        row = np.minimum(((targets[:, 1] - y0) // size).astype(np.int64), rows - 1)
        bucket = row * columns + column
        order = np.argsort(bucket, kind="stable")
        start = np.searchsorted(bucket[order], np.arange(columns * rows + 1)).astype(np.int64)
        return cls(
            x0=x0,
            y0=y0,
            size=float(size),
            columns=columns,
            rows=rows,
            start=start,
            x=np.ascontiguousarray(targets[order, 0]),
            y=np.ascontiguousarray(targets[order, 1]),
            original=order.astype(np.int64),
        )

    def as_tuple(self) -> tuple:
        """The fields in order, as the compiled functions take them."""
        return tuple(getattr(self, item.name) for item in fields(self))


@dataclass(frozen=True)
class CellTiles:
    """Cells sorted by square tile: tile ``t`` holds cells ``order[start[t]:start[t + 1]]``."""

    x0: float
    y0: float
    size: float
    columns: int
    occupied: np.ndarray  # numbers of the tiles holding at least one cell
    start: np.ndarray
    order: np.ndarray
    x: np.ndarray
    y: np.ndarray

    @classmethod
    def of(cls, origins: np.ndarray, size: float) -> CellTiles:
        # Reductions over a contiguous column: along axis 0 of an (n, 2) array they are
        # 50 times slower, as slow as the whole search.
        x = np.ascontiguousarray(origins[:, 0])
        y = np.ascontiguousarray(origins[:, 1])
        x0, y0 = float(x.min()), float(y.min())
        width, height = float(x.max()) - x0, float(y.max()) - y0
        most = TILES_PER_CELL * len(origins) + 16
        if (width // size + 1) * (height // size + 1) > most:
            size = max(math.sqrt(width * height / most), max(width, height) / most) * 1.01
        columns = int(width // size) + 1
        rows = int(height // size) + 1
        start, order = _sort_by_tile(x, y, x0, y0, float(size), columns, rows)
        occupied = np.flatnonzero(start[1:] != start[:-1])
        return cls(x0, y0, float(size), columns, occupied, start, order, x, y)

    def as_tuple(self) -> tuple:
        """The fields in order, as the compiled functions take them."""
        return tuple(getattr(self, item.name) for item in fields(self))


@numba.njit(cache=True, nogil=True)
def _sort_by_tile(ox, oy, x0, y0, size, columns, rows):
    """Counting sort of the cells by tile (linear time): (start of each tile, cell order)."""
    tile = np.empty(len(ox), np.int64)
    start = np.zeros(columns * rows + 1, np.int64)
    # Offsets are never negative, so truncation is the floor, and much cheaper than //.
    # A cell that rounding puts in the next tile is still within that tile's reach.
    per_metre = 1.0 / size
    for i in range(len(ox)):
        column = min(int((ox[i] - x0) * per_metre), columns - 1)
        row = min(int((oy[i] - y0) * per_metre), rows - 1)
        tile[i] = row * columns + column
        start[tile[i] + 1] += 1
    for t in range(columns * rows):
        start[t + 1] += start[t]
    fill = start[:-1].copy()
    order = np.empty(len(ox), np.int64)
    for i in range(len(ox)):
        order[fill[tile[i]]] = i
        fill[tile[i]] += 1
    return start, order


@numba.njit(cache=True, nogil=True, inline="always")
def _scan_bucket(px, py, grid, column, row, best, best_at):
    """Places of one bucket closer than ``best`` (squared metres): (best, sorted index)."""
    x0, y0, size, columns, _, start, x, y, _ = grid
    # Skip the bucket when even its nearest edge is farther than the best place found.
    left, bottom = x0 + column * size, y0 + row * size
    gap_x = max(left - px, 0.0, px - (left + size))
    gap_y = max(bottom - py, 0.0, py - (bottom + size))
    if gap_x * gap_x + gap_y * gap_y > best:
        return best, best_at
    bucket = row * columns + column
    for k in range(start[bucket], start[bucket + 1]):
        dx, dy = x[k] - px, y[k] - py
        d2 = dx * dx + dy * dy
        if d2 < best:
            best, best_at = d2, k
    return best, best_at


@numba.njit(cache=True, nogil=True)
def _search_one(px, py, grid):
    """Nearest place of one point, ring by ring: (squared distance, sorted index)."""
    x0, y0, size, columns, rows, _, _, _, _ = grid
    column = int(math.floor((px - x0) / size))
    row = int(math.floor((py - y0) / size))
    # Rings closer to the point than the grid are empty: start at the first that touches it.
    ring = max(0, -column, column - (columns - 1), -row, row - (rows - 1))
    last_ring = max(column, columns - 1 - column, row, rows - 1 - row)
    best, best_at = np.inf, -1
    while ring <= last_ring:
        left, right, bottom, top = column - ring, column + ring, row - ring, row + ring
        # Bottom and top rows of the ring, whole (ring 0 is a single bucket).
        for side in range(2 if ring > 0 else 1):
            ring_row = bottom if side == 0 else top
            if 0 <= ring_row < rows:
                for ring_column in range(max(left, 0), min(right, columns - 1) + 1):
                    best, best_at = _scan_bucket(px, py, grid, ring_column, ring_row, best, best_at)
        # Left and right columns, without their corners (already seen).
        for side in range(2 if ring > 0 else 0):
            ring_column = left if side == 0 else right
            if 0 <= ring_column < columns:
                for ring_row in range(max(bottom + 1, 0), min(top - 1, rows - 1) + 1):
                    best, best_at = _scan_bucket(px, py, grid, ring_column, ring_row, best, best_at)
        # Every place not seen yet lies outside the block of rings 0..ring.
        margin = min(
            px - (x0 + left * size),
            x0 + (right + 1) * size - px,
            py - (y0 + bottom * size),
            y0 + (top + 1) * size - py,
        )
        if best <= margin * margin:
            break
        ring += 1
    return best, best_at


@numba.njit(cache=True, nogil=True, inline="always")
def _search_tile(t, tiles, grid, out_d, out_i, candidates):
    """Nearest place of every cell of tile ``t`` (see the module docstring)."""
    tx0, ty0, tile_size, tile_columns, _, start, order, ox, oy = tiles
    x0, y0, size, columns, rows, bucket_start, x, y, original = grid
    qx = tx0 + (t % tile_columns) * tile_size
    qy = ty0 + (t // tile_columns) * tile_size
    centre, _ = _search_one(qx + tile_size / 2, qy + tile_size / 2, grid)
    # A hair of slack so that rounding never drops the nearest place at the limit.
    reach = (math.sqrt(centre) + tile_size * HALF_SQRT_2) * (1 + 1e-9) + 1e-6
    first_column = max(int(math.floor((qx - reach - x0) / size)), 0)
    last_column = min(int(math.floor((qx + tile_size + reach - x0) / size)), columns - 1)
    first_row = max(int(math.floor((qy - reach - y0) / size)), 0)
    last_row = min(int(math.floor((qy + tile_size + reach - y0) / size)), rows - 1)
    count = 0
    for row in range(first_row, last_row + 1):
        for column in range(first_column, last_column + 1):
            bucket = row * columns + column
            for k in range(bucket_start[bucket], bucket_start[bucket + 1]):
                gap_x = max(qx - x[k], 0.0, x[k] - (qx + tile_size))
                gap_y = max(qy - y[k], 0.0, y[k] - (qy + tile_size))
                if gap_x * gap_x + gap_y * gap_y <= reach * reach:
                    candidates[count] = k
                    count += 1
    _nearest_candidate(
        start[t], start[t + 1], order, ox, oy, x, y, original, candidates, count, out_d, out_i
    )


@numba.njit(cache=True, nogil=True)
def _nearest_candidate(first, last, order, ox, oy, x, y, original, candidates, count, out_d, out_i):
    for position in range(first, last):
        i = order[position]
        px, py = ox[i], oy[i]
        best, best_at = np.inf, -1
        for m in range(count):
            k = candidates[m]
            dx, dy = x[k] - px, y[k] - py
            d2 = dx * dx + dy * dy
            if d2 < best:
                best, best_at = d2, k
        out_d[i] = math.sqrt(best)
        out_i[i] = original[best_at]


@numba.njit(cache=True, nogil=True)
def _search_tiles_serial(tiles, grid, out_d, out_i):
    candidates = np.empty(len(grid[6]), np.int64)
    for t in tiles[4]:
        _search_tile(t, tiles, grid, out_d, out_i, candidates)


@numba.njit(cache=True, nogil=True, parallel=True)
def _search_tiles_parallel(tiles, grid, out_d, out_i):
    occupied = tiles[4]
    # Contiguous runs of tiles per chunk: threads then write far apart in memory.
    chunks = min(len(occupied), PARALLEL_CHUNKS)
    for chunk in numba.prange(chunks):
        candidates = np.empty(len(grid[6]), np.int64)
        for j in range(chunk * len(occupied) // chunks, (chunk + 1) * len(occupied) // chunks):
            _search_tile(occupied[j], tiles, grid, out_d, out_i, candidates)


def nearest_by_need(
    origins: np.ndarray,
    place_xy: np.ndarray,
    place_masks: np.ndarray,
    needs: Mapping[str, int],
    *,
    place_filter: np.ndarray | None = None,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    workers: int = 1,
) -> dict[str, NearestResult]:
    """Nearest place for each need: among places whose service mask has the need's bit.

    ``needs`` maps a need code to its bit (``rules.SERVICE_BITS``); ``place_filter``
    (booleans) keeps only some places, e.g. those open in a time window. Target
    indices refer to the full ``place_xy`` array.
    """
    masks = np.asarray(place_masks, dtype=np.int64)
    allowed = np.ones(len(masks), dtype=bool) if place_filter is None else place_filter
    results: dict[str, NearestResult] = {}
    for need, bit in needs.items():
        chosen = np.flatnonzero(allowed & ((masks & bit) != 0))
        found = nearest(origins, place_xy[chosen], detour_factor=detour_factor, workers=workers)
        index = chosen[found.target_index] if len(chosen) else found.target_index
        results[need] = NearestResult(found.straight_m, index, detour_factor)
    return results


def sphere_points(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """(n, 3) points on a sphere of the Earth's mean radius, for national-scale searches."""
    phi = np.radians(np.asarray(latitude, dtype=float))
    lam = np.radians(np.asarray(longitude, dtype=float))
    cos_phi = np.cos(phi)
    return EARTH_RADIUS_M * np.column_stack(
        [cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)]
    )


def chord_to_arc_m(chord_m: np.ndarray) -> np.ndarray:
    """Great-circle distance for a straight chord through the sphere (same order)."""
    ratio = np.clip(np.asarray(chord_m) / (2 * EARTH_RADIUS_M), 0.0, 1.0)
    return 2 * EARTH_RADIUS_M * np.arcsin(ratio)
