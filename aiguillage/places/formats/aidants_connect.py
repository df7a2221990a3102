"""Aidants Connect structures (public statistics export, CSV, no coordinates).

Each active structure has people authorised to do administrative procedures on someone's
behalf: that is individual help with procedures, under the Aidants Connect programme.
"""

from __future__ import annotations

from aiguillage.places.formats.common import RowCheck, split_address, text
from aiguillage.places.formats.files import LoadedFile
from aiguillage.places.formats.records import PlaceRecord

CODE = "aidants-connect"
LABEL = "Aidants Connect, structures habilitées (export statistique)"
SOURCE = "aidants-connect"
REQUIRED_COLUMNS = ("Name", "UUID", "Address", "Zip Code", "City")
SIGNATURE_COLUMNS = frozenset({"Name", "UUID", "Is Active", "Zip Code"})


def convert(raw: dict, check: RowCheck, loaded: LoadedFile) -> PlaceRecord:
    source_id = text(raw.get("UUID")) or text(raw.get("ID"))
    if not source_id:
        check.error("champ obligatoire « UUID » vide")
    if text(raw.get("Is Active")).casefold() == "false":
        check.error("structure désactivée dans Aidants Connect")
    # The address often repeats "75007 Paris" at its end; the columns already hold them.
    street, _, _ = split_address(raw.get("Address"))
    pivot = text(raw.get("Siret")).removesuffix(".0")  # exported as a float
    dispositifs = ["Aidants Connect"]
    if text(raw.get("France Services Label")).casefold() == "true":
        dispositifs.append("France Services")
    record = PlaceRecord(
        source=SOURCE,
        source_id=source_id,
        nom=check.required("nom (Name)", raw.get("Name")),
        adresse=check.required("adresse", street),
        code_postal=check.postal_code(raw.get("Zip Code")),
        commune=check.required("commune (City)", raw.get("City")),
        code_insee=check.insee_code(raw.get("City Insee Code")),
        pivot=check.pivot(pivot),
        date_maj=loaded.file_date,
        services=["Aide aux démarches administratives"],
        dispositif_programmes_nationaux=dispositifs,
        modalites_accompagnement=["Accompagnement individuel"],
    )
    helpers = text(raw.get("Nombre d'aidants"))
    if helpers.isdigit() and int(helpers) > 0:
        plural = "s" if int(helpers) > 1 else ""
        record.capacity_note = f"{helpers} aidant{plural} habilité{plural} Aidants Connect"
    return record
