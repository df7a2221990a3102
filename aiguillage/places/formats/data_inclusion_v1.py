"""Writing places for data·inclusion v1: one structure and one « médiation numérique »
service per place.

Values follow the mapping of the data·inclusion pipeline for the standard (see
shared/research/mission-anchors.md §1.5); where it says nothing, the choice is explained here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TextIO

from aiguillage.places.formats.common import POSTAL_CODE
from aiguillage.places.formats.records import PlaceRecord
from aiguillage.places.formats.writers import IdFunction, default_id

DEFAULT_SOURCE = "aiguillage"
SERVICE_NAME = "Médiation numérique"

_FONDAMENTAUX = "numerique--maitriser-les-fondamentaux-du-numerique"
_EN_LIGNE = "numerique--acceder-a-des-services-en-ligne"
_EQUIPEMENT = "numerique--acquerir-un-equipement"
_CONNEXION = "numerique--acceder-a-une-connexion-internet"
THEMATIQUES: dict[str, tuple[str, ...]] = {
    "Accès internet et matériel informatique": (_CONNEXION, _EQUIPEMENT),
    "Acquisition de matériel informatique à prix solidaire": (_EQUIPEMENT,),
    "Aide aux démarches administratives": (
        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
        _EN_LIGNE,
    ),
    "Compréhension du monde numérique": (_FONDAMENTAUX,),
    "Utilisation sécurisée du numérique": (_FONDAMENTAUX,),
    "Insertion professionnelle via le numérique": (
        "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
        _FONDAMENTAUX,
    ),
    "Loisirs et créations numériques": (
        "remobilisation--activites-sportives-et-culturelles",
        _FONDAMENTAUX,
    ),
    "Maîtrise des outils numériques du quotidien": (_FONDAMENTAUX, _EN_LIGNE),
    "Parentalité et éducation avec le numérique": (
        "famille--soutien-a-la-parentalite-et-a-leducation",
        _FONDAMENTAUX,
    ),
}
# Our extra services, where data·inclusion has a theme for them.
EXTRA_THEMATIQUES: dict[str, tuple[str, ...]] = {
    "wifi": (_CONNEXION,),
    "ordinateurs": (_CONNEXION,),
    "pret": (_EQUIPEMENT,),
}
# First match wins: data·inclusion has a single type per service.
TYPES = (
    ("Accompagnement individuel", "accompagnement"),
    ("Dans un atelier collectif", "atelier"),
    ("En autonomie", "aide-materielle"),
)
MODES_MOBILISATION: dict[str, str] = {
    "Contacter par mail": "envoyer-un-courriel",
    "Envoyer un mail avec une fiche de prescription": "envoyer-un-courriel",
    "Prendre un RDV en ligne": "utiliser-lien-mobilisation",
    "Se présenter": "se-presenter",
    "Téléphoner": "telephoner",
}
PUBLICS: dict[str, str] = {
    "Étudiants": "etudiants",
    "Familles et/ou enfants": "familles",
    "Femmes": "femmes",
    "Jeunes": "jeunes",
    "Seniors": "seniors",
}
PRISE_EN_CHARGE_PUBLICS: dict[str, str] = {
    "Surdité": "personnes-en-situation-de-handicap",
    "Handicaps moteurs": "personnes-en-situation-de-handicap",
    "Handicaps mentaux": "personnes-en-situation-de-handicap",
    "Déficience visuelle": "personnes-en-situation-de-handicap",
    "Langues étrangères (anglais)": "personnes-exilees",
    "Langues étrangères (autres)": "personnes-exilees",
}
DISPOSITIF_RESEAUX: dict[str, str] = {
    "Aidants Connect": "aidants-connect",
    "Conseillers numériques": "conseillers-numeriques",
    "France Services": "france-service",
    "Grande école du numérique": "grandes-ecoles-du-numerique",
    "La Croix Rouge": "croix-rouge",
}
# Structure types that name a network data·inclusion knows.
TYPOLOGIE_RESEAUX: dict[str, str] = {
    "CCAS": "ccas-cias", "CIAS": "ccas-cias", "MUNI": "communes", "CD": "departements",
    "REG": "regions", "RFS": "france-service", "MSAP": "msap", "ML": "mission-locale",
    "EPN": "espaces-publics-numeriques", "LA_POSTE": "la-poste", "PIMMS": "pimms-mediation",
    "MJC": "mjc", "RESSOURCERIE": "ressourceries", "FABRIQUE": "fabrique-de-territoire",
    "CAF": "caf", "FT": "france-travail", "CPAM": "cpam", "MSA": "mutualite-sociale-agricole",
    "MDPH": "mdph", "CAP_EMPLOI": "cap-emploi-reseau-cheops", "RS_FJT": "residences-fjt",
    "PIJ_BIJ": "reseau-information-jeunesse", "E2C": "ecoles-de-la-deuxieme-chance",
    "CHRS": "chrs", "CHU": "chu", "CADA": "cada", "HUDA": "huda", "CPH": "cph",
    "SPIP": "spip", "PJJ": "pjj", "PLIE": "plie", "GEIQ": "geiq", "EPIDE": "epide",
    "AFPA": "afpa", "CIDFF": "cidff", "MDE": "maisons-de-l-emploi",
    "MDS": "maisons-des-solidarites", "MDA": "maison-departementale-de-lautonomie",
    "ACI": "aci", "AI": "ai", "EI": "ei", "ETTI": "etti", "EITI": "eiti", "EA": "ea",
    "EATT": "eatt", "ESAT": "esat", "CSAPA": "csapa", "CAARUD": "caarud", "CMP": "cmp",
    "CMS": "cms", "ASE": "ase", "AVIP": "creches-avip", "CAVA": "cava",
    "CCONS": "chambres-consulaires",
}  # fmt: skip

_SIRET = re.compile(r"^\d{14}$")
_INSEE_CODE = re.compile(r"^\w{5}$")  # data·inclusion's own pattern, looser than the standard's


def write_data_inclusion_v1(
    records: Iterable[PlaceRecord],
    structures_out: TextIO,
    services_out: TextIO,
    *,
    ids: IdFunction | None = None,
    source: str = DEFAULT_SOURCE,
    default_date: date | None = None,
) -> int:
    """Writes two JSON arrays (structures, services) following the data·inclusion v1 schema;
    returns the number of places. Ids are "<source>--<place id>" as data·inclusion does."""
    place_id = ids or default_id
    fallback_date = default_date or date.today()
    count = 0
    structures_out.write("[")
    services_out.write("[")
    for record in records:
        structure = structure_of(record, f"{source}--{place_id(record)}", source, fallback_date)
        service = service_of(record, structure)
        separator = "\n" if not count else ",\n"
        structures_out.write(separator + json.dumps(structure, ensure_ascii=False))
        services_out.write(separator + json.dumps(service, ensure_ascii=False))
        count += 1
    structures_out.write("\n]\n")
    services_out.write("\n]\n")
    return count


def structure_of(record: PlaceRecord, structure_id: str, source: str, default_date: date) -> dict:
    reseaux = [DISPOSITIF_RESEAUX.get(value) for value in record.dispositif_programmes_nationaux]
    reseaux += [TYPOLOGIE_RESEAUX.get(code) for code in record.typologie]
    return {
        "source": source,
        "id": structure_id,
        "nom": _name(record),
        "date_maj": (record.date_maj or default_date).isoformat(),
        "siret": record.pivot if _SIRET.match(record.pivot) else None,
        "adresse": record.adresse or None,
        "complement_adresse": record.complement_adresse or None,
        "code_postal": record.code_postal if POSTAL_CODE.match(record.code_postal) else None,
        "code_insee": record.code_insee if _INSEE_CODE.match(record.code_insee) else None,
        "commune": record.commune or None,
        "latitude": record.latitude,
        "longitude": record.longitude,
        "telephone": record.telephone or None,
        "courriel": record.courriels[0] if record.courriels else None,
        "site_web": record.site_web[0] if record.site_web else None,
        "description": _description(record.presentation_detail or record.presentation_resume),
        "horaires_accueil": record.horaires or None,
        "accessibilite_lieu": record.fiche_acces_libre or None,
        "lien_source": None,
        "reseaux_porteurs": sorted({reseau for reseau in reseaux if reseau}) or None,
    }


def service_of(record: PlaceRecord, structure: dict) -> dict:
    modalites = record.modalites_accompagnement
    modes_mobilisation = _unique(MODES_MOBILISATION.get(value) for value in record.modalites_acces)
    return {
        "source": structure["source"],
        "structure_id": structure["id"],
        "id": f"{structure['id']}--mediation-numerique",
        "nom": SERVICE_NAME,
        "description": _service_description(record),
        "date_maj": structure["date_maj"],
        "thematiques": _thematiques(record) or None,
        "type": next((kind for label, kind in TYPES if label in modalites), None),
        "frais": _frais(record.frais_a_charge),
        "frais_precisions": (
            "Gratuit sous condition" if "Gratuit sous condition" in record.frais_a_charge else None
        ),
        **_publics(record),
        "modes_accueil": _modes_accueil(modalites),
        "modes_mobilisation": modes_mobilisation or None,
        "mobilisable_par": _mobilisable_par(record.modalites_acces) if modes_mobilisation else None,
        "lien_mobilisation": record.prise_rdv or None,
        "adresse": structure["adresse"],
        "complement_adresse": structure["complement_adresse"],
        "code_postal": structure["code_postal"],
        "code_insee": structure["code_insee"],
        "commune": structure["commune"],
        "latitude": record.latitude,
        "longitude": record.longitude,
        "telephone": structure["telephone"],
        "courriel": structure["courriel"],
        "horaires_accueil": structure["horaires_accueil"],
    }


def _unique(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def _name(record: PlaceRecord) -> str:
    # 3 to 150 characters, not ending with a full stop.
    name = record.nom.strip().rstrip(".")
    if len(name) < 3:
        name = f"{name} ({record.commune})"
    return name if len(name) <= 150 else name[:149].rstrip() + "…"


def _description(value: str) -> str | None:
    value = value.strip()
    if len(value) < 5:
        return None
    return value if len(value) <= 10000 else value[:9999] + "…"


def _service_description(record: PlaceRecord) -> str:
    if len(record.presentation_resume.strip()) >= 5:
        return _description(record.presentation_resume) or ""
    if record.services:
        return "Services proposés : " + ", ".join(record.services) + "."
    return "Accompagnement aux usages du numérique."


def _thematiques(record: PlaceRecord) -> list[str]:
    themes: Iterator[str] = (
        theme
        for values in (
            *(THEMATIQUES.get(service, ()) for service in record.services),
            *(EXTRA_THEMATIQUES.get(code, ()) for code in record.extra_services),
        )
        for theme in values
    )
    return _unique(themes)


def _frais(values: list[str]) -> str | None:
    if "Gratuit" in values or "Gratuit sous condition" in values:
        return "gratuit"  # the pipeline's rule: free wins when several are given
    return "payant" if "Payant" in values else None


def _publics(record: PlaceRecord) -> dict[str, object]:
    """A place without specific publics welcomes everyone ("tous-publics" must be alone);
    its specific support then goes to the free-text precisions."""
    publics = _unique(PUBLICS.get(value) for value in record.publics_specifiquement_adresses)
    support = record.prise_en_charge_specifique
    if publics:
        publics += _unique(PRISE_EN_CHARGE_PUBLICS.get(value) for value in support)
        return {"publics": _unique(publics), "publics_precisions": None}
    precisions = f"Prise en charge spécifique : {', '.join(support)}." if support else None
    return {"publics": ["tous-publics"], "publics_precisions": precisions}


def _modes_accueil(modalites: list[str]) -> list[str]:
    if modalites == ["À distance"]:
        return ["a-distance"]
    return ["en-presentiel", "a-distance"] if "À distance" in modalites else ["en-presentiel"]


def _mobilisable_par(modalites_acces: list[str]) -> list[str]:
    # A prescription form is for professionals; every other way is open to the person too.
    if modalites_acces == ["Envoyer un mail avec une fiche de prescription"]:
        return ["professionnels"]
    return ["usagers", "professionnels"]
