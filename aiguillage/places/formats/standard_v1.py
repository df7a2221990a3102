"""Standard « lieux de médiation numérique » v1.0.2: CSV ("|" between values) or JSON.

The reader is lenient by default (it repairs what it can and says so); ``strict=True`` turns
every repair into a rejection, to tell a producer exactly what to fix in their file.
"""

from __future__ import annotations

from aiguillage.places.formats.common import CHOICES, RowCheck, one_line, split_values, text
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
        values = split_values(raw.get(field_name))
        known = _split_old_values(check, field_name, values, old_values)
        setattr(record, field_name, check.choices(field_name, known))
    apply_mapped(record, old_values)
    return record


def _split_old_values(
    check: RowCheck, field_name: str, values: list[str], old_values: dict[str, list[str]]
) -> list[str]:
    """Values to check against v1; v0 values (still common in hub files) are converted."""
    v0_field = V0_FIELD_OF.get(field_name)
    if v0_field is None:
        return values
    choices = CHOICES[field_name]
    kept = []
    for value in values:
        targets = None if choices.get(value) else v0_targets(v0_field, value)
        if not targets:
            kept.append(value)
            continue
        check.warn(f"valeur de l'ancienne version du standard « {value} » convertie")
        for target_field, target in targets:
            old_values.setdefault(target_field, []).append(target)
    return kept
