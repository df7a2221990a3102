"""Read a GeoJSON file of priority neighbourhoods (no ORM): the official national QPV files
of data.gouv.fr (2015 and 2024 generations) and a territory's « quartiers de veille ».

The two official generations name their properties differently (``CODE_QP``/``NOM_QP``/
``COMMUNE_QP`` in 2015, ``code_qp``/``lib_qp``/``insee_com``/``lib_com`` in 2024); keys are
compared without case and both are mapped. Each feature gives a ``NeighbourhoodData`` or a
French problem; unknown properties are reported once per file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

# « QP038001 » (2015 list), « QN03801M » (2024 list); the department may be 2A/2B or 97x.
OFFICIAL_CODE = re.compile(r"^Q[PN][0-9AB]{3}[0-9A-Z]{3}$")
GENERATION_BY_PREFIX = {"QP": 2015, "QN": 2024}
INSEE_CODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")

CODE_KEYS = ("code_qp", "code_quartier", "code")
NAME_KEYS = ("lib_qp", "nom_qp", "nom_quartier", "nom", "name")
COMMUNE_CODE_KEYS = ("insee_com", "code_insee", "insee_code", "code_commune", "code_com")
COMMUNE_NAME_KEYS = ("commune_qp", "lib_com", "nom_com", "commune")
POPULATION_KEYS = ("pop", "population", "pop_muni", "population_municipale")
# Official properties we know and do not need (region, department, EPCI, GIS columns).
IGNORED_KEYS = {
    "insee_reg",
    "lib_reg",
    "nom_reg",
    "insee_dep",
    "lib_dep",
    "nom_dep",
    "code_dep",
    "dep",
    "reg",
    "siren_epci",
    "lib_epci",
    "nom_epci",
    "epci",
    "objectid",
    "id",
    "fid",
    "shape_area",
    "shape_leng",
    "shape_length",
    "surface",
    "annee",
    "source",
}
KNOWN_KEYS = {
    *CODE_KEYS,
    *NAME_KEYS,
    *COMMUNE_CODE_KEYS,
    *COMMUNE_NAME_KEYS,
    *POPULATION_KEYS,
    *IGNORED_KEYS,
}


@dataclass
class NeighbourhoodData:
    code: str
    name: str
    list_year: int
    commune_codes: list[str]
    population: int | None
    geometry: dict
    bbox: tuple[float, float, float, float]  # min lat, max lat, min lon, max lon


@dataclass
class ParsedFile:
    features: list[NeighbourhoodData] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # refused features and file errors
    warnings: list[str] = field(default_factory=list)  # imported, with a remark
    unknown_properties: list[str] = field(default_factory=list)
    skipped_outside: int = 0  # official QPVs of communes not loaded here


class NeighbourhoodFileError(ValueError):
    """The whole file is unreadable (a French message)."""


def _lower_keys(properties: Mapping[str, Any] | None) -> dict[str, Any]:
    return {str(key).lower(): value for key, value in (properties or {}).items()}


def _first(properties: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = properties.get(key)
        if value not in (None, ""):
            return value
    return None


def _codes(value: Any) -> list[str]:
    """« 38185 », « 38185, 38151 », « 38185;38151 » or a JSON list."""
    items = value if isinstance(value, list) else re.split(r"[,;/ ]+", str(value or ""))
    return [str(item).strip().zfill(5) for item in items if str(item).strip()]


def _names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else re.split(r"[,;/]+", str(value or ""))
    return [str(item).strip() for item in items if str(item).strip()]


def _population(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(round(float(str(value).replace(" ", "").replace(",", "."))))
    except ValueError:
        return None
    return number if number >= 0 else None


def _polygonal(geometry: BaseGeometry) -> BaseGeometry | None:
    """Only the polygons of a geometry (``make_valid`` may add lines or points)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [
        g for g in getattr(geometry, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return merged if merged.geom_type in ("Polygon", "MultiPolygon") else None


TOO_FEW_POINTS = "un anneau doit avoir au moins 4 points, le dernier égal au premier"
# GEOS's reasons (``is_valid_reason``), in French; the location is kept as given.
GEOS_REASONS = {
    "Ring Self-intersection": "un anneau se recoupe",
    "Self-intersection": "le contour se recoupe",
    "Too few points in geometry component": TOO_FEW_POINTS,
    "Hole lies outside shell": "un trou sort du contour",
    "Holes are nested": "des trous sont imbriqués",
    "Interior is disconnected": "l'intérieur est coupé en morceaux",
    "Nested shells": "des contours sont imbriqués",
    "Duplicate Rings": "anneaux en double",
    "Invalid Coordinate": "coordonnée invalide",
}


def _french_reason(reason: str) -> str:
    name, _, where = reason.partition("[")
    french = GEOS_REASONS.get(name.strip(), "géométrie invalide")
    if french == TOO_FEW_POINTS:
        return french
    return f"{french} vers {where.rstrip(']')}" if where else french


def read_geometry(raw: Any) -> tuple[BaseGeometry | None, str, str]:
    """(geometry, problem, warning): a valid WGS84 (Multi)Polygon, or why not."""
    if not isinstance(raw, dict) or raw.get("type") not in ("Polygon", "MultiPolygon"):
        kind = raw.get("type") if isinstance(raw, dict) else "aucun"
        return (
            None,
            f"contour absent ou d'un type non accepté ({kind}) : Polygon ou MultiPolygon attendu",
            "",
        )
    try:
        geometry = shape(raw)
    except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.GEOSException):
        return None, f"contour illisible ({TOO_FEW_POINTS})", ""
    if geometry.is_empty:
        return None, "contour vide", ""
    west, south, east, north = geometry.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return (
            None,
            "coordonnées hors longitude/latitude (le fichier est-il en Lambert-93 ? WGS84 attendu)",
            "",
        )
    if geometry.is_valid:
        return geometry, "", ""
    reason = _french_reason(shapely.is_valid_reason(geometry))
    if reason == TOO_FEW_POINTS:
        return None, f"contour illisible ({TOO_FEW_POINTS})", ""
    repaired = _polygonal(shapely.make_valid(geometry))
    if repaired is None or repaired.is_empty or not repaired.is_valid:
        return None, f"contour invalide et non réparable ({reason})", ""
    return repaired, "", f"contour invalide ({reason}) réparé automatiquement : vérifiez-le"


def parse_neighbourhoods(
    text: str | bytes,
    *,
    kind: str,
    known_communes: Mapping[str, str],
    commune_by_name: Callable[[str], str | None],
    list_year: int | None = None,
) -> ParsedFile:
    """Read the features. ``known_communes`` maps INSEE code → name of the communes loaded here
    (or of the territory when a territory lists its own quartiers); ``commune_by_name`` finds a
    commune's code from its name (the 2015 file gives names only)."""
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise NeighbourhoodFileError(
            f"Le fichier n'est pas du GeoJSON lisible : {error}."
        ) from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise NeighbourhoodFileError("Le fichier doit être une « FeatureCollection » GeoJSON.")
    features = document.get("features")
    if not isinstance(features, list):
        raise NeighbourhoodFileError("La « FeatureCollection » n'a pas de liste « features ».")
    parsed = ParsedFile()
    seen: dict[str, int] = {}
    unknown: set[str] = set()
    for number, feature in enumerate(features, start=1):
        _read_feature(
            feature,
            number=number,
            kind=kind,
            list_year=list_year,
            known_communes=known_communes,
            commune_by_name=commune_by_name,
            seen=seen,
            unknown=unknown,
            parsed=parsed,
        )
    parsed.unknown_properties = sorted(unknown)
    if unknown:
        parsed.warnings.append(
            "Propriétés inconnues, ignorées : "
            + ", ".join(f"« {key} »" for key in sorted(unknown))
            + "."
        )
    return parsed


def _read_feature(
    feature, *, number, kind, list_year, known_communes, commune_by_name, seen, unknown, parsed
):
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        parsed.problems.append(f"Élément n° {number} : ce n'est pas une « Feature » GeoJSON.")
        return
    properties = _lower_keys(feature.get("properties"))
    unknown.update(key for key in properties if key not in KNOWN_KEYS)
    code = str(_first(properties, CODE_KEYS) or "").strip().upper()
    name = str(_first(properties, NAME_KEYS) or "").strip()
    label = f"Élément n° {number}" + (f" ({code}{' ' + name if name else ''})" if code else "")
    if not code:
        parsed.problems.append(f"{label} : pas de code de quartier (« code_qp »), ignoré.")
        return
    if len(code) > 20:
        parsed.problems.append(f"{label} : code trop long (20 caractères au plus), ignoré.")
        return
    year = list_year
    if kind == "qpv":
        if not OFFICIAL_CODE.match(code):
            parsed.problems.append(
                f"{label} : code « {code} » qui n'est pas un code QPV officiel "
                "(« QP038001 » en 2015, « QN03801M » en 2024), ignoré."
            )
            return
        year = GENERATION_BY_PREFIX[code[:2]]
    if code in seen:
        parsed.problems.append(
            f"{label} : code déjà présent à l'élément n° {seen[code]} du fichier, ignoré."
        )
        return
    seen[code] = number
    if not name:
        parsed.problems.append(
            f"{label} : pas de nom de quartier (« lib_qp » ou « nom_qp »), ignoré."
        )
        return
    communes, missing, problem = _communes(properties, known_communes, commune_by_name)
    if problem:
        parsed.problems.append(f"{label} : {problem}, ignoré.")
        return
    if not communes:
        if kind == "qpv":
            parsed.skipped_outside += 1  # a QPV of another part of France
            return
        parsed.problems.append(
            f"{label} : commune « {', '.join(missing)} » inconnue dans ce territoire, ignoré."
        )
        return
    geometry, problem, warning = read_geometry(feature.get("geometry"))
    if geometry is None:
        parsed.problems.append(f"{label} : {problem}, ignoré.")
        return
    if warning:
        parsed.warnings.append(f"{label} : {warning}.")
    west, south, east, north = geometry.bounds
    parsed.features.append(
        NeighbourhoodData(
            code=code,
            name=name[:200],
            list_year=year or 2024,
            commune_codes=communes,
            population=_population(_first(properties, POPULATION_KEYS)),
            geometry=mapping(geometry),
            bbox=(south, north, west, east),
        )
    )


def _communes(
    properties: dict[str, Any],
    known_communes: Mapping[str, str],
    commune_by_name: Callable[[str], str | None],
) -> tuple[list[str], list[str], str]:
    """(communes loaded here, communes unknown here, problem).

    A QPV whose communes are all unknown belongs to another part of France (the national file
    covers every commune): it is skipped. One with some communes known and others unknown is
    refused, so that a QPV is never stored with part of its communes."""
    raw_codes = _codes(_first(properties, COMMUNE_CODE_KEYS))
    if raw_codes:
        malformed = [code for code in raw_codes if not INSEE_CODE.match(code)]
        if malformed:
            return [], [], f"code commune « {', '.join(malformed)} » mal formé (code INSEE attendu)"
        known = [code for code in raw_codes if code in known_communes]
        missing = [code for code in raw_codes if code not in known_communes]
    else:
        names = _names(_first(properties, COMMUNE_NAME_KEYS))
        if not names:
            return [], [], "ni code INSEE (« insee_com ») ni nom de commune (« commune_qp »)"
        found = {name: commune_by_name(name) for name in names}
        known = [code for code in found.values() if code]
        missing = [name for name, code in found.items() if code is None]
    if known and missing:
        return [], missing, f"commune « {', '.join(missing)} » inconnue ici (les autres le sont)"
    return known, missing, ""
