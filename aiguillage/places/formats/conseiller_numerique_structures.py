"""Structures employing Conseillers numériques (national list, April 2023, CSV with ";").

One row is one decision of the selection committee (COSELEC) granting posts to an employer.
The address, « Commune INSEE » and « Code commune INSEE » describe the employer's SIRET
establishment; « Code postal » and « Département » are what the employer declared and
sometimes name another commune (the area where its advisers work): the postal code written in
the address is kept, since it goes with the street.

These are structures to contact, not places checked to receive the public: the importer keeps
them unpublished (``HIDDEN_FORMATS``). Nothing is known of their services.

Identity: an employer asking for more posts appears again with the same SIRET and address
(32 SIRETs, 100 rows; some rows are exact copies). Those rows describe the same place, so the
identifier is the SIRET plus the street: repeats are reported as duplicates of the first row,
while a SIRET at another street stays a place of its own.
"""

from __future__ import annotations

import hashlib
import re

from aiguillage.places.formats.common import RowCheck, fold, one_line, slug, text
from aiguillage.places.formats.files import LoadedFile
from aiguillage.places.formats.records import PlaceRecord

CODE = "conseiller-numerique-structures"
LABEL = "Conseillers numériques, structures employeuses (liste nationale)"
SOURCE = "conseiller-numerique-structures"
ADVISERS = "Nombre de conseillers validés par le COSELEC"
DECIDED_ON = "Date de validation en comité de sélection"
REQUIRED_COLUMNS = ("Raison sociale", "SIRET", "Adresse", "Code postal", "Commune INSEE")
SIGNATURE_COLUMNS = frozenset({"Raison sociale", "SIRET", "Code commune INSEE", ADVISERS})

# SIRENE addresses end with « 84200 CARPENTRAS » or « 75019 PARIS 19 »: the last postal code
# followed by a name ends the street (« CS 32019 54100 NANCY » keeps the CS in the street).
_POSTAL_TAIL = re.compile(r"^(.*)\b(\d{5})\s+([^\d\s].*?)\s*$", re.DOTALL)
# A commune's own SIRET without a street is its town hall.
_TOWN = re.compile(r"^(commune|mairie|ville) d")


def split_sirene_address(value: object) -> tuple[str, str, str]:
    """(street, postal code, commune) of a SIRENE address line; the last two may be ""."""
    cell = one_line(value)
    match = _POSTAL_TAIL.match(cell)
    if not match:
        return cell, "", ""
    return match.group(1).strip(" ,-"), match.group(2), match.group(3)


def _code(value: object) -> str:
    """The export wrote codes as numbers: « 1053 » is INSEE code 01053."""
    cell = text(value).replace(" ", "")
    return cell.zfill(5) if cell.isdigit() and len(cell) == 4 else cell


def convert(raw: dict, check: RowCheck, loaded: LoadedFile) -> PlaceRecord:
    name = check.required("raison sociale", raw.get("Raison sociale"))
    street, address_postcode, address_commune = split_sirene_address(raw.get("Adresse"))
    if not street and _TOWN.match(fold(name)):
        check.warn("adresse sans voie : « Mairie » utilisée")
        street = "Mairie"
    if not street:
        check.error(f"adresse sans rue ni lieu-dit : « {one_line(raw.get('Adresse'))} »")
    declared_postcode = _code(raw.get("Code postal"))
    if address_postcode and declared_postcode and address_postcode != declared_postcode:
        check.warn(
            f"code postal déclaré « {declared_postcode} » différent de celui de l'adresse "
            f"« {address_postcode} » : celui de l'adresse est gardé"
        )
    pivot = check.pivot(raw.get("SIRET"))
    dispositifs = ["Conseillers numériques"]
    if fold(text(raw.get("France services"))) == "oui":
        dispositifs.append("France Services")
    record = PlaceRecord(
        source=SOURCE,
        source_id=f"{pivot or 'sans-siret'}-{_digest(name, street)}",
        nom=name,
        adresse=street,
        code_postal=check.postal_code(address_postcode or declared_postcode),
        commune=check.required("commune", text(raw.get("Commune INSEE")) or address_commune),
        code_insee=check.insee_code(_code(raw.get("Code commune INSEE"))),
        pivot=pivot,
        presentation_detail=_detail(raw),
        date_maj=loaded.file_date,
        dispositif_programmes_nationaux=dispositifs,
        autres_formations_labels=priority_areas(raw),
        capacity_note=_capacity(raw),
    )
    if record.date_maj is None:
        check.warn("date de mise à jour absente (ni colonne ni date dans le nom du fichier)")
    return record


def priority_areas(raw: dict) -> str:
    """« QPV » and « ZRR » as the national map stores them (in autres_formations_labels):
    the employer is in a priority urban district or a rural revitalisation zone. « Non défini »
    and « sans objet » say nothing."""
    areas = [label for label in ("QPV", "ZRR") if fold(text(raw.get(label))) == "oui"]
    return ", ".join(areas)


def _digest(name: str, street: str) -> str:
    """Eight hex characters of the name and street, blind to case, accents and punctuation
    (« PL GABRIEL PERI » and « PL. Gabriel Péri » give the same), stable across re-imports."""
    return hashlib.sha1(slug(f"{street} {name}").encode()).hexdigest()[:8]


def _detail(raw: dict) -> str:
    kind = fold(text(raw.get("Type")))
    nature = {"publique": "Structure publique", "privee": "Structure privée"}.get(kind, "Structure")
    return (
        f"{nature} employeuse de conseillers numériques. L'adresse est celle de son "
        "établissement (SIRET) : l'accueil du public n'y est pas vérifié."
    )


def _capacity(raw: dict) -> str:
    count = text(raw.get(ADVISERS))
    if not count.isdigit() or int(count) == 0:
        return ""
    plural = "s" if int(count) > 1 else ""
    decided_on = text(raw.get(DECIDED_ON))
    when = f" (comité de sélection du {decided_on})" if decided_on else ""
    return f"{count} poste{plural} de conseiller numérique accordé{plural}{when}"
