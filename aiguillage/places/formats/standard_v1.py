"""Standard « lieux de médiation numérique » v1.0.2: CSV ("|" between values) or JSON.

The reader is lenient by default (it repairs what it can and says so); ``strict=True`` turns
every repair into a rejection, to tell a producer exactly what to fix in their file.
"""

from __future__ import annotations

from functools import lru_cache

from aiguillage.places.formats.common import (
    CHOICES,
    RowCheck,
    one_line,
    split_values,
    text,
    unique,
)
from aiguillage.places.formats.files import LoadedFile
from aiguillage.places.formats.records import PlaceRecord
from aiguillage.places.formats.standard_v0 import V0_FIELD_OF, apply_mapped, v0_targets

CODE = "lieux-mediation-numerique-v1"
LABEL = "Lieux de médiation numérique, standard v1.0.2"
REQUIRED_COLUMNS = ("id", "nom", "adresse", "code_postal", "commune")
# Columns only v1 has: they tell a v1 file from a v0 one.
SIGNATURE_COLUMNS = frozenset(
    {"courriels", "itinerance", "publics_specifiquement_adresses", "prise_en_charge_specifique",
     "frais_a_charge", "dispositif_programmes_nationaux", "formations_labels",
     "autres_formations_labels", "modalites_acces", "modalites_accompagnement",
     "fiche_acces_libre"}
)  # fmt: skip
DEFAULT_SOURCE = "standard"

_ENUMERATED_FIELDS = (
    "typologie",
    "itinerance",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
)


def convert(raw: dict, check: RowCheck, loaded: LoadedFile) -> PlaceRecord:
    source_id = text(raw.get("id"))
    if not source_id:
        check.error("champ obligatoire « id » vide")
    latitude, longitude = check.coordinates(raw.get("latitude"), raw.get("longitude"))
    record = PlaceRecord(
        source=one_line(raw.get("source")) or DEFAULT_SOURCE,
        source_id=source_id,
        nom=check.required("nom", raw.get("nom")),
        adresse=check.required("adresse", raw.get("adresse")),
        code_postal=check.postal_code(raw.get("code_postal")),
        commune=check.required("commune", raw.get("commune")),
        code_insee=check.insee_code(raw.get("code_insee")),
        complement_adresse=one_line(raw.get("complement_adresse")),
        latitude=latitude,
        longitude=longitude,
        pivot=check.pivot(raw.get("pivot")),
        telephone=check.phone(raw.get("telephone")),
        courriels=check.emails(raw.get("courriels")),
        site_web=check.urls("site web", raw.get("site_web")),
        horaires=check.hours(raw.get("horaires")),
        presentation_resume=text(raw.get("presentation_resume")),
        presentation_detail=text(raw.get("presentation_detail")),
        structure_parente=one_line(raw.get("structure_parente")),
        date_maj=check.update_date(raw.get("date_maj")),
        autres_formations_labels=one_line(raw.get("autres_formations_labels")),
        fiche_acces_libre=check.url("fiche Accès libre", raw.get("fiche_acces_libre")),
        prise_rdv=check.url("prise de rendez-vous", raw.get("prise_rdv")),
    )
    old_values: dict[str, list[str]] = {}
    for field_name in _ENUMERATED_FIELDS:
        labels, warnings, old_pairs = _enumerated(field_name, raw.get(field_name))
        setattr(record, field_name, list(labels))
        check.warnings.extend(warnings)
        for target_field, target in old_pairs:
            old_values.setdefault(target_field, []).append(target)
    apply_mapped(record, old_values)
    return record


_Enumerated = tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]


def _enumerated(field_name: str, cell: object) -> _Enumerated:
    """(standard labels, warnings, v1 pairs of v0 values) of one enumerated cell.

    The same few cells repeat on thousands of rows ("Gratuit", "Accompagnement
    individuel|Dans un atelier"…): text cells are parsed once per process. JSON cells
    (lists, or anything a producer wrote) are parsed each time.
    """
    if cell is None or type(cell) is str:
        return _enumerated_text(field_name, cell)
    return _parse_enumerated(field_name, cell)


@lru_cache(maxsize=8192)
def _enumerated_text(field_name: str, cell: str | None) -> _Enumerated:
    return _parse_enumerated(field_name, cell)


def _parse_enumerated(field_name: str, cell: object) -> _Enumerated:
    """v0 values, still common in hub files, are converted to their v1 fields."""
    choices = CHOICES[field_name]
    v0_field = V0_FIELD_OF.get(field_name)
    warnings: list[str] = []
    old_pairs: list[tuple[str, str]] = []
    labels: list[str] = []
    unknown: list[str] = []
    for value in split_values(cell):
        label = choices.get(value)
        if label is not None:
            labels.append(label)
            continue
        targets = v0_targets(v0_field, value) if v0_field is not None else None
        if targets:
            warnings.append(f"valeur de l'ancienne version du standard « {value} » convertie")
            old_pairs.extend(targets)
        else:
            unknown.append(value)
    # Conversions are reported before unknown values, field by field.
    warnings.extend(
        f"valeur inconnue « {value} » ignorée (champ « {choices.label} »)" for value in unknown
    )
    return tuple(unique(labels)), tuple(warnings), tuple(old_pairs)
