"""A small server-rendered SVG map of outlines (no JavaScript, no tiles).

Coordinates are projected with a local equirectangular projection (longitude × cos of the
middle latitude), which keeps shapes right at the scale of an agglomeration. The map frames
``focus`` (for instance the priority neighbourhoods) with a margin; ``context`` shapes (the
communes) are drawn beneath and cut by the frame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

MAP_WIDTH = 640.0
MIN_SPAN_M = 2_000.0  # never zoom closer than 2 km across


@dataclass(frozen=True)
class MapShape:
    path: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class OutlineMap:
    width: float
    height: float
    focus: list[MapShape]
    context: list[MapShape]
    points: list[tuple[float, float]]
    scale_bar_px: float  # length of 1 km on the map
    font_size: float


def _rings(geometry: BaseGeometry):
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        if polygon.geom_type != "Polygon":
            continue
        yield polygon.exterior.coords
        for interior in polygon.interiors:
            yield interior.coords


def outline_map(
    focus: Sequence[dict],
    context: Sequence[dict] = (),
    points: Sequence[tuple[float, float]] = (),
    width: float = MAP_WIDTH,
) -> OutlineMap | None:
    """Project GeoJSON geometries (WGS84) and (latitude, longitude) points into SVG units."""
    shapes = [shape(geometry) for geometry in focus if geometry]
    if not shapes:
        return None
    west = min(s.bounds[0] for s in shapes)
    south = min(s.bounds[1] for s in shapes)
    east = max(s.bounds[2] for s in shapes)
    north = max(s.bounds[3] for s in shapes)
    cos_lat = math.cos(math.radians((south + north) / 2))
    metres_per_degree = 111_195.0
    span_x = max((east - west) * cos_lat * metres_per_degree, 1.0)
    span_y = max((north - south) * metres_per_degree, 1.0)
    # A 12 % margin around the focus, and never closer than MIN_SPAN_M.
    span = max(span_x, span_y, MIN_SPAN_M / 1.24)
    margin_x = (max(span_x, span * 0.6) * 1.24 - span_x) / 2
    margin_y = (max(span_y, span * 0.6) * 1.24 - span_y) / 2
    frame_w = span_x + 2 * margin_x
    frame_h = span_y + 2 * margin_y
    pixels_per_metre = width / frame_w
    height = round(frame_h * pixels_per_metre, 1)
    left = west * cos_lat * metres_per_degree - margin_x
    top = north * metres_per_degree + margin_y

    def xy(lon: float, lat: float) -> tuple[float, float]:
        x = (lon * cos_lat * metres_per_degree - left) * pixels_per_metre
        y = (top - lat * metres_per_degree) * pixels_per_metre
        return round(x, 1), round(y, 1)

    def to_map(geometry: BaseGeometry) -> MapShape:
        parts = []
        for ring in _rings(geometry):
            coords = [xy(lon, lat) for lon, lat, *_ in ring]
            parts.append("M" + " L".join(f"{x} {y}" for x, y in coords) + " Z")
        point = geometry.representative_point()
        label_x, label_y = xy(point.x, point.y)
        return MapShape(path=" ".join(parts), label_x=label_x, label_y=label_y)

    return OutlineMap(
        width=width,
        height=height,
        focus=[to_map(s) for s in shapes],
        context=[to_map(shape(g)) for g in context if g],
        points=[xy(lon, lat) for lat, lon in points],
        scale_bar_px=round(1000 * pixels_per_metre, 1),
        font_size=round(width / 32, 1),
    )
