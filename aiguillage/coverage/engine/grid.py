"""Spread each commune's population over its area on a regular grid of square cells.

Distances are then measured from where people live rather than from the commune's
centre, which matters for large communes (mountain, rural). Each cell receives

    population × area(cell ∩ commune) / area(commune)

and the same share of the commune's people in difficulty. A cell on a boundary
between communes is split into one *piece* per commune, so that per-commune sums
are exact; the pieces of a cell share its centre, hence its distances.

Cells are aligned on multiples of the cell size in the projection (Lambert-93 in
metropolitan France), so the same cell has the same identity in every run and
every territory. The spread is uniform over the commune: mountains and fields get
people too. A finer source (INSEE's 200 m population grid « Filosofi carroyé »)
could replace it without changing the output shape.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from aiguillage.coverage.engine.projection import Projection

DEFAULT_CELL_SIZE_M = 200.0
# Pieces smaller than this share of a cell are rounding slivers along cell edges.
SLIVER_SHARE = 1e-6
# Candidate cells examined at once: bounds the memory of the box geometries (~100 MB).
CANDIDATES_PER_BATCH = 500_000


@dataclass(frozen=True)
class CommuneArea:
    """A commune to spread: GeoJSON geometry in WGS84 (lon, lat), population, demand.

    ``latitude``/``longitude`` (its centre) are used only when the geometry is
    missing or unusable: the whole population then sits in the cell of the centre.
    """

    insee: str
    population: float
    people_in_difficulty: float
    geometry: dict | BaseGeometry | None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class PopulationGrid:
    """Cells and commune pieces; all arrays of a level have the same length.

    Cell level (one entry per distinct cell): ``cell_column``, ``cell_row`` (the
    centre is at ``((column + 0.5) × size, (row + 0.5) × size)``), ``cell_x``,
    ``cell_y`` (metres), ``cell_latitude``, ``cell_longitude``.
    Piece level (one entry per cell × commune): ``cell`` (index into the cell
    arrays), ``commune`` (index into ``insee_codes``), ``population``,
    ``people_in_difficulty``, ``area_m2`` (area of the piece).
    """

    cell_size_m: float
    projection: Projection
    insee_codes: tuple[str, ...]
    cell_column: np.ndarray
    cell_row: np.ndarray
    cell_x: np.ndarray
    cell_y: np.ndarray
    cell_latitude: np.ndarray
    cell_longitude: np.ndarray
    cell: np.ndarray
    commune: np.ndarray
    population: np.ndarray
    people_in_difficulty: np.ndarray
    area_m2: np.ndarray
    placed_at_centre: tuple[str, ...]  # communes without a usable contour

    @property
    def cell_count(self) -> int:
        return len(self.cell_x)

    @property
    def piece_count(self) -> int:
        return len(self.cell)

    # Cell coordinates repeated for each piece (one value per piece).
    @property
    def x(self) -> np.ndarray:
        return self.cell_x[self.cell]

    @property
    def y(self) -> np.ndarray:
        return self.cell_y[self.cell]

    @property
    def latitude(self) -> np.ndarray:
        return self.cell_latitude[self.cell]

    @property
    def longitude(self) -> np.ndarray:
        return self.cell_longitude[self.cell]

    def cell_xy(self) -> np.ndarray:
        """(cells, 2) array of cell centres in metres."""
        return np.column_stack([self.cell_x, self.cell_y])

    def per_commune(self, piece_values: np.ndarray) -> np.ndarray:
        """Sum of a piece-level quantity for each commune (in ``insee_codes`` order)."""
        return np.bincount(self.commune, weights=piece_values, minlength=len(self.insee_codes))

    def per_cell(self, piece_values: np.ndarray) -> np.ndarray:
        """Sum of a piece-level quantity for each cell (for a map layer)."""
        return np.bincount(self.cell, weights=piece_values, minlength=self.cell_count)

    def cell_corners_lonlat(self) -> np.ndarray:
        """(cells, 4, 2) longitude/latitude of each cell's corners (SW, SE, NE, NW), for maps."""
        size = self.cell_size_m
        x0 = self.cell_column * size
        y0 = self.cell_row * size
        corners = []
        for dx, dy in ((0, 0), (1, 0), (1, 1), (0, 1)):
            lon, lat = self.projection.inverse(x0 + dx * size, y0 + dy * size)
            corners.append(np.column_stack([lon, lat]))
        return np.stack(corners, axis=1)


def project_geometry(geometry: dict | BaseGeometry, projection: Projection) -> BaseGeometry:
    """A WGS84 (lon, lat) geometry in the projection's metres, repaired if invalid."""
    geom = geometry if isinstance(geometry, BaseGeometry) else shape(geometry)
    projected = shapely.transform(geom, projection.transform_coordinates)
    if projected.is_valid:
        return projected
    # make_valid may return a collection with lines: only surfaces hold people.
    repaired = shapely.make_valid(projected)
    return shapely.union_all(
        [part for part in shapely.get_parts(repaired) if part.geom_type.endswith("Polygon")]
    )


def extent_of(communes: Sequence[CommuneArea]) -> tuple[float, float, float, float]:
    """(south, west, north, east) in degrees of the communes' contours and centres."""
    bounds = []
    for commune in communes:
        if commune.geometry is not None:
            geom = (
                commune.geometry
                if isinstance(commune.geometry, BaseGeometry)
                else shape(commune.geometry)
            )
            if not geom.is_empty:
                west, south, east, north = geom.bounds
                bounds.append((south, west, north, east))
                continue
        if commune.latitude is not None and commune.longitude is not None:
            bounds.append((commune.latitude, commune.longitude) * 2)
    if not bounds:
        raise ValueError("Aucune commune n'a de contour ni de centre : la grille est vide.")
    array = np.array(bounds)
    return (array[:, 0].min(), array[:, 1].min(), array[:, 2].max(), array[:, 3].max())


def build_grid(
    communes: Sequence[CommuneArea],
    *,
    cell_size_m: float = DEFAULT_CELL_SIZE_M,
    projection: Projection | None = None,
) -> PopulationGrid:
    """Spread each commune's population and demand over the cells it overlaps.

    All the geometry work is vectorised (shapely 2): candidate cells are the cells
    of each commune's bounding box; prepared geometries sort them into inside
    (whole cell area, no intersection needed), outside, and boundary cells, and
    only boundary cells are intersected. Per commune, the shares are the piece
    areas divided by their sum, so the pieces add up to the commune's population
    exactly (up to float rounding).
    """
    if cell_size_m <= 0:
        raise ValueError("La taille des cellules doit être positive.")
    projection = projection or Projection.for_extent(*extent_of(communes))
    geometries: list[BaseGeometry | None] = []
    for commune in communes:
        geom = None
        if commune.geometry is not None:
            geom = project_geometry(commune.geometry, projection)
            if geom.is_empty or geom.area <= 0:
                geom = None
        geometries.append(geom)

    with_area = np.array([i for i, geom in enumerate(geometries) if geom is not None], dtype=int)
    piece_commune, piece_col, piece_row, piece_area = _pieces(
        [geometries[index] for index in with_area], cell_size_m
    )
    piece_commune = with_area[piece_commune]

    has_piece = np.bincount(piece_commune, minlength=len(communes)) > 0
    placed_at_centre: list[str] = []
    extra: list[tuple[int, int, int]] = []
    for index in np.flatnonzero(~has_piece):
        commune = communes[index]
        if commune.latitude is None or commune.longitude is None:
            raise ValueError(f"La commune {commune.insee} n'a ni contour utilisable ni centre.")
        x, y = projection.forward(np.array([commune.longitude]), np.array([commune.latitude]))
        extra.append((index, math.floor(x[0] / cell_size_m), math.floor(y[0] / cell_size_m)))
        placed_at_centre.append(commune.insee)
    if extra:
        added = np.array(extra, dtype=np.int64)
        piece_commune = np.concatenate([piece_commune, added[:, 0]])
        piece_col = np.concatenate([piece_col, added[:, 1]])
        piece_row = np.concatenate([piece_row, added[:, 2]])
        piece_area = np.concatenate([piece_area, np.zeros(len(added))])

    share = _shares(piece_commune, piece_area, len(communes))
    population = np.array([commune.population for commune in communes], dtype=float)
    demand = np.array([commune.people_in_difficulty for commune in communes], dtype=float)

    keys = np.column_stack([piece_col, piece_row])
    unique_keys, cell_of_piece = np.unique(keys, axis=0, return_inverse=True)
    cell_column, cell_row = unique_keys[:, 0], unique_keys[:, 1]
    cell_x = (cell_column + 0.5) * cell_size_m
    cell_y = (cell_row + 0.5) * cell_size_m
    cell_lon, cell_lat = projection.inverse(cell_x, cell_y)
    return PopulationGrid(
        cell_size_m=float(cell_size_m),
        projection=projection,
        insee_codes=tuple(commune.insee for commune in communes),
        cell_column=cell_column,
        cell_row=cell_row,
        cell_x=cell_x,
        cell_y=cell_y,
        cell_latitude=cell_lat,
        cell_longitude=cell_lon,
        cell=cell_of_piece.reshape(-1),
        commune=piece_commune,
        population=population[piece_commune] * share,
        people_in_difficulty=demand[piece_commune] * share,
        area_m2=piece_area,
        placed_at_centre=tuple(placed_at_centre),
    )


def _pieces(
    geometries: Sequence[BaseGeometry], size: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(commune index, column, row, area) of every non-empty cell × commune piece."""
    geoms = np.array(list(geometries) or [], dtype=object)
    if len(geoms) == 0:
        return (np.empty(0, dtype=np.int64),) * 3 + (np.empty(0),)
    shapely.prepare(geoms)
    bounds = shapely.bounds(geoms)
    col0 = np.floor(bounds[:, 0] / size).astype(np.int64)
    row0 = np.floor(bounds[:, 1] / size).astype(np.int64)
    widths = np.floor(bounds[:, 2] / size).astype(np.int64) + 1 - col0
    heights = np.floor(bounds[:, 3] / size).astype(np.int64) + 1 - row0
    counts = widths * heights
    ends = np.cumsum(counts)
    results = []
    start = 0
    while start < len(geoms):
        # Communes in order until the batch holds enough candidate cells (at least one).
        first_cell = ends[start] - counts[start]
        stop = max(
            start + 1, int(np.searchsorted(ends, first_cell + CANDIDATES_PER_BATCH, "right"))
        )
        results.append(
            _batch_pieces(geoms, np.arange(start, stop), col0, row0, widths, counts, size)
        )
        start = stop
    owners, columns, rows, areas = zip(*results, strict=True)
    return (
        np.concatenate(owners),
        np.concatenate(columns),
        np.concatenate(rows),
        np.concatenate(areas),
    )


def _batch_pieces(
    geoms: np.ndarray,
    batch: np.ndarray,
    col0: np.ndarray,
    row0: np.ndarray,
    widths: np.ndarray,
    counts: np.ndarray,
    size: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # Every cell of every commune's bounding box, without a Python loop.
    per_commune = counts[batch]
    owner = np.repeat(batch, per_commune)
    offset = np.arange(len(owner)) - np.repeat(np.cumsum(per_commune) - per_commune, per_commune)
    column = col0[owner] + offset % widths[owner]
    row = row0[owner] + offset // widths[owner]
    boxes = shapely.box(column * size, row * size, (column + 1) * size, (row + 1) * size)
    touching = shapely.intersects(geoms[owner], boxes)
    owner, column, row, boxes = owner[touching], column[touching], row[touching], boxes[touching]
    inside = shapely.contains_properly(geoms[owner], boxes)
    area = np.full(len(owner), size * size)
    boundary = ~inside
    area[boundary] = shapely.area(shapely.intersection(boxes[boundary], geoms[owner[boundary]]))
    keep = area > SLIVER_SHARE * size * size
    return owner[keep], column[keep], row[keep], area[keep]


def _shares(piece_commune: np.ndarray, piece_area: np.ndarray, commune_count: int) -> np.ndarray:
    """Share of its commune held by each piece (a commune placed at its centre: 1)."""
    total = np.bincount(piece_commune, weights=piece_area, minlength=commune_count)
    share = np.ones(len(piece_commune))
    has_area = total[piece_commune] > 0
    share[has_area] = piece_area[has_area] / total[piece_commune][has_area]
    return share
