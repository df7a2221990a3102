"""Standard « lieux de médiation numérique » v0.1 (2022), JSON or CSV, ";" between values.

Hub datasets still publish it: the Hinaura map export and the Conseiller numérique
permanences (which spell ``conditions_access``). Its vocabularies are mapped to v1.0.2 below;
each choice that is not a plain renaming is explained next to it.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiguillage.places.formats.common import (
    RowCheck,
    fold,
    one_line,
    slug,
    split_values,
    text,
    unique,
)
from aiguillage.places.formats.files import LoadedFile
from aiguillage.places.formats.records import PlaceRecord

CODE = "lieux-mediation-numerique-v0"
LABEL = "Lieux de médiation numérique, standard v0.1 (2022)"
REQUIRED_COLUMNS = ("id", "nom", "adresse", "code_postal", "commune")
# Columns only v0 has: they tell a v0 file from a v1 one.
SIGNATURE_COLUMNS = frozenset(
    {"courriel", "publics_accueillis", "conditions_acces", "conditions_access",
     "labels_nationaux", "labels_autres", "cle_ban", "accessibilite"}
)  # fmt: skip

DEMARCHES = "Aide aux démarches administratives"
QUOTIDIEN = "Maîtrise des outils numériques du quotidien"
COMPREHENSION = "Compréhension du monde numérique"
INSERTION = "Insertion professionnelle via le numérique"
ACCES = "Accès internet et matériel informatique"
MATERIEL = "Acquisition de matériel informatique à prix solidaire"
PARENTALITE = "Parentalité et éducation avec le numérique"
LOISIRS = "Loisirs et créations numériques"
INDIVIDUEL = "Accompagnement individuel"

Target = tuple[str, str]  # (v1 field, v1 value)

# v0 value (its short label: the part before " : ") -> v1 (field, value) pairs.
V0_VALUES: dict[str, dict[str, tuple[Target, ...]]] = {
    "services": {
        "Devenir autonome dans les démarches administratives": (("services", DEMARCHES),),
        "Réaliser des démarches administratives avec un accompagnement": (("services", DEMARCHES),),
        # Health procedures (Ameli, Mon Espace Santé) are online administrative procedures.
        "Accompagner les démarches de santé": (("services", DEMARCHES),),
        "Prendre en main un smartphone ou une tablette": (("services", QUOTIDIEN),),
        "Prendre en main un ordinateur": (("services", QUOTIDIEN),),
        "Utiliser le numérique au quotidien": (("services", QUOTIDIEN),),
        "Approfondir ma culture numérique": (("services", COMPREHENSION),),
        # Digital citizenship (information, rights, public debate) is understanding the
        # digital world in the v1 wording.
        "Promouvoir la citoyenneté numérique": (("services", COMPREHENSION),),
        "Favoriser mon insertion professionnelle": (("services", INSERTION),),
        "Créer et développer mon entreprise": (("services", INSERTION),),
        "Accéder à une connexion internet": (("services", ACCES),),
        "Accéder à du matériel": (("services", ACCES),),
        "S'équiper en matériel informatique": (("services", MATERIEL),),
        "Créer avec le numérique": (("services", LOISIRS),),
        "Soutenir la parentalité et l'éducation avec le numérique": (("services", PARENTALITE),),
    },
    # "Adultes" has no v1 value: it means the place is for everyone (see _map_publics).
    "publics_accueillis": {
        "Adultes": (),
        "Seniors (+ 65 ans)": (("publics_specifiquement_adresses", "Seniors"),),
        "Familles/enfants": (("publics_specifiquement_adresses", "Familles et/ou enfants"),),
        "Jeunes (16-26 ans)": (("publics_specifiquement_adresses", "Jeunes"),),
        "Uniquement femmes": (("publics_specifiquement_adresses", "Femmes"),),
        "Public langues étrangères": (
            ("prise_en_charge_specifique", "Langues étrangères (autres)"),
        ),
        "Déficience visuelle": (("prise_en_charge_specifique", "Déficience visuelle"),),
        "Surdité": (("prise_en_charge_specifique", "Surdité"),),
        # v1 has no psychic-disability value; "Handicaps mentaux" is the closest support.
        "Handicaps psychiques": (("prise_en_charge_specifique", "Handicaps mentaux"),),
        "Handicaps mentaux": (("prise_en_charge_specifique", "Handicaps mentaux"),),
        "Personnes en situation d'illettrisme": (("prise_en_charge_specifique", "Illettrisme"),),
    },
    "conditions_acces": {
        "Gratuit": (("frais_a_charge", "Gratuit"),),
        "Gratuit sous condition": (("frais_a_charge", "Gratuit sous condition"),),
        "Payant": (("frais_a_charge", "Payant"),),
        # The Pass numérique is a voucher: free for whoever holds one.
        "Accepte le Pass numérique": (("frais_a_charge", "Gratuit sous condition"),),
        # A membership is a fee.
        "Adhésion": (("frais_a_charge", "Payant"),),
    },
    "labels_nationaux": {
        "CNFS": (("dispositif_programmes_nationaux", "Conseillers numériques"),),
        "France Services": (("dispositif_programmes_nationaux", "France Services"),),
        "Aidants Connect": (("dispositif_programmes_nationaux", "Aidants Connect"),),
        "Point numérique CAF": (
            ("dispositif_programmes_nationaux", "Point d'accès numérique CAF"),
        ),
        # The CAF relays became its digital access points; v1 only knows the latter.
        "Point relais CAF": (("dispositif_programmes_nationaux", "Point d'accès numérique CAF"),),
        "Grandes écoles du numérique": (
            ("dispositif_programmes_nationaux", "Grande école du numérique"),
        ),
        "Fabriques de Territoire": (("formations_labels", "Fabriques de Territoire"),),
        # No v1 value: kept as free text so nothing is lost.
        "APTIC": (("autres_formations_labels", "APTIC"),),
        "Relais pôle emploi": (("autres_formations_labels", "Relais Pôle emploi"),),
        "French Tech": (("autres_formations_labels", "French Tech"),),
        "Campus connecté": (("autres_formations_labels", "Campus connecté"),),
    },
    "modalites_accompagnement": {
        "Seul": (("modalites_accompagnement", "En autonomie"),),
        "Avec de l'aide": (("modalites_accompagnement", INDIVIDUEL),),
        "Dans un atelier": (("modalites_accompagnement", "Dans un atelier collectif"),),
        # v1 dropped "A ma place" (delegation). Someone doing the procedure for you is an
        # individual support about administrative procedures; we do not claim Aidants Connect
        # or France Services, which only the labels can tell.
        "A ma place": (("modalites_accompagnement", INDIVIDUEL), ("services", DEMARCHES)),
    },
}

# The v0 field that held each v1 field's values, to read old values found in a v1 file.
V0_FIELD_OF: dict[str, str] = {
    "services": "services",
    "publics_specifiquement_adresses": "publics_accueillis",
    "prise_en_charge_specifique": "publics_accueillis",
    "frais_a_charge": "conditions_acces",
    "dispositif_programmes_nationaux": "labels_nationaux",
    "formations_labels": "labels_nationaux",
    "modalites_accompagnement": "modalites_accompagnement",
}

_LOOKUP = {
    v0_field: {fold(label): targets for label, targets in values.items()}
    for v0_field, values in V0_VALUES.items()
}
_EVERYONE = fold("Adultes")


def v0_targets(v0_field: str, value: str) -> tuple[Target, ...] | None:
    """The v1 (field, value) pairs of a v0 value, or None when unknown."""
    short = value.split(" : ", 1)[0]
    return _LOOKUP[v0_field].get(fold(short))


def map_v0_values(
    check: RowCheck, v0_field: str, values: Iterable[str], into: dict[str, list[str]]
) -> None:
    """Adds the v1 values of ``values`` to ``into``; unknown ones are dropped with a warning."""
    for value in values:
        targets = v0_targets(v0_field, value)
        if targets is None:
            check.warn(f"valeur inconnue « {value} » ignorée (champ « {v0_field} »)")
            continue
        for field_name, target in targets:
            into.setdefault(field_name, []).append(target)


def _map_publics(check: RowCheck, values: list[str], into: dict[str, list[str]]) -> None:
    # In v0 a place listed everyone it welcomes; v1 only lists publics a place is *reserved*
    # to. A place welcoming adults welcomes everyone: its publics are not specific.
    publics: dict[str, list[str]] = {}
    map_v0_values(check, "publics_accueillis", values, publics)
    if any(fold(value) == _EVERYONE for value in values):
        publics.pop("publics_specifiquement_adresses", None)
    for field_name, found in publics.items():
        into.setdefault(field_name, []).extend(found)


def convert(raw: dict, check: RowCheck, loaded: LoadedFile) -> PlaceRecord:
    return convert_v0(raw, check, source=slug(raw.get("source")) or "standard-v0")


def convert_v0(raw: dict, check: RowCheck, *, source: str) -> PlaceRecord:
    """One v0 row (JSON object or CSV line) as a v1 record."""
    source_id = text(raw.get("id"))
    if not source_id:
        check.error("champ obligatoire « id » vide")
    latitude, longitude = check.coordinates(raw.get("latitude"), raw.get("longitude"))
    record = PlaceRecord(
        source=source,
        source_id=source_id,
        nom=check.required("nom", raw.get("nom")),
        adresse=check.required("adresse", raw.get("adresse")),
        code_postal=check.postal_code(raw.get("code_postal")),
        commune=check.required("commune", raw.get("commune")),
        code_insee=check.insee_code(raw.get("code_insee")),
        complement_adresse=one_line(raw.get("complement_adresse")),
        latitude=latitude,
        longitude=longitude,
        pivot=check.pivot(raw.get("pivot") or raw.get("siret")),
        typologie=check.choices("typologie", split_values(raw.get("typologie"))),
        telephone=check.phone(raw.get("telephone")),
        courriels=check.emails(raw.get("courriel") or raw.get("courriels")),
        site_web=check.urls("site web", raw.get("site_web")),
        horaires=check.hours(raw.get("horaires") or raw.get("horaires_ouverture")),
        presentation_resume=text(raw.get("presentation_resume")),
        presentation_detail=text(raw.get("presentation_detail")),
        structure_parente=one_line(raw.get("structure_parente")),
        date_maj=check.update_date(raw.get("date_maj")),
        fiche_acces_libre=check.url("fiche Accès libre", raw.get("accessibilite")),
        prise_rdv=check.url("prise de rendez-vous", raw.get("prise_rdv")),
    )
    mapped: dict[str, list[str]] = {}
    map_v0_values(check, "services", split_values(raw.get("services")), mapped)
    _map_publics(check, split_values(raw.get("publics_accueillis")), mapped)
    conditions = raw.get("conditions_acces") or raw.get("conditions_access")
    map_v0_values(check, "conditions_acces", split_values(conditions), mapped)
    map_v0_values(check, "labels_nationaux", split_values(raw.get("labels_nationaux")), mapped)
    modalites = split_values(raw.get("modalites_accompagnement"))
    map_v0_values(check, "modalites_accompagnement", modalites, mapped)
    apply_mapped(record, mapped, other_labels=split_values(raw.get("labels_autres")))
    if record.prise_rdv:
        record.modalites_acces.append("Prendre un RDV en ligne")
    advisers = raw.get("nb_conseillers")
    if isinstance(advisers, int) and not isinstance(advisers, bool) and advisers > 0:
        plural = "s" if advisers > 1 else ""
        record.capacity_note = f"{advisers} conseiller{plural} numérique{plural}"
    return record


def apply_mapped(
    record: PlaceRecord, mapped: dict[str, list[str]], *, other_labels: Iterable[str] = ()
) -> None:
    """Merges mapped v1 values into ``record`` (list fields; other labels as free text)."""
    others = list(other_labels) + mapped.pop("autres_formations_labels", [])
    for field_name, values in mapped.items():
        current = getattr(record, field_name)
        setattr(record, field_name, unique([*current, *values]))
    if others:
        existing = [record.autres_formations_labels] if record.autres_formations_labels else []
        record.autres_formations_labels = ", ".join(unique([*existing, *others]))
