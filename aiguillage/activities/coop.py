"""Reading an activity export of La Coop de la médiation numérique (« Mes activités » →
Exporter), as CSV or XLSX: its rows become our values, or a French reason for refusing them.

The export is a sheet titled « Activités »: a few lines about the export (who, when, which
filters), an empty line, then a table whose header starts with « Date ». Columns read
(docs/activities.md lists them with the mapping of their values):

    Date · Type · Nombre de participants · Lieu · Durée (min) ·
    Thématique(s) d'accompagnement · Niveau d'autonomie (ou de l'atelier) ·
    Bénéficiaire réorienté · Commune de résidence du bénéficiaire ·
    Tranche d'âge du bénéficiaire · Statut du bénéficiaire

Never read: the person's name (« Bénéficiaire »), gender, notes, the procedure's name and
other free text: they are personal data we do not need for statistics.

No ORM here: communes and places are looked up through the dictionaries given.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiguillage.activities import rules

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
HEADER_SEARCH_ROWS = 40


def normalise(text: Any) -> str:
    """Lower case, no accents, one space between words: « Thématique(s) d’accompagnement »
    → « thematique s d accompagnement »."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^a-z0-9+/]+", " ", plain).split())


# Our field → the normalised header(s) La Coop has used for it.
COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date",),
    "type": ("type", "type d activite"),
    "participants": ("nombre de participants",),
    "place": ("lieu",),
    "duration": ("duree min", "duree"),
    "themes": ("thematique s d accompagnement", "thematiques", "thematique s"),
    "autonomy": ("niveau d autonomie ou de l atelier", "niveau d autonomie", "autonomie"),
    "redirected": ("beneficiaire reoriente",),
    "commune": ("commune de residence du beneficiaire",),
    "age": ("tranche d age du beneficiaire",),
    "status": ("statut du beneficiaire",),
}
REQUIRED = ("date", "type", "themes", "duration")
FIELD_LABELS = {
    "date": "Date",
    "type": "Type",
    "themes": "Thématique(s) d'accompagnement",
    "duration": "Durée (min)",
}

KINDS: dict[str, str] = {
    "accompagnement individuel": "individual",
    "individuel": "individual",
    "atelier collectif": "collective",
    "collectif": "collective",
    # Older exports had a third type for paperwork, an individual accompaniment.
    "aide aux demarches administratives": "individual",
    "demarche": "individual",
}
PAPERWORK_TYPES = {"aide aux demarches administratives", "demarche"}

# La Coop themes (labels, enum names and API codes) → national theme and, for the
# administrative ones, the domain of the online procedure.
_COOP_THEMES: list[tuple[tuple[str, ...], str, str]] = [
    (("Diagnostic numérique", "DiagnosticNumerique", "diagnostic_numerique"), "diagnostic", ""),
    (
        ("Prendre en main du matériel", "PrendreEnMainDuMateriel", "prendre_en_main_du_materiel"),
        "equipementInformatique",
        "",
    ),
    (
        ("Maintenance de matériel", "MaintenanceDeMateriel", "maintenance_de_materiel"),
        "equipementInformatique",
        "",
    ),
    (
        ("Gérer ses contenus numériques", "GereSesContenusNumeriques"),
        "contenusNumeriques",
        "",
    ),
    (("gere_ses_contenus_numeriques",), "contenusNumeriques", ""),
    (("Navigation sur internet", "NavigationSurInternet"), "internet", ""),
    (("navigation_sur_internet",), "internet", ""),
    (("E-mail", "Email"), "courriel", ""),
    (("Bureautique",), "traitementTexte", ""),
    (("Réseaux sociaux communication", "ReseauxSociaux", "reseaux_sociaux"), "echanger", ""),
    (("Santé", "Sante"), "sante", ""),
    (("Banque et achats en ligne", "BanqueEtAchatsEnLigne"), "budget", ""),
    (("banque_et_achats_en_ligne",), "budget", ""),
    (("Accompagner un professionnel", "Entrepreneuriat"), "tpePme", ""),
    (("Insertion professionnelle", "InsertionProfessionnelle"), "trouverEmploi", ""),
    (("insertion_professionnelle",), "trouverEmploi", ""),
    (("Prévention en sécurité numérique", "SecuriteNumerique"), "securite", ""),
    (("securite_numerique",), "securite", ""),
    (("Parentalité", "Parentalite"), "accompagnerEnfant", ""),
    (("Scolarité et numérique", "ScolariteEtNumerique"), "scolaire", ""),
    (("scolarite_et_numerique",), "scolaire", ""),
    (("Créer avec le numérique", "CreerAvecLeNumerique"), "contenusNumeriques", ""),
    (("creer_avec_le_numerique",), "contenusNumeriques", ""),
    (("Culture numérique", "CultureNumerique", "culture_numerique"), "vocabulaire", ""),
    (("Intelligence artificielle (IA)", "IntelligenceArtificielle"), "autre", ""),
    (("intelligence_artificielle",), "autre", ""),
    (
        ("Aide aux démarches administratives", "AideAuxDemarchesAdministratives"),
        "demarcheEnLigne",
        "",
    ),
    (("aide_aux_demarches_administratives",), "demarcheEnLigne", ""),
    (
        ("Papiers - Élections - Citoyenneté", "PapiersElectionsCitoyennete"),
        "demarcheEnLigne",
        "ants",
    ),
    (("papiers_elections_citoyennete",), "demarcheEnLigne", "ants"),
    (("Famille - Scolarité", "FamilleScolarite", "famille_scolarite"), "demarcheEnLigne", "caf"),
    (("Social - Santé", "SocialSante", "social_sante"), "demarcheEnLigne", "sante"),
    (
        ("Travail - Formation - Entreprise", "TravailFormation", "travail_formation"),
        "demarcheEnLigne",
        "emploi",
    ),
    (("Logement",), "demarcheEnLigne", "logement"),
    (
        ("Transports - Mobilité", "TransportsMobilite", "transports_mobilite"),
        "demarcheEnLigne",
        "ants",
    ),
    (("Argent - Impôts", "ArgentImpots", "argent_impots"), "demarcheEnLigne", "impots"),
    (("Justice",), "demarcheEnLigne", "justice"),
    (("Étrangers - Europe", "EtrangersEurope", "etrangers_europe"), "demarcheEnLigne", "autre"),
    (
        ("Loisirs - Sports - Culture", "LoisirsSportsCulture", "loisirs_sports_culture"),
        "demarcheEnLigne",
        "autre",
    ),
    (("Associations",), "demarcheEnLigne", "autre"),
]
COOP_THEMES: dict[str, tuple[str, str]] = {
    normalise(name): (theme, domain) for names, theme, domain in _COOP_THEMES for name in names
}

# Age brackets of La Coop (two generations of labels) → national brackets. Two are only
# approximate: the import report counts them (docs/activities.md).
AGES: dict[str, str] = {
    normalise("Moins de 12 ans"): "moins12ans",
    normalise("12 - 17 ans"): "de12a18ans",
    normalise("18 - 24 ans"): "de18a35ans",
    normalise("25 - 39 ans"): "de18a35ans",
    normalise("40 - 59 ans"): "de35a60ans",
    normalise("60 - 69 ans"): "plus60ans",
    normalise("70 ans et plus"): "plus60ans",
    normalise("70 ans ou plus"): "plus60ans",
    normalise("Mineur(e)"): rules.NOT_GIVEN,
    normalise("Non communiqué"): rules.NOT_GIVEN,
    "": rules.NOT_GIVEN,  # « - »
}
APPROXIMATE_AGES: dict[str, str] = {
    normalise("25 - 39 ans"): "tranche « 25 - 39 ans » comptée dans « 18 à 35 ans »",
    normalise("Mineur(e)"): "tranche « Mineur(e) » comptée « non renseigné »",
}
STATUSES: dict[str, str] = {
    normalise("Scolarisé"): "etudiant",
    normalise("Scolarisé(e)"): "etudiant",
    normalise("Sans emploi"): "sansEmploi",
    normalise("En emploi"): "enEmploi",
    normalise("Retraité"): "retraite",
    normalise("Retraité(e)"): "retraite",
    normalise("Non communiqué ou hétérogène"): rules.NOT_GIVEN,
    normalise("Non communiqué"): rules.NOT_GIVEN,
    "": rules.NOT_GIVEN,  # « - »
}
# « Niveau d'autonomie » of an individual accompaniment, written as stars (« 2/3 ») or a label.
AUTONOMY: dict[str, str] = {
    "1/3": "no",
    "2/3": "partly",
    "3/3": "yes",
    normalise("Avec guidage"): "no",
    normalise("Autonome avec guidage en cas de besoin"): "partly",
    normalise("Autonome"): "yes",
}
UNKNOWN_COMMUNE = (
    "commune hors du territoire, inconnue ou différente d'une personne à l'autre : non retenue"
)
YES = {"oui", "yes", "vrai", "true", "1"}
NO = {"non", "no", "faux", "false", "0", ""}


@dataclass
class ParsedRow:
    line: int
    values: dict[str, Any]
    digest: str  # what identifies the row's content (never its person)


@dataclass
class Parsed:
    rows: list[ParsedRow] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)  # approximation → number of rows
    header_line: int = 0
    ignored_columns: list[str] = field(default_factory=list)


class CoopFileError(ValueError):
    """The file cannot be read at all (French message)."""


# --- Reading the file ----------------------------------------------------------------------


def read_table(name: str, content: bytes) -> list[list[str]]:
    """Every line of the file as a list of texts, from a CSV or an XLSX export."""
    if len(content) > MAX_BYTES:
        raise CoopFileError("Ce fichier dépasse 5 Mo : exportez une période plus courte.")
    if not content.strip():
        raise CoopFileError("Ce fichier est vide.")
    if name.lower().endswith(".xlsx") or content[:2] == b"PK":
        return _read_xlsx(content)
    return _read_csv(content)


def _read_csv(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise CoopFileError("Ce fichier n'est pas un texte lisible (CSV en UTF-8 attendu).")
    sample = text[:20_000]
    delimiter = max((";", ",", "\t"), key=sample.count)
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise CoopFileError("Ce classeur XLSX ne peut pas être lu.") from error
    sheet = book["Activités"] if "Activités" in book.sheetnames else book.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append(["" if value is None else _cell_text(value) for value in values])
    book.close()
    return rows


def _cell_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def find_header(table: Sequence[Sequence[str]]) -> tuple[int, dict[str, int], list[str]]:
    """(index of the header line, our field → column, names of the columns not read)."""
    for index, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        names = [normalise(cell) for cell in row]
        if "date" not in names or not ({"type", "type d activite"} & set(names)):
            continue
        columns: dict[str, int] = {}
        for our, theirs in COLUMNS.items():
            found = next((names.index(name) for name in theirs if name in names), None)
            if found is not None:
                columns[our] = found
        missing = [FIELD_LABELS[name] for name in REQUIRED if name not in columns]
        if missing:
            raise CoopFileError(
                "Colonnes obligatoires absentes de l'export La Coop : " + ", ".join(missing) + "."
            )
        used = set(columns.values())
        ignored = [str(cell) for position, cell in enumerate(row) if position not in used and cell]
        return index, columns, ignored
    raise CoopFileError(
        "Ce fichier ne ressemble pas à un export d'activités de La Coop : aucune ligne "
        "d'en-tête avec « Date » et « Type » dans les 40 premières lignes."
    )


# --- One row ---------------------------------------------------------------------------------


class RowError(ValueError):
    pass


def _parts(cell: str) -> list[str]:
    """A multi-valued cell: one value per line (La Coop), or separated by « ; » or « , »."""
    return [part.strip() for part in re.split(r"[\n;,|]", cell or "") if part.strip()]


_FRENCH_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\b")


def parse_date(text: str, today: dt.date) -> dt.date:
    """« 05/03/2024 », « 5/3/24 », « 2024-03-05 » (a time after it is ignored)."""
    text = (text or "").strip()
    try:
        if match := _ISO_DATE.match(text):
            day = dt.date(*(int(part) for part in match.groups()))
        elif match := _FRENCH_DATE.match(text):
            day_text, month_text, year_text = match.groups()
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
            day = dt.date(year, int(month_text), int(day_text))
        else:
            raise ValueError(text)
    except ValueError as error:
        raise RowError(f"date illisible « {text} » (attendu : JJ/MM/AAAA)") from error
    if day > today:
        raise RowError(f"date dans le futur ({day:%d/%m/%Y})")
    if day < rules.EARLIEST_DATE:
        raise RowError(f"date trop ancienne ({day:%d/%m/%Y})")
    return day


def _integer(text: str, what: str) -> int:
    cleaned = (text or "").strip().replace("\u202f", "").replace(" ", "")
    if not re.fullmatch(r"\d+(\.0+)?", cleaned):
        raise RowError(f"{what} illisible « {text} »")
    return int(float(cleaned))


def _same_or(values: Iterable[str], mixed: str) -> str:
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else mixed


def parse_row(
    cells: Sequence[str],
    columns: Mapping[str, int],
    *,
    today: dt.date,
    communes: Mapping[str, int],
    places: Mapping[str, int],
    notes: Counter,
) -> dict[str, Any]:
    """Our values for one La Coop row; ``RowError`` with a French reason otherwise.

    ``communes`` maps « code postal + nom » and « nom » (normalised) to commune ids of the
    territory; ``places`` maps normalised place names of the structure to their ids."""

    def cell(name: str) -> str:
        position = columns.get(name)
        if position is None or position >= len(cells):
            return ""
        return str(cells[position]).strip()

    values: dict[str, Any] = {"occurred_on": parse_date(cell("date"), today)}
    kind_text = normalise(cell("type"))
    if kind_text not in KINDS:
        raise RowError(f"type inconnu « {cell('type')} »")
    kind = values["kind"] = KINDS[kind_text]

    themes: list[str] = ["demarcheEnLigne"] if kind_text in PAPERWORK_TYPES else []
    domains: list[str] = []
    for part in _parts(cell("themes")):
        found = COOP_THEMES.get(normalise(part))
        if found is None:
            raise RowError(f"thématique inconnue « {part} »")
        themes.append(found[0])
        if found[1]:
            domains.append(found[1])
    if not themes:
        raise RowError("aucune thématique")
    values["themes"] = rules.ordered_themes(themes)
    values["procedure_domain"] = _same_or(domains, "autre") if domains else ""

    duration = _integer(cell("duration"), "durée")
    if not rules.MIN_DURATION <= duration <= rules.MAX_DURATION:
        raise RowError(f"durée hors limites ({duration} min, de 1 à {rules.MAX_DURATION})")
    values["duration_minutes"] = duration

    participants_text = cell("participants")
    participants = _integer(participants_text, "nombre de participants") if participants_text else 1
    if participants < 1 or participants > rules.MAX_PARTICIPANTS:
        raise RowError(f"nombre de participants hors limites ({participants})")
    if kind == "individual" and participants != 1:
        raise RowError(f"un accompagnement individuel compte une personne, pas {participants}")
    values["participants"] = participants

    ages = [_age(part, notes) for part in _parts(cell("age"))] or [rules.NOT_GIVEN]
    values["age_bracket"] = _same_or(ages, rules.NOT_GIVEN)
    if len(set(ages)) > 1:
        notes["tranches d'âge différentes dans un atelier : comptées « non renseigné »"] += 1
    statuses = [_status(part) for part in _parts(cell("status"))] or [rules.NOT_GIVEN]
    status = _same_or(statuses, rules.HETEROGENEOUS if kind == "collective" else rules.NOT_GIVEN)
    if kind == "collective" and status == rules.NOT_GIVEN and cell("status"):
        status = rules.HETEROGENEOUS
    values["status"] = status

    autonomy_text = normalise(cell("autonomy"))
    # For a workshop this column holds the workshop's level, not the person's autonomy.
    values["autonomy_after"] = AUTONOMY.get(autonomy_text, "") if kind == "individual" else ""
    if kind == "individual" and autonomy_text and autonomy_text not in AUTONOMY:
        raise RowError(f"niveau d'autonomie illisible « {cell('autonomy')} »")
    redirected = normalise(cell("redirected"))
    if redirected not in YES | NO:
        raise RowError(f"« bénéficiaire réorienté » illisible « {cell('redirected')} »")
    values["follow_up"] = "redirected" if redirected in YES else ""

    values["commune"] = _commune(cell("commune"), communes, notes)
    values["place"] = _place(cell("place"), places, notes)
    return values


def _age(text: str, notes: Counter) -> str:
    key = normalise(text)
    if key not in AGES:
        raise RowError(f"tranche d'âge inconnue « {text} »")
    if key in APPROXIMATE_AGES:
        notes[APPROXIMATE_AGES[key]] += 1
    return AGES[key]


def _status(text: str) -> str:
    key = normalise(text)
    if key not in STATUSES:
        raise RowError(f"statut inconnu « {text} »")
    return STATUSES[key]


def _commune(text: str, communes: Mapping[str, int], notes: Counter) -> int | None:
    names = [normalise(part) for part in (text or "").split("\n")]
    names = [name for name in names if name]  # « - »: no commune for this person
    if not names:
        return None
    found = {communes.get(name) or communes.get(re.sub(r"^\d{5} ", "", name)) for name in names}
    if len(found) == 1 and None not in found:
        return found.pop()
    notes[UNKNOWN_COMMUNE] += 1
    return None


def _place(text: str, places: Mapping[str, int], notes: Counter) -> int | None:
    name = normalise((text or "").split(",")[0])
    if not name:
        return None
    if name in places:
        return places[name]
    notes["lieu qui n'est pas un lieu de la structure : non retenu"] += 1
    return None


def row_digest(values: Mapping[str, Any]) -> str:
    """What the row says, as read (no person, no free text): two identical rows of one file
    differ by their rank, added by the caller."""
    parts = [
        values["occurred_on"].isoformat(),
        values["kind"],
        ",".join(values["themes"]),
        values["procedure_domain"],
        str(values["duration_minutes"]),
        str(values["participants"]),
        values["age_bracket"],
        values["status"],
        values["autonomy_after"],
        values["follow_up"],
        str(values["commune"] or ""),
        str(values["place"] or ""),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def parse_export(
    name: str,
    content: bytes,
    *,
    today: dt.date,
    communes: Mapping[str, int],
    places: Mapping[str, int],
) -> Parsed:
    """Every data line of the export, read or refused with its line number (1 = first line
    of the file, as a spreadsheet shows it)."""
    table = read_table(name, content)
    header, columns, ignored = find_header(table)
    parsed = Parsed(header_line=header + 1, ignored_columns=ignored)
    body = [(header + 2 + offset, row) for offset, row in enumerate(table[header + 1 :])]
    body = [(line, row) for line, row in body if any(str(cell).strip() for cell in row)]
    if len(body) > MAX_ROWS:
        raise CoopFileError(f"Plus de {MAX_ROWS} lignes : exportez une période plus courte.")
    seen: Counter = Counter()
    for line, row in body:
        try:
            values = parse_row(
                row, columns, today=today, communes=communes, places=places, notes=parsed.notes
            )
        except RowError as error:
            parsed.rejected.append((line, str(error)))
            continue
        digest = row_digest(values)
        seen[digest] += 1
        parsed.rows.append(ParsedRow(line, values, f"{digest}:{seen[digest]}"))
    return parsed
