"""Lambert conformal conic projection on the GRS80 ellipsoid, in numpy.

Distances between cells and places are measured on a plane in metres. We do not
depend on PROJ: the Lambert conic formulas are short and public (IGN, « Projection
cartographique conique conforme de Lambert », NTG_71; Snyder, *Map Projections — A
Working Manual*, USGS 1987, §15). Two uses:

- ``LAMBERT_93`` — the official projection of metropolitan France (EPSG:2154):
  scale error under 0.1 % between latitudes 42° and 51°, so a 10 km distance is
  off by less than 10 m;
- ``Projection.for_extent`` — the same cone fitted to a territory elsewhere
  (overseas départements), with its standard parallels at 1/6 and 5/6 of the
  territory's latitude range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

# GRS80 ellipsoid (the one of RGF93, hence of Lambert-93).
SEMI_MAJOR_AXIS_M = 6_378_137.0
FLATTENING = 1 / 298.257222101
ECCENTRICITY = math.sqrt(2 * FLATTENING - FLATTENING**2)

# Metropolitan France with Corsica, generously: where Lambert-93 is the right plane.
METROPOLITAN_BOUNDS = (41.0, -5.8, 51.5, 10.0)  # south, west, north, east


def _conformal_m(phi: float) -> float:
    return math.cos(phi) / math.sqrt(1 - (ECCENTRICITY * math.sin(phi)) ** 2)


def _conformal_t(phi: np.ndarray | float) -> np.ndarray | float:
    sin_phi = np.sin(phi)
    ratio = ((1 - ECCENTRICITY * sin_phi) / (1 + ECCENTRICITY * sin_phi)) ** (ECCENTRICITY / 2)
    return np.tan(np.pi / 4 - np.asarray(phi) / 2) / ratio


@dataclass(frozen=True)
class Projection:
    """A Lambert conformal conic projection with two standard parallels (degrees)."""

    name: str
    parallel_1: float
    parallel_2: float
    origin_latitude: float
    central_meridian: float
    false_easting: float = 0.0
    false_northing: float = 0.0
    # Constants of the cone, derived from the parameters above.
    _n: float = field(init=False, repr=False, compare=False)
    _af: float = field(init=False, repr=False, compare=False)
    _rho0: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        phi1, phi2 = math.radians(self.parallel_1), math.radians(self.parallel_2)
        if abs(phi1 - phi2) < 1e-12:
            # One standard parallel: the cone is tangent there.
            n = math.sin(phi1)
        else:
            n = (math.log(_conformal_m(phi1)) - math.log(_conformal_m(phi2))) / (
                math.log(_conformal_t(phi1)) - math.log(_conformal_t(phi2))
            )
        if abs(n) < 1e-6:
            raise ValueError("Projection de Lambert impossible autour de l'équateur.")
        f = _conformal_m(phi1) / (n * _conformal_t(phi1) ** n)
        rho0 = SEMI_MAJOR_AXIS_M * f * _conformal_t(math.radians(self.origin_latitude)) ** n
        object.__setattr__(self, "_n", n)
        object.__setattr__(self, "_af", SEMI_MAJOR_AXIS_M * f)
        object.__setattr__(self, "_rho0", float(rho0))

    @classmethod
    def for_extent(cls, south: float, west: float, north: float, east: float) -> Projection:
        """Lambert-93 inside metropolitan France, otherwise a cone fitted to the extent."""
        m_south, m_west, m_north, m_east = METROPOLITAN_BOUNDS
        if south >= m_south and north <= m_north and west >= m_west and east <= m_east:
            return LAMBERT_93
        span = north - south
        centre_lat = (south + north) / 2
        return cls(
            name=f"Lambert conique local ({centre_lat:.2f}°, {(west + east) / 2:.2f}°)",
            parallel_1=south + span / 6,
            parallel_2=north - span / 6,
            origin_latitude=centre_lat,
            central_meridian=(west + east) / 2,
        )

    def forward(self, longitude: np.ndarray, latitude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) metres from longitude and latitude in degrees (WGS84 ≈ RGF93)."""
        n, af, rho0 = self._n, self._af, self._rho0
        phi = np.radians(np.asarray(latitude, dtype=float))
        theta = n * np.radians(np.asarray(longitude, dtype=float) - self.central_meridian)
        rho = af * _conformal_t(phi) ** n
        x = self.false_easting + rho * np.sin(theta)
        y = self.false_northing + rho0 - rho * np.cos(theta)
        return x, y

    def inverse(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(longitude, latitude) in degrees from (x, y) metres."""
        n, af, rho0 = self._n, self._af, self._rho0
        dx = np.asarray(x, dtype=float) - self.false_easting
        dy = rho0 - (np.asarray(y, dtype=float) - self.false_northing)
        sign = 1.0 if n > 0 else -1.0
        rho = sign * np.hypot(dx, dy)
        theta = np.arctan2(sign * dx, sign * dy)
        t = (rho / af) ** (1 / n)
        # The latitude has no closed form on the ellipsoid: a fixed-point iteration
        # converges to 1e-12 rad (0.01 mm) in five or six steps in France.
        phi = np.pi / 2 - 2 * np.arctan(t)
        for _ in range(12):
            sin_phi = np.sin(phi)
            ratio = ((1 - ECCENTRICITY * sin_phi) / (1 + ECCENTRICITY * sin_phi)) ** (
                ECCENTRICITY / 2
            )
            updated = np.pi / 2 - 2 * np.arctan(t * ratio)
            done = np.max(np.abs(updated - phi), initial=0.0) < 1e-13
            phi = updated
            if done:
                break
        longitude = np.degrees(theta / n) + self.central_meridian
        return longitude, np.degrees(phi)

    def transform_coordinates(self, coordinates: np.ndarray) -> np.ndarray:
        """Project an (N, 2) array of (longitude, latitude), as ``shapely.transform`` wants."""
        x, y = self.forward(coordinates[:, 0], coordinates[:, 1])
        return np.column_stack([x, y])


LAMBERT_93 = Projection(
    name="Lambert-93 (EPSG:2154)",
    parallel_1=44.0,
    parallel_2=49.0,
    origin_latitude=46.5,
    central_meridian=3.0,
    false_easting=700_000.0,
    false_northing=6_600_000.0,
)
