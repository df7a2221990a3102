"""data·inclusion v0 exports: places (« structures ») and the services that they offer.

The places export gathers several producers (conseiller-numerique, Hinaura, dora, siao, cd72…)
in the shape of the standard v0, or in data·inclusion's own v0 structure schema (siret,
horaires_ouverture, labels_nationaux as slugs). Its services file uses the data·inclusion v0
vocabularies; a service belongs to the place with the same (source, structure_id).
Only services with a digital theme (``numerique…``) say something about digital inclusion,
so only they enrich the place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aiguillage.places.formats import standard_v0
from aiguillage.places.formats.common import RowCheck, slug, split_values, text, unique
from aiguillage.places.formats.files import LoadedFile, load
from aiguillage.places.formats.records import FormatError, ParsedRow, PlaceRecord
from aiguillage.places.formats.standard_v0 import (
    ACCES,
    COMPREHENSION,
    DEMARCHES,
    INDIVIDUEL,
    INSERTION,
    LOISIRS,
    MATERIEL,
    PARENTALITE,
    QUOTIDIEN,
    apply_mapped,
)

CODE = "data-inclusion-v0"
LABEL = "data·inclusion, export v0 des structures"
SOURCE_PREFIX = "data-inclusion:"
REQUIRED_COLUMNS = ("id", "nom", "source")

# data·inclusion thématiques (v0 fine-grained, plus the four v1 ones) -> standard services.
THEMATIQUES: dict[str, str] = {
    "numerique--devenir-autonome-dans-les-demarches-administratives": DEMARCHES,
    "numerique--realiser-des-demarches-administratives-avec-un-accompagnement": DEMARCHES,
    "numerique--accompagner-les-demarches-de-sante": DEMARCHES,
    "numerique--acceder-a-des-services-en-ligne": DEMARCHES,
    "numerique--prendre-en-main-un-smartphone-ou-une-tablette": QUOTIDIEN,
    "numerique--prendre-en-main-un-ordinateur": QUOTIDIEN,
    "numerique--utiliser-le-numerique-au-quotidien": QUOTIDIEN,
    "numerique--maitriser-les-fondamentaux-du-numerique": QUOTIDIEN,
    "numerique--approfondir-ma-culture-numerique": COMPREHENSION,
    "numerique--promouvoir-la-citoyennete-numerique": COMPREHENSION,
    "numerique--favoriser-mon-insertion-professionnelle": INSERTION,
    "numerique--creer-et-developper-mon-entreprise": INSERTION,
    "numerique--acceder-a-une-connexion-internet": ACCES,
    "numerique--acceder-a-du-materiel": ACCES,
    "numerique--s-equiper-en-materiel-informatique": MATERIEL,
    "numerique--acquerir-un-equipement": MATERIEL,
    "numerique--creer-avec-le-numerique": LOISIRS,
    "numerique--soutenir-la-parentalite-et-l-education-avec-le-numerique": PARENTALITE,
}
# Service types -> (v1 field, value). Other types (accueil, information, aide-financiere…)
# have no equivalent in the standard.
TYPES: dict[str, tuple[tuple[str, str], ...]] = {
    "autonomie": (("modalites_accompagnement", "En autonomie"),),
    "accompagnement": (("modalites_accompagnement", INDIVIDUEL),),
    "atelier": (("modalites_accompagnement", "Dans un atelier collectif"),),
    # Delegation ("someone does it for me") is what v0 called « A ma place ».
    "delegation": (("modalites_accompagnement", INDIVIDUEL), ("services", DEMARCHES)),
    # « Service numérique »: an online service, used from home.
    "numerique": (("modalites_accompagnement", "À distance"),),
}
FRAIS: dict[str, str] = {
    "gratuit": "Gratuit",
    "gratuit-sous-conditions": "Gratuit sous condition",
    "payant": "Payant",
    "adhesion": "Payant",  # a membership is a fee, as in the standard v0 mapping
    "pass-numerique": "Gratuit sous condition",  # free for Pass numérique holders
}
PROFILS: dict[str, tuple[str, str]] = {
    "seniors-65": ("publics_specifiquement_adresses", "Seniors"),
    "retraites": ("publics_specifiquement_adresses", "Seniors"),
    "familles-enfants": ("publics_specifiquement_adresses", "Familles et/ou enfants"),
    "jeunes": ("publics_specifiquement_adresses", "Jeunes"),
    "jeunes-16-26": ("publics_specifiquement_adresses", "Jeunes"),
    "etudiants": ("publics_specifiquement_adresses", "Étudiants"),
    "femmes": ("publics_specifiquement_adresses", "Femmes"),
    "deficience-visuelle": ("prise_en_charge_specifique", "Déficience visuelle"),
    "surdite": ("prise_en_charge_specifique", "Surdité"),
    "handicaps-mentaux": ("prise_en_charge_specifique", "Handicaps mentaux"),
    "handicaps-psychiques": ("prise_en_charge_specifique", "Handicaps mentaux"),
    "personnes-en-situation-illettrisme": ("prise_en_charge_specifique", "Illettrisme"),
    "public-langues-etrangeres": ("prise_en_charge_specifique", "Langues étrangères (autres)"),
}
# Profiles meaning "everyone": with them, the listed publics are not specific (see v0).
EVERYONE_PROFILS = frozenset({"tous-publics", "adultes"})
# data·inclusion v0 label slugs -> standard (field, value).
LABELS: dict[str, tuple[str, str]] = {
    "conseiller-numerique": ("dispositif_programmes_nationaux", "Conseillers numériques"),
    "france-service": ("dispositif_programmes_nationaux", "France Services"),
    "aidants-connect": ("dispositif_programmes_nationaux", "Aidants Connect"),
    "grandes-ecoles-du-numerique": ("dispositif_programmes_nationaux", "Grande école du numérique"),
    "fabrique-de-territoire": ("formations_labels", "Fabriques de Territoire"),
}

Key = tuple[str, str]  # (source slug, structure id)


def structure_key(raw: dict) -> Key:
    return slug(raw.get("source")), text(raw.get("id"))


def convert(raw: dict, check: RowCheck, loaded: LoadedFile) -> PlaceRecord:
    row = dict(raw)
    extra: dict[str, list[str]] = {}
    labels = row.get("labels_nationaux")
    if isinstance(labels, list):  # data·inclusion's own schema: slugs, not standard labels
        row.pop("labels_nationaux")
        for label in labels:
            _add_target(check, extra, LABELS.get(text(label)), f"label « {label} »")
    if row.get("thematiques"):
        _map_thematiques(check, split_values(row.pop("thematiques")), extra)
    if not row.get("pivot") and not row.get("siret") and row.get("rna"):
        row["pivot"] = row["rna"]
    source = SOURCE_PREFIX + (slug(raw.get("source")) or "inconnue")
    record = standard_v0.convert_v0(row, check, source=source)
    apply_mapped(record, extra)
    return record


def _add_target(
    check: RowCheck, into: dict[str, list[str]], target: tuple[str, str] | None, what: str
) -> None:
    if target is None:
        check.warn(f"{what} inconnu : ignoré")
    else:
        into.setdefault(target[0], []).append(target[1])


def _map_thematiques(check: RowCheck, values: list[str], into: dict[str, list[str]]) -> None:
    for value in values:
        if value in THEMATIQUES:
            into.setdefault("services", []).append(THEMATIQUES[value])
        elif value.startswith("numerique--"):
            check.warn(f"thématique numérique inconnue « {value} » ignorée")
        # Other themes (mobilité, logement…) are outside the standard: nothing to record.


@dataclass(slots=True)
class StructureServices:
    """What the services of one structure add to its place."""

    source: str
    structure_id: str
    lines: list[int] = field(default_factory=list)  # element numbers in the services file
    service_ids: list[str] = field(default_factory=list)
    mapped: dict[str, list[str]] = field(default_factory=dict)  # v1 field -> values
    prise_rdv: str = ""
    warnings: list[str] = field(default_factory=list)

    def apply_to(self, record: PlaceRecord, check: RowCheck) -> None:
        mapped = {name: unique(values) for name, values in self.mapped.items()}
        apply_mapped(record, mapped)
        if self.prise_rdv and not record.prise_rdv:
            record.prise_rdv = self.prise_rdv
        if record.prise_rdv and "Prendre un RDV en ligne" not in record.modalites_acces:
            record.modalites_acces.append("Prendre un RDV en ligne")
        check.warnings.extend(self.warnings)


class ServicesByStructure(dict[Key, StructureServices]):
    """Services grouped by (source slug, structure id); unreadable ones are in ``rejected``."""

    def __init__(self, origin: str) -> None:
        super().__init__()
        self.origin = origin
        self.rejected: list[ParsedRow] = []
        self.total = 0


def read_data_inclusion_services(path: Path) -> ServicesByStructure:
    """Reads a data·inclusion v0 services file (JSON array)."""
    loaded = load(Path(path))
    if loaded.kind != "json":
        raise FormatError("le fichier de services data·inclusion doit être un tableau JSON")
    index = ServicesByStructure(loaded.path.name)
    for line, raw, problem in loaded.items():
        index.total += 1
        key = None if raw is None else (slug(raw.get("source")), text(raw.get("structure_id")))
        if problem is None and key is not None and not all(key):
            problem = "service sans « source » ou sans « structure_id »"
        if problem is not None or key is None:
            index.rejected.append(_rejected_service(line, problem or "", loaded.path.name))
            continue
        entry = index.get(key) or index.setdefault(key, StructureServices(*key))
        entry.lines.append(line)
        entry.service_ids.append(text(raw.get("id")))
        _map_service(raw, entry)
    return index


def _rejected_service(line: int, reason: str, origin: str) -> ParsedRow:
    return ParsedRow(line=line, record=None, errors=[reason], unit="élément n°", origin=origin)


def orphan_rows(index: ServicesByStructure, seen: set[Key]) -> list[ParsedRow]:
    """Services whose structure is not in the places file, and unreadable services."""
    rows = list(index.rejected)
    for (source, structure_id), entry in index.items():
        if (source, structure_id) in seen:
            continue
        reason = f"structure « {structure_id} » (source « {source} ») absente du fichier de lieux"
        rows.extend(_rejected_service(line, reason, index.origin) for line in entry.lines)
    rows.sort(key=lambda row: row.line)
    return rows


def _map_service(raw: dict, entry: StructureServices) -> None:
    thematiques = [text(value) for value in raw.get("thematiques") or []]
    if not any(value.startswith("numerique") for value in thematiques):
        return
    check = RowCheck()
    _map_thematiques(check, thematiques, entry.mapped)
    for value in raw.get("types") or []:
        for field_name, target in TYPES.get(text(value), ()):
            entry.mapped.setdefault(field_name, []).append(target)
    for value in raw.get("frais") or []:
        frais = FRAIS.get(text(value))
        target = ("frais_a_charge", frais) if frais else None
        _add_target(check, entry.mapped, target, f"frais « {value} »")
    profils = [text(value) for value in raw.get("profils") or []]
    if not EVERYONE_PROFILS.intersection(profils):
        for value in profils:
            target = PROFILS.get(value)
            if target:  # other profiles (salariés, locataires…) have no standard value
                entry.mapped.setdefault(target[0], []).append(target[1])
    else:
        for value in profils:
            target = PROFILS.get(value)
            if target and target[0] == "prise_en_charge_specifique":
                entry.mapped.setdefault(target[0], []).append(target[1])
    if not entry.prise_rdv:
        entry.prise_rdv = check.url("prise de rendez-vous", raw.get("prise_rdv"))
    name = text(raw.get("nom")) or text(raw.get("id"))
    entry.warnings.extend(f"service « {name} » : {warning}" for warning in check.warnings)
