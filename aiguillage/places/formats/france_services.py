"""National list of France Services (ANCT open data, CSV, one column of hours per weekday).

What every France Services offers comes from its charter, not from the file: free, individual
help with administrative procedures, walk-in.
"""

from __future__ import annotations

from aiguillage.places.formats.common import RowCheck, fold, one_line, text
from aiguillage.places.formats.files import LoadedFile
from aiguillage.places.formats.hours import (
    FRENCH_DAYS,
    is_valid_osm_hours,
    parse_day_text,
    week_to_osm,
)
from aiguillage.places.formats.records import PlaceRecord

CODE = "france-services"
LABEL = "France Services (liste nationale ANCT)"
SOURCE = "france-services"
REQUIRED_COLUMNS = ("id_fs", "lib_fs", "adresse", "code_postal", "lib_com")
SIGNATURE_COLUMNS = frozenset({"id_fs", "lib_fs", "h_lundi"})
DAY_COLUMNS = (
    "h_lundi",
    "h_mardi",
    "h_mercredi",
    "h_jeudi",
    "h_vendredi",
    "h_samedi",
    "h_dimanche",
)
# "Bus_équivalent" and "Itinérante" travel between communes; "Multisites" have fixed sites.
_TRAVELLING_FORMATS = frozenset({"itinerante", "bus_equivalent", "bus"})


def hours_from_columns(raw: dict, check: RowCheck) -> str:
    """OSM hours from the h_lundi…h_samedi texts; "" with a warning if one day is unreadable."""
    week = {}
    for index, column in enumerate(DAY_COLUMNS):
        cell = text(raw.get(column))
        intervals = parse_day_text(cell)
        if intervals is None:
            check.warn(f"horaires du {FRENCH_DAYS[index]} illisibles « {cell} » : horaires retirés")
            return ""
        week[index] = intervals
    osm = week_to_osm(week)
    if osm and not is_valid_osm_hours(osm):  # a converter bug must not reach the map
        check.warn(f"horaires convertis « {osm} » refusés par le vérificateur OSM : retirés")
        return ""
    return osm


def convert(raw: dict, check: RowCheck, loaded: LoadedFile) -> PlaceRecord:
    source_id = text(raw.get("id_fs"))
    if not source_id:
        check.error("champ obligatoire « id_fs » vide")
    latitude, longitude = check.coordinates(raw.get("latitude"), raw.get("longitude"))
    telephone = check.phone(raw.get("telephone"))
    travelling = fold(text(raw.get("format_fs"))) in _TRAVELLING_FORMATS
    details = [text(raw.get("commentaire"))]
    if text(raw.get("prise_rdv")).casefold() == "oui":
        details.append("Accueil possible sur rendez-vous.")
    record = PlaceRecord(
        source=SOURCE,
        source_id=source_id,
        nom=check.required("nom (lib_fs)", raw.get("lib_fs")),
        adresse=check.required("adresse", raw.get("adresse")),
        code_postal=check.postal_code(raw.get("code_postal")),
        commune=check.required("commune (lib_com)", raw.get("lib_com")),
        code_insee=check.insee_code(raw.get("insee_com")),
        complement_adresse=one_line(raw.get("complement_adresse")),
        latitude=latitude,
        longitude=longitude,
        typologie=["RFS"],
        telephone=telephone,
        courriels=check.emails(raw.get("mail")),
        horaires=hours_from_columns(raw, check),
        presentation_detail="\n\n".join(part for part in details if part),
        itinerance=["Itinérant" if travelling else "Fixe"],
        structure_parente=one_line(raw.get("groupe_fs")),
        date_maj=loaded.file_date,
        services=["Aide aux démarches administratives"],
        frais_a_charge=["Gratuit"],
        dispositif_programmes_nationaux=["France Services"],
        modalites_acces=["Se présenter", "Téléphoner"] if telephone else ["Se présenter"],
        modalites_accompagnement=["Accompagnement individuel"],
    )
    if record.date_maj is None:
        check.warn("date de mise à jour absente (ni colonne ni date dans le nom du fichier)")
    return record
