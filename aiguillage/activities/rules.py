"""Pure rules of the activity records: the national vocabulary, the theme bit mask, the
change window, periods, and the statistics tables as shown (masked). No ORM here."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from aiguillage.disclosure import MASK_BELOW, MASKED, SECONDARY, masked_texts

# --- National vocabulary (Conseiller numérique activity reports, « CRA ») ---------------

# The 19 themes, in the order of the national reports. A theme's bit in
# ``ActivityRecord.themes_mask`` is its position here: append new themes, never reorder.
THEMES: dict[str, str] = {
    "equipementInformatique": "Prendre en main un équipement",
    "smartphone": "Smartphone",
    "contenusNumeriques": "Gérer ses contenus numériques",
    "demarcheEnLigne": "Démarche en ligne",
    "trouverEmploi": "Trouver un emploi ou une formation",
    "internet": "Naviguer sur internet",
    "courriel": "Courriels",
    "traitementTexte": "Traitement de texte",
    "vocabulaire": "Vocabulaire et culture numérique",
    "echanger": "Échanger avec ses proches",
    "tpePme": "Accompagner une TPE ou PME",
    "accompagnerEnfant": "Accompagner son enfant",
    "sante": "Santé",
    "securite": "Sécurité",
    "fraudeEtHarcelement": "Fraude et harcèlement",
    "diagnostic": "Diagnostic numérique",
    "budget": "Budget, banque et achats en ligne",
    "scolaire": "Scolarité",
    "autre": "Autre",
}
THEME_BITS: dict[str, int] = {code: 1 << index for index, code in enumerate(THEMES)}
ALL_THEMES_MASK = (1 << len(THEMES)) - 1
ONLINE_PROCEDURE = "demarcheEnLigne"

# Which organisation the online procedure was for (only with the theme « démarche en ligne »).
PROCEDURE_DOMAINS: dict[str, str] = {
    "caf": "CAF",
    "impots": "Impôts",
    "ants": "ANTS (papiers, permis, carte grise)",
    "sante": "Santé (Ameli…)",
    "emploi": "Emploi (France Travail)",
    "retraite": "Retraite",
    "logement": "Logement",
    "justice": "Justice",
    "energie": "Énergie",
    "autre": "Autre démarche",
}

# Age brackets and statuses: the national codes (keys of conum_cra_par_departement), plus
# « non renseigné » so that every breakdown adds up to its total.
NOT_GIVEN = "nonRenseigne"
AGE_BRACKETS: dict[str, str] = {
    "moins12ans": "Moins de 12 ans",
    "de12a18ans": "12 à 18 ans",
    "de18a35ans": "18 à 35 ans",
    "de35a60ans": "35 à 60 ans",
    "plus60ans": "Plus de 60 ans",
    NOT_GIVEN: "Non renseigné",
}
STATUSES: dict[str, str] = {
    "etudiant": "Scolarisé ou étudiant",
    "sansEmploi": "Sans emploi",
    "enEmploi": "En emploi",
    "retraite": "Retraité",
    "heterogene": "Groupe hétérogène",
    NOT_GIVEN: "Non renseigné",
}
HETEROGENEOUS = "heterogene"

# Durations offered as buttons; the last one means « 2 h et plus ». Any whole number of
# minutes within the bounds is accepted (imports, derived records).
DURATION_CHOICES: tuple[int, ...] = (5, 15, 30, 45, 60, 90, 120)
MIN_DURATION = 1
MAX_DURATION = 600
MAX_PARTICIPANTS = 1000
EARLIEST_DATE = dt.date(2000, 1, 1)

# A record may be corrected or deleted this long after it was written (see docs/activities.md).
CHANGE_WINDOW_DAYS = 7


def themes_mask(codes: Iterable[str]) -> int:
    mask = 0
    for code in codes:
        mask |= THEME_BITS[code]
    return mask


def themes_from_mask(mask: int) -> list[str]:
    return [code for code, bit in THEME_BITS.items() if mask & bit]


def ordered_themes(codes: Iterable[str]) -> list[str]:
    """The codes once each, in the national order."""
    return themes_from_mask(themes_mask(codes))


def duration_label(minutes: int) -> str:
    if minutes >= 120:
        return "2 h et plus" if minutes == 120 else f"{minutes // 60} h {minutes % 60:02d}"
    if minutes >= 60:
        rest = minutes - 60
        return "1 h" if not rest else f"1 h {rest:02d}"
    return f"{minutes} min"


def can_change(*, is_recorder: bool, is_manager: bool, created_at: dt.datetime, now: dt.datetime):
    """Correct or delete a record: within CHANGE_WINDOW_DAYS of its creation, by the person
    who wrote it or a manager of the structure. Older figures may already have been reported
    to a funder: they stay as they are."""
    if now - created_at > dt.timedelta(days=CHANGE_WINDOW_DAYS):
        return False
    return is_recorder or is_manager


# --- Periods ------------------------------------------------------------------------------

PRESETS: dict[str, str] = {
    "12mois": "12 derniers mois",
    "mois": "Ce mois-ci",
    "annee": "Une année civile",
    "dates": "Dates choisies",
}
MAX_PERIOD_YEARS = 30


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"

    @property
    def slug(self) -> str:
        return f"{self.start:%Y-%m-%d}_{self.end:%Y-%m-%d}"


def preset_period(preset: str, today: dt.date, *, year: int | None = None) -> Period:
    if preset == "mois":
        return Period(today.replace(day=1), today)
    if preset == "annee":
        year = year or today.year
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    # Twelve months back to the same day: the last 12 months, today included.
    last_day = calendar.monthrange(today.year - 1, today.month)[1]
    start = dt.date(today.year - 1, today.month, min(today.day, last_day)) + dt.timedelta(days=1)
    return Period(start, today)


# --- Statistics, as shown -----------------------------------------------------------------

RECORDS = "records"
PARTICIPANTS = "participants"
MEASURES = (RECORDS, PARTICIPANTS)
TOTAL = "total"


@dataclass
class Counts:
    """What the database counted for a period: (records, participants) per value."""

    records: int = 0
    participants: int = 0
    # People: participants of records without a file, plus each file once.
    people: int = 0
    by: dict[str, dict] = field(default_factory=dict)  # dimension → value → (records, people)
    themes: dict[str, tuple[int, int]] = field(default_factory=dict)
    places: dict[tuple, tuple[int, int]] = field(default_factory=dict)  # (org id, place id)


@dataclass
class Row:
    label: str
    records: str
    participants: str
    level: int = 0  # 1: a place under its structure
    key: object = None
    withheld: bool = False  # masked whole with its group (``_place_split``)


@dataclass
class Table:
    slug: str
    title: str
    rows: list[Row]
    total: Row | None
    note: str = ""
    # Withheld: its small counts could only be protected by hiding the period's total.
    withheld: bool = False


WITHHELD_NOTE = (
    "Tableau masqué : trop de petits nombres sur la période pour le montrer sans laisser "
    "retrouver l'un d'eux."
)


def _pair(pairs: Mapping, key) -> tuple[int, int]:
    return pairs.get(key, (0, 0))


def _s(key) -> str:
    """Cells are keyed by text: ids and None (« non indiqué ») sort together in the
    disclosure module, which orders cells of equal counts by their key."""
    return "-" if key is None else str(key)


def _column_values(prefix: str, pairs: Mapping, keys: Sequence) -> dict:
    values = {}
    for key in keys:
        records, participants = _pair(pairs, key)
        values[(prefix, _s(key), RECORDS)] = records
        values[(prefix, _s(key), PARTICIPANTS)] = participants
    return values


def total_text(count: int) -> str:
    """How a period's total is shown in every table: masked only when it is small itself."""
    return MASKED if 0 < count < MASK_BELOW else str(count)


def _finish(table: Table, texts: Mapping, totals: Mapping[str, str]) -> Table:
    """The period's totals are shown the same everywhere. A table whose masking had to hide
    a total that is shown elsewhere would let its small counts be worked out from that
    total: it is withheld whole (every cell masked, zeros too)."""
    table.withheld = any(texts[(TOTAL, m)] != totals[m] for m in MEASURES)
    if table.withheld:
        for row in table.rows:
            row.records = row.participants = SECONDARY
        table.note = WITHHELD_NOTE
    if table.total is not None:
        table.total.records, table.total.participants = totals[RECORDS], totals[PARTICIPANTS]
    return table


def _flat_table(
    slug: str, title: str, counts: Counts, labels: Mapping, totals: Mapping[str, str]
) -> Table:
    """A breakdown whose rows add up to the period's totals; masked on its own lines."""
    pairs = counts.by.get(slug, {})
    keys = list(labels)
    values = _column_values(slug, pairs, keys)
    values[(TOTAL, RECORDS)] = counts.records
    values[(TOTAL, PARTICIPANTS)] = counts.participants
    lines = [[*((slug, _s(key), m) for key in keys), (TOTAL, m)] for m in MEASURES]
    if slug == "kind" and "individual" in labels:
        # An individual accompaniment is one person: both counts are the same number.
        lines.append([(slug, "individual", RECORDS), (slug, "individual", PARTICIPANTS)])
    texts = masked_texts(values, lines)
    rows = [
        Row(
            str(labels[key]),
            texts[(slug, _s(key), RECORDS)],
            texts[(slug, _s(key), PARTICIPANTS)],
            key=key,
        )
        for key in keys
    ]
    table = Table(slug, title, rows, Row("Total", "", ""))
    return _finish(table, texts, totals)


def _place_split(
    org_id, places: Mapping, org_texts: Mapping[str, str], place_names: Mapping, level: int
) -> list[Row]:
    """The rows of one structure's places, masked under the structure's count, which is
    shown: the lines are its places and that count. If protecting a place would need the
    structure's count hidden, its places are withheld (every cell masked)."""
    place_ids = sorted(places, key=lambda p: (p is None, str(place_names.get(p, "")).lower()))
    values: dict = {}
    for place_id in place_ids:
        for m_index, m in enumerate(MEASURES):
            values[(_s(place_id), m)] = places[place_id][m_index]
    for m_index, m in enumerate(MEASURES):
        values[("structure", m)] = sum(pair[m_index] for pair in places.values())
    lines = [[*((_s(p), m) for p in place_ids), ("structure", m)] for m in MEASURES]
    texts = masked_texts(values, lines)
    withheld = any(texts[("structure", m)] != org_texts[m] for m in MEASURES)
    rows = []
    for place_id in place_ids:
        label = (place_names.get(place_id) if place_id is not None else None) or (
            "Sans lieu précisé"
        )
        cells = [SECONDARY if withheld else texts[(_s(place_id), m)] for m in MEASURES]
        key = ("place", org_id, place_id)
        rows.append(Row(label, *cells, level=level, key=key, withheld=withheld))
    return rows


def _place_table(
    counts: Counts,
    organisation_names: Mapping,
    place_names: Mapping,
    totals: Mapping[str, str],
    *,
    single: bool,
) -> Table:
    """Structures and, under each, its places and « sans lieu précisé ».

    First the structures, masked on their line (they add up to the period's total); then
    each structure whose counts are shown is split by place, masked under that count alone
    (``_place_split``). A structure whose count is hidden is not split, or its places would
    give it away; nor one with fewer than 5 accompaniments, whose places would all be small
    counts under a small count. So every structure's places depend on one shown number
    only, and the structures' line holds whatever the places show."""
    by_org: dict = {}
    for (org_id, place_id), pair in counts.places.items():
        by_org.setdefault(org_id, {})[place_id] = pair
    order = sorted(by_org, key=lambda org: str(organisation_names.get(org, "")).lower())
    values: dict = {(TOTAL, RECORDS): counts.records, (TOTAL, PARTICIPANTS): counts.participants}
    for org_id in order:
        for m_index, m in enumerate(MEASURES):
            values[("org", _s(org_id), m)] = sum(p[m_index] for p in by_org[org_id].values())
    lines = [[*(("org", _s(org_id), m) for org_id in order), (TOTAL, m)] for m in MEASURES]
    texts = masked_texts(values, lines)
    rows: list[Row] = []
    for org_id in order:
        org_texts = {m: texts[("org", _s(org_id), m)] for m in MEASURES}
        if not single:
            name = str(organisation_names.get(org_id, "Structure"))
            rows.append(Row(name, *org_texts.values(), key=("org", org_id)))
        shown = all(text.isdigit() for text in org_texts.values())
        if shown and values[("org", _s(org_id), RECORDS)] >= MASK_BELOW:
            rows += _place_split(org_id, by_org[org_id], org_texts, place_names, 0 if single else 1)
    title = "Par lieu" if single else "Par structure et lieu"
    note = "" if not single or rows else "Moins de 5 accompagnements : pas de détail par lieu."
    return _finish(Table("places", title, rows, Row("Total", "", ""), note), texts, totals)


def _theme_tables(counts: Counts) -> tuple[Table, Table, dict[str, str]]:
    """Themes (one record may have several: no total) and, for the online procedures, their
    organisation, whose rows add up to the theme's count: masked together. Fewer than 5
    online procedures are not split by organisation."""
    values = _column_values("theme", counts.themes, list(THEMES))
    online = _pair(counts.themes, ONLINE_PROCEDURE)
    split = online[0] >= MASK_BELOW
    domains = {**PROCEDURE_DOMAINS, "": "Non précisé"} if split else {}
    pairs = dict(counts.by.get("procedure_domain", {}))
    # Records of the theme without an organisation: the theme's count less those with one.
    given = [sum(pair[i] for key, pair in pairs.items() if key) for i in (0, 1)]
    pairs[""] = (online[0] - given[0], online[1] - given[1])
    values.update(_column_values("procedure", pairs, list(domains)))
    lines = (
        [
            [*(("procedure", key, m) for key in domains), ("theme", ONLINE_PROCEDURE, m)]
            for m in MEASURES
        ]
        if split
        else []
    )
    texts = masked_texts(values, lines)

    def rows(prefix: str, labels: Mapping) -> list[Row]:
        return [
            Row(
                label,
                texts[(prefix, _s(key), RECORDS)],
                texts[(prefix, _s(key), PARTICIPANTS)],
                key=key,
            )
            for key, label in labels.items()
        ]

    themes = Table(
        "themes",
        "Par thème",
        rows("theme", THEMES),
        None,
        note="Un accompagnement peut porter sur plusieurs thèmes : la colonne n'a pas de total.",
    )
    online_row = Row(
        "Total « démarche en ligne »",
        texts[("theme", ONLINE_PROCEDURE, RECORDS)],
        texts[("theme", ONLINE_PROCEDURE, PARTICIPANTS)],
    )
    note = "" if split else "Moins de 5 démarches en ligne : pas de détail par organisme."
    procedures = Table(
        "procedures",
        "Démarches en ligne, par organisme",
        rows("procedure", domains),
        online_row,
        note,
    )
    return themes, procedures, texts


@dataclass
class Displayed:
    """Every table of the statistics page and of its exports, already masked."""

    tables: list[Table]
    records: str
    participants: str
    people: str
    texts: dict = field(default_factory=dict)  # (table slug, key, measure) → text

    def table(self, slug: str) -> Table:
        return next(table for table in self.tables if table.slug == slug)


FLAT_TABLES: tuple[tuple[str, str], ...] = (
    ("kind", "Par type d'accompagnement"),
    ("age_bracket", "Par tranche d'âge"),
    ("status", "Par situation"),
    ("commune", "Par commune de la personne"),
    ("how", "Fait pour, avec ou par la personne"),
    ("autonomy_after", "Autonome à l'issue"),
    ("follow_up", "Suite proposée"),
    ("source", "Origine de l'enregistrement"),
)
TABLE_ORDER = (
    "kind",
    "places",
    "themes",
    "procedures",
    "age_bracket",
    "status",
    "commune",
    "how",
    "autonomy_after",
    "follow_up",
    "source",
)


def displayed_statistics(
    counts: Counts,
    *,
    labels: Mapping[str, Mapping],
    organisation_names: Mapping,
    place_names: Mapping,
    single_organisation: bool,
) -> Displayed:
    """Every table masked on its own lines, the period's totals shown the same in all.

    Tables share no cell but the two totals. With the totals shown, each table's masking
    holds whatever the others show; a table that would need a total hidden is withheld
    (``_finish``). A small total is « < 5 » everywhere, and a table whose every count is
    small hides its zeros too (``disclosure.masked_texts``): none can pin the total."""
    totals = {
        RECORDS: total_text(counts.records),
        PARTICIPANTS: total_text(counts.participants),
    }
    built = {
        "places": _place_table(
            counts, organisation_names, place_names, totals, single=single_organisation
        )
    }
    themes, procedures, theme_texts = _theme_tables(counts)
    built |= {"themes": themes, "procedures": procedures}
    for slug, title in FLAT_TABLES:
        built[slug] = _flat_table(slug, title, counts, labels[slug], totals)
    texts: dict = {}
    for (prefix, key, measure), text in theme_texts.items():
        texts[("themes" if prefix == "theme" else "procedures", key, measure)] = text
    for slug, _title in FLAT_TABLES:
        for row in built[slug].rows:
            texts[(slug, _s(row.key), RECORDS)] = row.records
            texts[(slug, _s(row.key), PARTICIPANTS)] = row.participants
    for m in MEASURES:
        texts[(TOTAL, None, m)] = totals[m]
    people_text = masked_texts({"people": counts.people}, [])["people"]
    texts[("people", None, PARTICIPANTS)] = people_text
    return Displayed(
        tables=[built[slug] for slug in TABLE_ORDER],
        records=totals[RECORDS],
        participants=totals[PARTICIPANTS],
        people=people_text,
        texts=texts,
    )


# --- The national activity-report shape (conum_cra_par_departement_2024-02.json) -----------

# (national key, label, where our masked count comes from: table slug, key, measure)
NATIONAL_ROWS: list[tuple[str, str, tuple]] = [
    ("usagers", "Usagers (personnes différentes)", ("people", None, PARTICIPANTS)),
    ("accompagnements", "Accompagnements (de personnes)", (TOTAL, None, PARTICIPANTS)),
    *(
        (f"themes.{code}", f"Thème : {label}", ("themes", code, RECORDS))
        for code, label in THEMES.items()
    ),
    *(
        (f"statut.{code}", f"Situation : {label}", ("status", code, PARTICIPANTS))
        for code, label in STATUSES.items()
    ),
    (
        "accompagnement.individuel",
        "Suite : accompagnement individuel",
        ("follow_up", "individual", PARTICIPANTS),
    ),
    ("accompagnement.atelier", "Suite : atelier", ("follow_up", "workshop", PARTICIPANTS)),
    (
        "accompagnement.redirection",
        "Suite : orientée ailleurs",
        ("follow_up", "redirected", PARTICIPANTS),
    ),
    ("activite.collectif", "Activité : collective", ("kind", "collective", RECORDS)),
    ("activite.ponctuel", "Activité : réponse rapide", ("kind", "quick", RECORDS)),
    ("activite.individuel", "Activité : individuelle", ("kind", "individual", RECORDS)),
    *(
        (code, f"Âge : {label}", ("age_bracket", code, PARTICIPANTS))
        for code, label in AGE_BRACKETS.items()
    ),
]


NATIONAL_ACTIVITIES = ("collectif", "ponctuel", "individuel")


def national_value(figures: Mapping, key: str) -> int | None:
    """A department's figure for a national key (« themes.sante »), None when absent."""
    value: object = figures
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value if isinstance(value, int) else None


@dataclass
class NationalRow:
    key: str
    label: str
    ours: str
    ours_share: str
    department: str
    department_share: str
    is_national: bool


def _share(value: int | None, total: int | None) -> str:
    if value is None or not total:
        return ""
    return f"{100 * value / total:.1f} %".replace(".", ",")


def national_rows(displayed: Displayed, department: Mapping | None) -> list[NationalRow]:
    """Our masked counts beside the department's, row by row, in the national shape, each
    with its share: of the people (« accompagnements ») for people counts, of the records
    (the sum of « activite ») for themes and activities. Ours only when both numbers are
    shown. Rows « non renseigné » are ours only (the national file has no such key)."""
    people_base = national_value(department, "accompagnements") if department else None
    activities = [national_value(department, f"activite.{k}") for k in NATIONAL_ACTIVITIES]
    records_base = sum(v for v in activities if v) if department else None
    ours_base = {RECORDS: displayed.records, PARTICIPANTS: displayed.participants}
    rows = []
    for key, label, source in NATIONAL_ROWS:
        value = national_value(department, key) if department else None
        national = not key.endswith(NOT_GIVEN)
        measure = source[2]
        ours = displayed.texts[source]
        shared = key != "usagers" and ours.isdigit() and ours_base[measure].isdigit()
        base = records_base if measure == RECORDS else people_base
        rows.append(
            NationalRow(
                key=key,
                label=label if national else f"{label} (hors format national)",
                ours=ours,
                ours_share=_share(int(ours), int(ours_base[measure])) if shared else "",
                department="" if value is None else f"{value}",
                department_share=_share(value, base) if key != "usagers" else "",
                is_national=national,
            )
        )
    return rows


def export_rows(displayed: Displayed) -> list[list[str]]:
    """The long format shared by the CSV and the XLSX: table, row, accompaniments, people."""
    out = [["tableau", "ligne", "accompagnements", "personnes"]]
    out.append(["ensemble", "total", displayed.records, displayed.participants])
    out.append(["ensemble", "personnes différentes (usagers)", "", displayed.people])
    for table in displayed.tables:
        for row in table.rows:
            label = f"  {row.label}" if row.level else row.label
            out.append([table.title, label, row.records, row.participants])
        if table.total is not None:
            total = table.total
            out.append([table.title, total.label, total.records, total.participants])
    return out
