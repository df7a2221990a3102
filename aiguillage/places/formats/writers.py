"""Writing places: the national standard v1.0.2 CSV and a GeoJSON FeatureCollection.

The CSV must validate against the real schema.json, defects included, so that anyone can
check our open data with the official validator (tests do exactly that).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TextIO

from aiguillage.csv_cells import safe_dict
from aiguillage.places.formats.common import (
    CHOICES,
    INSEE_CODE,
    PHONE_STANDARD,
    PIVOT,
    RESUME_MAX_LENGTH,
)
from aiguillage.places.formats.records import PlaceRecord
from aiguillage.places.vocabulary import (
    FORMATIONS_LABELS_ALIASES,
    MULTI_VALUE_SEPARATOR,
    MULTI_VALUED_FIELDS,
    STANDARD_FIELDS,
)

IdFunction = Callable[[PlaceRecord], str]

# `pivot` is required by the schema (^[a-zA-Z0-9]{9,14}$) but many places have no SIRET or
# RNA: the ANCT exports already write fourteen zeros for "unknown", and our readers read it
# back as "" — the same convention both ways.
PIVOT_PLACEHOLDER = "00000000000000"
# The schema's regex spells this label without the space its documentation has; we store
# the documented spelling and write the one that validates.
_SCHEMA_SPELLING = {label: alias for alias, label in FORMATIONS_LABELS_ALIASES.items()}


def default_id(record: PlaceRecord) -> str:
    return record.source_id


def format_number(value: float | None) -> str:
    """A coordinate with "." and no exponent (1e-05 is not a valid CSV number everywhere)."""
    if value is None:
        return ""
    return f"{value:.8f}".rstrip("0").rstrip(".")


def truncate_resume(value: str) -> str:
    if len(value) <= RESUME_MAX_LENGTH:
        return value
    return value[: RESUME_MAX_LENGTH - 1].rstrip() + "…"


def standard_row(record: PlaceRecord, *, place_id: str, default_date: date) -> dict[str, str]:
    """The 32 columns of one place; optional values that would not validate are left empty,
    and enumerations keep only standard values (our own services never leak into them)."""
    row = {
        "id": place_id,
        "pivot": record.pivot if PIVOT.match(record.pivot) else PIVOT_PLACEHOLDER,
        "nom": record.nom,
        "commune": record.commune,
        "code_postal": record.code_postal,
        "code_insee": record.code_insee if INSEE_CODE.match(record.code_insee) else "",
        "adresse": record.adresse,
        "complement_adresse": record.complement_adresse,
        "latitude": format_number(record.latitude),
        "longitude": format_number(record.longitude),
        "telephone": record.telephone if PHONE_STANDARD.match(record.telephone) else "",
        "horaires": record.horaires,
        "presentation_resume": truncate_resume(record.presentation_resume),
        "presentation_detail": record.presentation_detail,
        "source": record.source,
        "structure_parente": record.structure_parente,
        "date_maj": (record.date_maj or default_date).isoformat(),
        "autres_formations_labels": record.autres_formations_labels,
        "fiche_acces_libre": record.fiche_acces_libre,
        "prise_rdv": record.prise_rdv,
    }
    for field_name in MULTI_VALUED_FIELDS:
        values = getattr(record, field_name)
        choices = CHOICES.get(field_name)
        if choices is not None:
            values = [value for value in values if choices.get(value) == value]
        if field_name == "formations_labels":
            values = [_SCHEMA_SPELLING.get(value, value) for value in values]
        row[field_name] = MULTI_VALUE_SEPARATOR.join(values)
    return row


def write_standard_csv(
    records: Iterable[PlaceRecord],
    out: TextIO,
    *,
    ids: IdFunction | None = None,
    default_date: date | None = None,
) -> int:
    """Writes the standard v1.0.2 CSV (all columns, in order); returns the number of places.

    ``ids`` gives the `id` column (default: the record's source_id). ``default_date`` fills
    the required `date_maj` of records without one (default: today).
    """
    place_id = ids or default_id
    fallback_date = default_date or date.today()
    writer = csv.DictWriter(out, fieldnames=STANDARD_FIELDS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for record in records:
        row = safe_dict(standard_row(record, place_id=place_id(record), default_date=fallback_date))
        # The apostrophe that neutralises a formula must not push the résumé past its limit.
        row["presentation_resume"] = truncate_resume(row["presentation_resume"])
        writer.writerow(row)
        count += 1
    return count


@dataclass(frozen=True, slots=True)
class GeoJSONCounts:
    written: int
    skipped_without_coordinates: int


def write_geojson(
    records: Iterable[PlaceRecord], out: TextIO, *, ids: IdFunction | None = None
) -> GeoJSONCounts:
    """Writes a FeatureCollection of points; places without coordinates are skipped and
    counted. Properties are the standard's fields, multi-valued ones as JSON lists."""
    place_id = ids or default_id
    written = skipped = 0
    out.write('{"type": "FeatureCollection", "features": [')
    for record in records:
        if record.latitude is None or record.longitude is None:
            skipped += 1
            continue
        properties: dict[str, object] = {"id": place_id(record)}
        for field_name in STANDARD_FIELDS[1:]:
            value = getattr(record, field_name)
            properties[field_name] = value.isoformat() if isinstance(value, date) else value
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [record.longitude, record.latitude]},
            "properties": properties,
        }
        out.write(("\n" if not written else ",\n") + json.dumps(feature, ensure_ascii=False))
        written += 1
    out.write("\n]}\n")
    return GeoJSONCounts(written=written, skipped_without_coordinates=skipped)
