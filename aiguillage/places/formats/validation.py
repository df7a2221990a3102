"""Checking a CSV against the national standard v1.0.2, with messages in French.

The Table Schema is built here from ``vocabulary`` (same fields, types and constraints as the
official schema.json, which lives outside the repository), so the product can check files
without the shared folder; tests compare our files with the real schema too. On top of the
schema, ``horaires`` must parse as OpenStreetMap opening hours, as the standard asks.
"""

from __future__ import annotations

import re
from pathlib import Path

import frictionless

from aiguillage.places import vocabulary
from aiguillage.places.formats.common import INSEE_CODE, PHONE_STANDARD, PIVOT, POSTAL_CODE
from aiguillage.places.formats.files import load
from aiguillage.places.formats.hours import is_valid_osm_hours
from aiguillage.places.formats.records import FormatError

_ENUMERATIONS: dict[str, tuple[str, ...]] = {
    "itinerance": vocabulary.ITINERANCE,
    "services": vocabulary.SERVICES,
    "publics_specifiquement_adresses": vocabulary.PUBLICS_SPECIFIQUEMENT_ADRESSES,
    "prise_en_charge_specifique": vocabulary.PRISE_EN_CHARGE_SPECIFIQUE,
    "frais_a_charge": vocabulary.FRAIS_A_CHARGE,
    "dispositif_programmes_nationaux": vocabulary.DISPOSITIF_PROGRAMMES_NATIONAUX,
    # Both spellings of « Étapes numériques (La Poste) »: the schema's and the documented one.
    "formations_labels": (*vocabulary.FORMATIONS_LABELS, *vocabulary.FORMATIONS_LABELS_ALIASES),
    "modalites_acces": vocabulary.MODALITES_ACCES,
    "modalites_accompagnement": vocabulary.MODALITES_ACCOMPAGNEMENT,
}
_CONSTRAINTS: dict[str, dict[str, object]] = {
    "id": {"required": True, "unique": True},
    "pivot": {"required": True, "pattern": PIVOT.pattern},
    "nom": {"required": True},
    "commune": {"required": True},
    "code_postal": {"required": True, "pattern": POSTAL_CODE.pattern},
    "code_insee": {"pattern": INSEE_CODE.pattern},
    "adresse": {"required": True},
    "telephone": {"pattern": PHONE_STANDARD.pattern},
    "presentation_resume": {"maxLength": 280},
    "date_maj": {"required": True},
}
_TYPES = {"latitude": "number", "longitude": "number", "date_maj": "date"}
_CONSTRAINT_NAMES = {
    "required": "valeur obligatoire absente",
    "unique": "valeur déjà présente sur une autre ligne",
    "pattern": "format non conforme",
    "maxLength": "texte trop long",
}
_TYPE_NAMES = {"number": "un nombre (avec un point décimal)", "date": "une date AAAA-MM-JJ"}
_CONSTRAINT_IN_NOTE = re.compile(r'constraint "(\w+)"')


_REGEX_SPECIALS = re.compile(r"([()\[\]{}.*+?^$|\\])")


def _multi_value_pattern(values: tuple[str, ...]) -> str:
    """The schema's shape for "|"-separated values from a list."""
    escaped = (_REGEX_SPECIALS.sub(r"\\\1", value) for value in values)
    return r"(?:(?:^|\|)(" + "|".join(escaped) + r"))+$"


def standard_schema() -> frictionless.Schema:
    """The v1.0.2 Table Schema, built from our vocabulary module."""
    fields = []
    for name in vocabulary.STANDARD_FIELDS:
        constraints = dict(_CONSTRAINTS.get(name, {}))
        if name in _ENUMERATIONS:
            constraints["pattern"] = _multi_value_pattern(_ENUMERATIONS[name])
        fields.append(
            {"name": name, "type": _TYPES.get(name, "string"), "constraints": constraints}
        )
    return frictionless.Schema.from_descriptor({"fields": fields, "primaryKey": "id"})


def validate_standard_csv(path: Path) -> list[str]:
    """French problems of a file that claims to follow the standard v1.0.2; [] when valid."""
    path = Path(path)
    try:
        loaded = load(path)
    except FormatError as error:
        return [str(error)]
    if loaded.kind != "csv":
        return ["le standard attend un fichier CSV"]
    if loaded.warnings:
        return ["le fichier doit être encodé en UTF-8 (il semble en Windows-1252)"]
    if loaded.delimiter != ",":
        return [f"séparateur « {loaded.delimiter} » : le standard impose la virgule"]
    problems = _header_problems(loaded.header)
    if problems:
        return problems
    # A relative path under basepath: frictionless refuses absolute paths as "not safe".
    resource = frictionless.Resource(
        path=path.name,
        basepath=str(path.parent),
        schema=standard_schema(),
        format="csv",
        encoding="utf-8-sig",
    )
    report = frictionless.validate(resource)
    problems = [_french(error) for task in report.tasks for error in task.errors]
    problems += [_french(error) for error in report.errors]
    for line, raw, _ in loaded.items():
        hours = (raw or {}).get("horaires", "").strip()
        if hours and not is_valid_osm_hours(hours):
            problems.append(
                f"ligne {line}, colonne « horaires » : « {hours} » n'est pas au format "
                "OpenStreetMap (opening_hours)"
            )
    return problems


def _header_problems(header: list[str]) -> list[str]:
    expected = list(vocabulary.STANDARD_FIELDS)
    if header == expected:
        return []
    problems = [f"colonne « {name} » absente" for name in expected if name not in header]
    problems += [
        f"colonne « {name} » inconnue du standard" for name in header if name not in expected
    ]
    if not problems:
        problems.append("colonnes dans le désordre : le standard impose l'ordre de schema.json")
    return problems


def _french(error: frictionless.Error) -> str:
    row = getattr(error, "row_number", None)
    field = getattr(error, "field_name", None)
    cell = getattr(error, "cell", None)
    where = f"ligne {row}" + (f", colonne « {field} »" if field else "") if row else "fichier"
    if error.type == "constraint-error":
        match = _CONSTRAINT_IN_NOTE.search(error.note)
        reason = _CONSTRAINT_NAMES.get(match.group(1), "contrainte non respectée") if match else ""
        shown = f"« {cell} » : " if cell else ""
        return f"{where} : {shown}{reason}"
    if error.type == "type-error":
        field_type = _TYPES.get(field or "", "")
        return f"{where} : « {cell} » n'est pas {_TYPE_NAMES.get(field_type, 'du bon type')}"
    if error.type in {"unique-error", "primary-key"}:
        return f"{where} : identifiant « {cell} » déjà utilisé sur une autre ligne"
    if error.type in {"missing-cell", "extra-cell"}:
        return f"{where} : nombre de cellules différent de celui de l'en-tête"
    if error.type == "blank-row":
        return f"{where} : ligne vide"
    return f"{where} : {error.title} ({error.note})"
