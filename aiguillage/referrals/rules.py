"""Pure rules of referrals: vocabularies, matching reasons, what the person takes away,
and the territory's anonymous statistics. No ORM here.

Vocabularies come from public sources: the national standard's services (places.vocabulary),
the three Grenoble pathways (assessments referential), DORA's decline reasons (simplified, see
research/mission-anchors.md §4.3) and La Coop de la médiation numérique's activity themes,
equipment and autonomy levels (§5.2) for what was done.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiguillage.disclosure import masked_texts
from aiguillage.places.hours import OpeningHoursError, describe_opening_hours
from aiguillage.places.hours.wording import DAY_NAMES, MONTH_NAMES, format_minutes
from aiguillage.places.rules import format_distance
from aiguillage.places.vocabulary import LANGUAGES, SERVICE_CODES
from aiguillage.workshops.rules import COOP_THEMES


@dataclass(frozen=True)
class Need:
    label: str
    hint: str
    services: tuple[str, ...]  # codes of places.vocabulary.SERVICE_CODES a place may offer


# Our needs, in the words of a social worker; each maps to the services that answer it.
NEEDS: dict[str, Need] = {
    "demarche": Need(
        "Faire une démarche en ligne",
        "CAF, impôts, France Travail, titre de séjour, Ameli…",
        ("demarches", "insertion"),
    ),
    "appareil": Need(
        "Se servir de son appareil",
        "Prendre en main son téléphone, sa tablette ou son ordinateur, le faire réparer",
        ("quotidien", "reparation"),
    ),
    "connexion": Need(
        "Accéder à internet",
        "Wifi, ordinateur en libre accès, impression de documents",
        ("acces", "wifi", "ordinateurs", "impression"),
    ),
    "apprendre": Need(
        "Apprendre le numérique",
        "Les bases, l'e-mail, la sécurité, des ateliers",
        ("quotidien", "securite", "comprehension"),
    ),
    "equipement": Need(
        "S'équiper en matériel",
        "Ordinateur ou téléphone à prix solidaire, prêt de matériel",
        ("materiel", "pret"),
    ),
}

# Domains of an administrative procedure (La Coop / Aidants Connect / service-public.fr).
PROCEDURE_DOMAINS: dict[str, str] = {
    "papiers_elections_citoyennete": "Papiers - Élections - Citoyenneté",
    "famille_scolarite": "Famille - Scolarité",
    "social_sante": "Social - Santé",
    "travail_formation": "Travail - Formation - Entreprise",
    "logement": "Logement",
    "transports_mobilite": "Transports - Mobilité",
    "argent_impots": "Argent - Impôts",
    "justice": "Justice",
    "etrangers_europe": "Étrangers - Europe",
    "loisirs_sports_culture": "Loisirs - Sports - Culture",
    "associations": "Associations",
}

# The person's own equipment (La Coop « Materiel »).
DEVICES: dict[str, str] = {
    "telephone": "Téléphone",
    "ordinateur": "Ordinateur",
    "tablette": "Tablette",
    "autre": "Autre",
    "aucun": "Pas de matériel",
}

CONNECTIONS: dict[str, str] = {
    "oui": "Oui, à la maison",
    "telephone": "Seulement sur son téléphone",
    "non": "Non",
}

# The three pathways of the Grenoble study (assessments referential v1), and the
# accompaniment modes of the standard that suit each.
PATHWAYS: dict[str, str] = {
    "assistance": "Parcours 1 : assistance numérique (faire avec ou à la place)",
    "acces_accompagne": "Parcours 2 : accès au numérique accompagné, de proximité",
    "autonomie": "Parcours 3 : mise en autonomie",
}
PATHWAY_MODES: dict[str, tuple[str, ...]] = {
    "assistance": ("Accompagnement individuel",),
    "acces_accompagne": ("Accompagnement individuel", "Dans un atelier collectif"),
    "autonomie": ("En autonomie", "Dans un atelier collectif"),
}

# Specific supports the sender may ask for (codes of places.rules.SUPPORT_CODES).
DISABILITY_SUPPORTS: dict[str, str] = {
    "surdite": "Surdité",
    "deficience-visuelle": "Déficience visuelle",
    "handicap-moteur": "Handicap moteur",
    "handicap-mental": "Handicap mental",
}
READING_SUPPORT = "illettrisme"

MAX_DISTANCES_KM: tuple[int, ...] = (1, 2, 5, 10, 20)

DECLINE_REASONS: dict[str, str] = {
    "pas_notre_service": "Ce n'est pas notre service",
    "complet": "Nous sommes complets",
    "injoignable": "Personne injoignable",
    "pas_venue": "La personne n'est pas venue",
    "autre": "Autre raison",
}

# What was done, in La Coop's activity vocabulary (« thématiques » of a CRA): its themes, one
# home in the workshops app, then the online procedures by domain.
ACTIVITIES: dict[str, str] = {
    **COOP_THEMES,
    **{code: f"Démarche : {label}" for code, label in PROCEDURE_DOMAINS.items()},
}
# La Coop's three autonomy levels, to say where the person stands after the accompaniment.
AUTONOMY: dict[str, str] = {
    "entierement_accompagne": "Avec guidage",
    "partiellement_autonome": "Autonome avec guidage en cas de besoin",
    "autonome": "Autonome",
}

# A referral left unanswered this long gets a reminder, then expires.
REMINDER_AFTER_DAYS = 10
EXPIRY_AFTER_DAYS = 30
# The receiving structure sees what the consent lists until this many days after the
# appointment (or the acceptance without one) or the outcome (permissions.receiver_sees_person).
RECEIVER_SEES_PERSON_DAYS = 30
# What the social worker explains before a referral, recorded with the consent; short
# sentences, like people.rules.CONSENT_EXPLANATION.
ORIENTATION_EXPLANATION = (
    "J'ai expliqué à la personne ce que verra la structure vers laquelle je l'oriente : son "
    "prénom, sa commune, ses langues, son besoin et mon message. Cette structure ne verra pas "
    "sa fiche. Elle verra ces informations pendant l'orientation, et jusqu'à "
    f"{RECEIVER_SEES_PERSON_DAYS} jours après le rendez-vous ou l'accompagnement. Si elle "
    "réoriente la personne ailleurs, la structure suivante verra la même chose."
)
# Statistics: counts from 1 to 4 are masked (a small count may single someone out).
SMALL_COUNT = 5


# --- Needs and matching -------------------------------------------------------------------


def services_for(needs: Iterable[str], services: Iterable[str]) -> list[str]:
    """Service codes a place may offer to answer the needs and the ticked services."""
    codes: list[str] = []
    for need in needs:
        codes.extend(NEEDS[need].services)
    codes.extend(services)
    return [code for code in dict.fromkeys(codes) if code in SERVICE_CODES]


def language_filter(languages: Sequence[str]) -> list[str]:
    """Languages a place must speak (one of): none when the person can be helped in French."""
    if not languages or "fr" in languages:
        return []
    return [code for code in languages if code in LANGUAGES]


@dataclass(frozen=True)
class PlaceFacts:
    """What matching needs to know about a place, read from the database by the caller."""

    services: frozenset[str]  # service codes offered
    modes: tuple[str, ...]  # modalites_accompagnement
    languages: tuple[str, ...]
    supports: frozenset[str]  # support codes
    is_free: bool


@dataclass(frozen=True)
class Wish:
    """What the sender asked for, as matching compares it with places."""

    services: tuple[str, ...]
    languages: tuple[str, ...] = ()
    supports: tuple[str, ...] = ()
    pathway: str = ""
    max_distance_m: float | None = None
    has_availability: bool = False


def match_reasons(
    place: PlaceFacts, wish: Wish, *, slot_text: str, distance_m: float | None
) -> list[str]:
    """Why a place fits, in the order a social worker reads them.

    « ouvert mardi 25 novembre, 14 h – 17 h », « accompagnement individuel », « parle arabe »,
    « à 1,2 km ».
    """
    reasons = []
    if slot_text:
        reasons.append(f"ouvert {slot_text}")
    wanted_modes = PATHWAY_MODES.get(wish.pathway, ("Accompagnement individuel",))
    modes = [mode for mode in wanted_modes if mode in place.modes]
    reasons.extend(mode.lower() for mode in modes[:1])
    offered = [SERVICE_CODES[code].lower() for code in wish.services if code in place.services]
    reasons.extend(offered[:2])
    spoken = [
        LANGUAGES[code] for code in wish.languages if code != "fr" and code in place.languages
    ]
    if spoken:
        reasons.append("parle " + " et ".join(spoken))
    for code in wish.supports:
        if code in place.supports:
            reasons.append(_support_reason(code))
    if place.is_free:
        reasons.append("gratuit")
    if distance_m is not None:
        reasons.append(f"à {format_distance(distance_m)}")
    return reasons


def mismatches(
    place: PlaceFacts, wish: Wish, *, has_slot: bool, distance_m: float | None
) -> list[str]:
    """Why a place chosen beforehand (from its page) may not fit; [] when it does."""
    problems = []
    if wish.services and not set(wish.services) & place.services:
        problems.append("ce lieu ne déclare pas ce service")
    if wish.has_availability and not has_slot:
        problems.append("fermé quand la personne est disponible (dans les 14 jours)")
    wanted_languages = language_filter(wish.languages)
    if wanted_languages and not set(wanted_languages) & set(place.languages):
        problems.append("l'équipe ne déclare pas parler les langues de la personne")
    for code in wish.supports:
        if code not in place.supports:
            problems.append(f"ne déclare pas d'accompagnement adapté ({_support_label(code)})")
    if (
        wish.max_distance_m is not None
        and distance_m is not None
        and distance_m > wish.max_distance_m
    ):
        problems.append(f"à {format_distance(distance_m)}, plus loin que ce que la personne peut")
    return problems


def _support_label(code: str) -> str:
    if code == READING_SUPPORT:
        return "difficultés à lire ou écrire"
    return DISABILITY_SUPPORTS.get(code, code).lower()


def _support_reason(code: str) -> str:
    return f"accompagnement adapté : {_support_label(code)}"


# --- From an assessment's result to the need form ----------------------------------------

# Flags of the assessment referential (assessments/referential/v1.json) and the need each one
# asks for.
FLAG_NEEDS: dict[str, str] = {
    "demarche_urgente": "demarche",
    "sans_appareil": "equipement",
    "appareil_emprunte": "equipement",
    "sans_connexion": "connexion",
}
# « Une démarche en ligne est à faire dans les 15 jours » (flag demarche_urgente).
URGENT_PROCEDURE_DAYS = 15


def need_from_assessment(
    *,
    flags: Iterable[str],
    pathway: str,
    services: Iterable[str],
    languages: Sequence[str],
    completed_on: dt.date,
    today: dt.date,
) -> dict[str, Any]:
    """The need form's first values from an assessment: its flags, the pathway of its
    typology and the services of its first recommended step. The sender can change them.

    Each recommended service becomes the first need that lists it; a person who speaks
    little French (flag « langue ») is helped in their other languages when they have some.
    """
    flags = set(flags)
    needs = [need for flag, need in FLAG_NEEDS.items() if flag in flags]
    for service in services:
        first = next((code for code, need in NEEDS.items() if service in need.services), None)
        if first is not None:
            needs.append(first)
    others = [code for code in languages if code != "fr"]
    deadline = completed_on + dt.timedelta(days=URGENT_PROCEDURE_DAYS)
    return {
        "needs": list(dict.fromkeys(needs)),
        "pathway": pathway if pathway in PATHWAYS else "",
        "devices": ["aucun"] if "sans_appareil" in flags else [],
        "connection": "non" if "sans_connexion" in flags else "",
        "reading": "lire_ecrire" in flags,
        "languages": others if "langue" in flags and others else list(languages) or ["fr"],
        "procedure_deadline": deadline
        if "demarche_urgente" in flags and deadline >= today
        else None,
    }


# --- What the person takes away ----------------------------------------------------------


def what_to_bring(needs: Iterable[str], devices: Iterable[str]) -> list[str]:
    """Short items for the sheet and the SMS (referrals.sms), most useful first."""
    needs, devices = set(needs), set(devices)
    items = []
    if "demarche" in needs:
        items.append("une pièce d'identité")
        items.append("les courriers reçus pour cette démarche")
        items.append("vos identifiants si vous en avez (numéro d'allocataire, mot de passe…)")
    if needs & {"appareil", "apprendre"} and devices - {"aucun"}:
        items.append("votre téléphone, tablette ou ordinateur, chargé, avec son chargeur")
    if "equipement" in needs:
        items.append("un justificatif de ressources (certaines aides le demandent)")
    if "connexion" in needs:
        items.append("une clé USB si vous voulez garder vos documents")
    return list(dict.fromkeys(items))


# --- Territory statistics (anonymous) ----------------------------------------------------


@dataclass(frozen=True)
class ReferralFacts:
    """One referral as statistics see it: no person, no free text."""

    month: str  # "2026-11"
    sender_kind: str
    receiver_kind: str
    was_accepted: bool
    was_declined: bool
    person_came: bool
    expired: bool
    answer_delay: dt.timedelta | None


@dataclass
class MonthRow:
    month: str
    sent: int = 0
    accepted: int = 0
    declined: int = 0
    came: int = 0
    expired: int = 0
    delays: list[dt.timedelta] = field(default_factory=list)


def masked(count: int) -> str:
    """« 0 », « < 5 » or the count: small counts may single someone out."""
    if 0 < count < SMALL_COUNT:
        return f"< {SMALL_COUNT}"
    return str(count)


def median_delay_days(delays: Sequence[dt.timedelta]) -> str:
    """« 1,5 jour », or « — » with fewer than SMALL_COUNT answers."""
    if len(delays) < SMALL_COUNT:
        return "—"
    days = statistics.median(delay.total_seconds() for delay in delays) / 86_400
    text = f"{days:.1f}".replace(".", ",")
    return f"{text} jour" if days < 2 else f"{text} jours"


def monthly_rows(facts: Iterable[ReferralFacts]) -> list[MonthRow]:
    rows: dict[str, MonthRow] = {}
    for fact in facts:
        row = rows.setdefault(fact.month, MonthRow(fact.month))
        row.sent += 1
        row.accepted += fact.was_accepted
        row.declined += fact.was_declined
        row.came += fact.person_came
        row.expired += fact.expired
        if fact.answer_delay is not None:
            row.delays.append(fact.answer_delay)
    return [rows[month] for month in sorted(rows)]


def total_row(rows: Sequence[MonthRow]) -> MonthRow:
    total = MonthRow("Total")
    for row in rows:
        total.sent += row.sent
        total.accepted += row.accepted
        total.declined += row.declined
        total.came += row.came
        total.expired += row.expired
        total.delays.extend(row.delays)
    return total


MONTH_COLUMNS: tuple[str, ...] = (
    "Envoyées",
    "Acceptées",
    "Refusées",
    "Personnes venues",
    "Expirées sans réponse",
    "Taux d'acceptation",
    "Taux de venue",
    "Délai médian de première réponse",
)


COUNT_FIELDS: tuple[str, ...] = ("sent", "accepted", "declined", "came", "expired")


@dataclass(frozen=True)
class DisplayedReferralTables:
    months: list[tuple[str, list[str]]]  # (month, cells in the order of MONTH_COLUMNS)
    total: list[str]
    flows: list[tuple[str, str, str]]  # (sender kind, receiver kind, count as shown)


def displayed_tables(
    months: Sequence[MonthRow], flows: Sequence[tuple[str, str, int]]
) -> DisplayedReferralTables:
    """The monthly table, its total row and the flows, masked together.

    Each count column of the months sums to the total row, and the flows sum to the total
    sent: one disclosure table with those lines, so that no « < 5 » can be worked out by
    subtraction from another cell of the page or of the export. A rate is shown only when
    both its counts are."""
    total = total_row(months)
    rows = [*months, total]
    values: dict[tuple[str, ...], int] = {
        (row.month, name): getattr(row, name) for row in rows for name in COUNT_FIELDS
    }
    values.update({("flux", sender, receiver): n for sender, receiver, n in flows})
    lines = [[(row.month, name) for row in rows] for name in COUNT_FIELDS]
    if flows:
        lines.append([*(("flux", s, r) for s, r, _ in flows), (total.month, "sent")])
    texts = masked_texts(values, lines)

    def rate(row: MonthRow, part: str) -> str:
        shown = texts[(row.month, part)].isdigit() and texts[(row.month, "sent")].isdigit()
        if not shown or row.sent == 0:
            return "—"
        return f"{round(100 * getattr(row, part) / row.sent)} %"

    def cells(row: MonthRow) -> list[str]:
        return [
            *(texts[(row.month, name)] for name in COUNT_FIELDS),
            rate(row, "accepted"),
            rate(row, "came"),
            median_delay_days(row.delays),
        ]

    return DisplayedReferralTables(
        months=[(row.month, cells(row)) for row in months],
        total=cells(total),
        flows=[(s, r, texts[("flux", s, r)]) for s, r, _ in flows],
    )


def flow_rows(facts: Iterable[ReferralFacts]) -> list[tuple[str, str, int]]:
    """(sender kind, receiver kind, count), largest flows first."""
    counts = Counter((fact.sender_kind, fact.receiver_kind) for fact in facts)
    return [(s, r, n) for (s, r), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def unmet_rows(needs_lists: Iterable[Sequence[str]]) -> list[tuple[str, int]]:
    """(need label, searches that found no place), most frequent first."""
    counts: Counter[str] = Counter()
    for needs in needs_lists:
        for code in dict.fromkeys(needs):
            counts[NEEDS[code].label if code in NEEDS else SERVICE_CODES.get(code, code)] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def unmet_by_commune(communes: Iterable[str]) -> list[tuple[str, int]]:
    counts: defaultdict[str, int] = defaultdict(int)
    for name in communes:
        counts[name or "commune non indiquée"] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


# --- Reading a referral -------------------------------------------------------------------


def availability_lines(availability: str) -> list[str]:
    """« mardi et jeudi : 14 h - 18 h »… or « n'importe quand » when nothing was ticked."""
    if not availability:
        return ["n'importe quand"]
    try:
        return describe_opening_hours(availability)
    except OpeningHoursError:
        return [availability]


def need_lines(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, text) lines describing a need, for the pages of both structures."""
    lines = []
    needs = [NEEDS[code].label for code in values.get("needs") or [] if code in NEEDS]
    services = [
        SERVICE_CODES[code] for code in values.get("services") or [] if code in SERVICE_CODES
    ]
    if needs or services:
        lines.append(("Besoin", ", ".join(needs + services)))
    procedure = [
        PROCEDURE_DOMAINS.get(values.get("procedure_domain") or "", ""),
        values.get("procedure_name") or "",
    ]
    if any(procedure):
        lines.append(("Démarche", " : ".join(part for part in procedure if part)))
    deadline = values.get("procedure_deadline")
    if deadline:
        lines.append(("À faire avant le", f"{deadline:%d/%m/%Y}"))
    devices = [DEVICES[code] for code in values.get("devices") or [] if code in DEVICES]
    if devices:
        lines.append(("Matériel", ", ".join(devices)))
    if values.get("connection") in CONNECTIONS:
        lines.append(("Internet à la maison", CONNECTIONS[values["connection"]]))
    lines.append(("Disponible", " ; ".join(availability_lines(values.get("availability") or ""))))
    languages = [LANGUAGES[code] for code in values.get("languages") or [] if code in LANGUAGES]
    if languages:
        lines.append(("Langues", ", ".join(languages)))
    supports = [_support_label(code) for code in values.get("supports") or []]
    if supports:
        lines.append(("Accompagnement adapté", ", ".join(supports)))
    if values.get("max_distance_km"):
        lines.append(("Se déplace jusqu'à", f"{values['max_distance_km']} km"))
    if values.get("pathway") in PATHWAYS:
        lines.append(("Parcours", PATHWAYS[values["pathway"]]))
    return lines


def moment_text(moment: dt.datetime) -> str:
    """« le mardi 25 novembre à 14 h 30 » (wall-clock time of ``moment``)."""
    day = f"{DAY_NAMES[moment.weekday()]} {moment.day} {MONTH_NAMES[moment.month - 1]}"
    return f"le {day} à {format_minutes(moment.hour * 60 + moment.minute)}"


def slot_start_text(moment: dt.datetime) -> str:
    """« le mardi 25 novembre à partir de 14 h », a first suggestion of when to come."""
    return moment_text(moment).replace(" à ", " à partir de ", 1)


def phone_display(raw: str) -> str:
    """« 04 76 00 00 00 » from « +33476000000 » or « 0476000000 »; other numbers as given."""
    digits = "".join(char for char in raw if char.isdigit() or char == "+")
    national = "0" + digits[3:] if digits.startswith("+33") and len(digits) == 12 else digits
    if len(national) == 10 and national.startswith("0"):
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return raw.strip()
