"""Pure rules of workshops: vocabularies, the default catalogue, recurring dates, cycle
completion and the SMS text for participants. No ORM here.

Vocabularies come from public sources: the national standard's services
(``places.vocabulary.SERVICE_CODES``), La Coop de la médiation numérique's themes, age
brackets and social statuses (research/mission-anchors.md §5.2), and the audiences listed
in issue 13 (Grand Chambéry's bilan, Grenoble's programme).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiguillage.places.hours.timeline import public_holidays
from aiguillage.places.hours.wording import DAY_NAMES, MONTH_NAMES, format_minutes
from aiguillage.sms import TWO_PARTS_SEPTETS, septets, to_gsm7

# --- Vocabularies -------------------------------------------------------------------------

# Who a cycle or a session is for (several at once).
AUDIENCES: dict[str, str] = {
    "habitants": "Habitants",
    "parents": "Parents",
    "enfants_jeunes": "Enfants et jeunes",
    "eleves": "Élèves",
    "jeunes_adultes": "Jeunes adultes",
    "professionnels": "Professionnels",
    "agents": "Agents",
    "elus": "Élus",
}

# La Coop's themes of mediation (« Thematique », without the procedure sub-themes).
COOP_THEMES: dict[str, str] = {
    "diagnostic_numerique": "Diagnostic numérique",
    "prendre_en_main_du_materiel": "Prendre en main du matériel",
    "maintenance_de_materiel": "Maintenance de matériel",
    "gere_ses_contenus_numeriques": "Gérer ses contenus numériques",
    "navigation_sur_internet": "Navigation sur internet",
    "email": "E-mail",
    "bureautique": "Bureautique",
    "reseaux_sociaux": "Réseaux sociaux communication",
    "sante": "Santé",
    "banque_et_achats_en_ligne": "Banque et achats en ligne",
    "entrepreneuriat": "Accompagner un professionnel",
    "insertion_professionnelle": "Insertion professionnelle",
    "securite_numerique": "Prévention en sécurité numérique",
    "parentalite": "Parentalité",
    "scolarite_et_numerique": "Scolarité et numérique",
    "creer_avec_le_numerique": "Créer avec le numérique",
    "culture_numerique": "Culture numérique",
    "intelligence_artificielle": "Intelligence artificielle (IA)",
    "aide_aux_demarches_administratives": "Aide aux démarches administratives",
}

# Anonymous participants are counted as La Coop counts them.
AGE_BRACKETS: dict[str, str] = {
    "moins_de_douze": "Moins de 12 ans",
    "douze_dix_huit": "12 – 18 ans",
    "dix_huit_vingt_quatre": "18 – 24 ans",
    "vingt_cinq_trente_neuf": "25 – 39 ans",
    "quarante_cinquante_neuf": "40 – 59 ans",
    "soixante_soixante_neuf": "60 – 69 ans",
    "soixante_dix_plus": "70 ans et plus",
    "non_communique": "Non communiqué",
}
SOCIAL_STATUSES: dict[str, str] = {
    "scolarise": "Scolarisé(e)",
    "sans_emploi": "Sans emploi",
    "en_emploi": "En emploi",
    "retraite": "Retraité(e)",
    "non_communique": "Non communiqué",
}
UNKNOWN = "non_communique"


@dataclass(frozen=True)
class KindSpec:
    label: str
    services: tuple[str, ...]  # keys of places.vocabulary.SERVICE_CODES
    themes: tuple[str, ...]  # keys of COOP_THEMES


# The catalogue every territory starts with (``actions.create_default_catalogue``).
DEFAULT_CATALOGUE: dict[str, KindSpec] = {
    "initiation_ordinateur": KindSpec(
        "Initiation à l'ordinateur",
        ("quotidien",),
        ("prendre_en_main_du_materiel", "navigation_sur_internet", "email", "bureautique"),
    ),
    "tablette_smartphone": KindSpec(
        "Tablette et smartphone",
        ("quotidien",),
        ("prendre_en_main_du_materiel", "gere_ses_contenus_numeriques"),
    ),
    "demarches_en_ligne": KindSpec(
        "Démarches en ligne",
        ("demarches",),
        ("aide_aux_demarches_administratives", "securite_numerique"),
    ),
    "atelier_thematique": KindSpec(
        "Atelier thématique",
        ("quotidien", "securite", "loisirs"),
        ("securite_numerique", "sante", "banque_et_achats_en_ligne", "creer_avec_le_numerique"),
    ),
    "parent_enfant": KindSpec(
        "Atelier parent-enfant",
        ("parentalite",),
        ("parentalite", "scolarite_et_numerique"),
    ),
    "education_medias": KindSpec(
        "Éducation aux médias",
        ("comprehension", "securite"),
        ("culture_numerique", "reseaux_sociaux", "intelligence_artificielle"),
    ),
    "formation_professionnels": KindSpec(
        "Formation de professionnels",
        ("comprehension", "demarches"),
        ("diagnostic_numerique", "aide_aux_demarches_administratives", "culture_numerique"),
    ),
    "information_collective": KindSpec(
        "Information collective",
        ("comprehension",),
        ("culture_numerique",),
    ),
}

# Share of a cycle's held sessions a participant attends to complete it, unless the
# territory sets another (``WorkshopSettings``).
DEFAULT_COMPLETION_THRESHOLD = 80
# A session longer than this is a typing mistake (« 14 h – 4 h »).
MAX_SESSION_HOURS = 12
# A recurring series creates at most this many sessions in one step (a school year).
MAX_SERIES_SESSIONS = 60


# --- Completion ---------------------------------------------------------------------------


def has_completed(*, attended: int, held: int, threshold_percent: int) -> bool:
    """A participant completed a cycle when attended / held ≥ the threshold.

    ``held`` counts the cycle's sessions that took place (not cancelled); nothing is
    completed before at least one was held. Integer arithmetic: 8 of 10 is exactly 80 %.
    """
    if held <= 0:
        return False
    return attended * 100 >= threshold_percent * held


def attendance_percent(*, attended: int, held: int) -> int | None:
    """Rounded share of held sessions attended, None before the first one."""
    if held <= 0:
        return None
    return round(100 * attended / held)


# --- Dates --------------------------------------------------------------------------------


class DateProblem(ValueError):
    """A French sentence explaining why a date or time cannot be used."""


def local_moment(day: dt.date, time: dt.time, tz: ZoneInfo) -> dt.datetime:
    """The aware moment of a wall-clock time in ``tz``.

    A time that does not exist that day (the hour skipped when clocks go forward) is
    refused rather than silently shifted.
    """
    moment = dt.datetime.combine(day, time, tzinfo=tz)
    round_trip = moment.astimezone(dt.UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
        raise DateProblem(
            f"{format_minutes(time.hour * 60 + time.minute)} n'existe pas le "
            f"{day_text(day)} (changement d'heure) : choisissez une autre heure."
        )
    return moment


def series_days(
    *,
    weekdays: Iterable[int],
    first_day: dt.date,
    last_day: dt.date,
    skip_public_holidays: bool,
) -> list[dt.date]:
    """Every date between ``first_day`` and ``last_day`` (both included) falling on one of
    ``weekdays`` (0 = Monday), without French public holidays when asked."""
    wanted = set(weekdays)
    if last_day < first_day or not wanted:
        return []
    count = (last_day - first_day).days + 1
    holidays = public_holidays(first_day, count) if skip_public_holidays else set()
    days = (first_day + dt.timedelta(days=offset) for offset in range(count))
    return [day for day in days if day.weekday() in wanted and day not in holidays]


def holidays_between(first_day: dt.date, last_day: dt.date) -> set[dt.date]:
    if last_day < first_day:
        return set()
    return public_holidays(first_day, (last_day - first_day).days + 1)


def overlaps(
    start: dt.datetime, end: dt.datetime, other_start: dt.datetime, other_end: dt.datetime
) -> bool:
    """Two half-open spans [start, end) share a moment (back-to-back is fine)."""
    return start < other_end and other_start < end


def age_bracket(birth_year: int | None, *, year: int) -> str:
    """La Coop's age bracket of someone born in ``birth_year``, in ``year``."""
    if birth_year is None:
        return UNKNOWN
    age = year - birth_year
    for limit, code in (
        (12, "moins_de_douze"),
        (18, "douze_dix_huit"),
        (25, "dix_huit_vingt_quatre"),
        (40, "vingt_cinq_trente_neuf"),
        (60, "quarante_cinquante_neuf"),
        (70, "soixante_soixante_neuf"),
    ):
        if age < limit:
            return code
    return "soixante_dix_plus"


# --- Wording ------------------------------------------------------------------------------


def day_text(day: dt.date) -> str:
    """« mardi 6 janvier »."""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"


def when_text(start: dt.datetime, end: dt.datetime) -> str:
    """« mardi 6 janvier, 14 h – 16 h » (wall-clock times of the territory)."""
    begin = format_minutes(start.hour * 60 + start.minute)
    finish = format_minutes(end.hour * 60 + end.minute)
    return f"{day_text(start.date())}, {begin} \u2013 {finish}"


def labels(codes: Iterable[str], vocabulary: dict[str, str]) -> list[str]:
    return [vocabulary[code] for code in codes if code in vocabulary]


# --- SMS (GSM 03.38: aiguillage/sms.py) -----------------------------------------------------

# How far back a workshop may be entered after the fact: a funder's programme runs for up
# to seven years and its final report comes later; an older year is likelier a typing slip.
AFTER_THE_FACT_MAX_YEARS = 12

# Two concatenated SMS.
SMS_MAX_SEPTETS = TWO_PARTS_SEPTETS


def _fit(text: str) -> str:
    while septets(text) > SMS_MAX_SEPTETS:
        text = text[: len(text) - max(1, septets(text) - SMS_MAX_SEPTETS) - 3].rstrip() + "..."
    return text


def sms_text(
    *,
    first_name: str,
    title: str,
    change: str,
    when: str,
    place: str,
    phone: str,
) -> str:
    """A short text for a participant's phone, in GSM 7-bit, in at most two SMS.

    ``change`` says what happened (« La séance du mardi 6 janvier est annulée. »), ``when``
    the next session; the title is shortened first, then the place, so that what changed,
    the date and the phone number always fit.
    """
    head = f"Bonjour {first_name}." if first_name else "Bonjour."
    parts_tail = [part for part in (change, f"Prochaine séance : {when}." if when else "") if part]
    contact = f"Tél. {phone}" if phone else ""
    for title_room, place_room in ((120, 120), (60, 80), (30, 50), (0, 0)):
        short_title = _shorten(title, title_room)
        short_place = _shorten(place, place_room)
        parts = [head]
        if short_title:
            parts.append(f"Atelier : {short_title}.")
        parts.extend(parts_tail)
        if short_place:
            parts.append(f"Lieu : {short_place}.")
        if contact:
            parts.append(contact)
        text = to_gsm7(" ".join(parts))
        if septets(text) <= SMS_MAX_SEPTETS:
            return text
    return _fit(text)


def _shorten(text: str, room: int) -> str:
    text = " ".join(text.split())
    if room <= 0:
        return ""
    if len(text) <= room:
        return text
    return text[: room - 1].rstrip() + "…"


def enrolment_change_line(
    *, cancelled: Sequence[dt.date], moved: Sequence[tuple[dt.datetime, dt.datetime]]
) -> str:
    """« Séance du mardi 6 janvier annulée. Séance du mardi 13 janvier déplacée au … »."""
    lines = [f"Séance du {day_text(day)} annulée." for day in cancelled]
    lines += [
        f"Séance du {day_text(before.date())} déplacée au {day_text(after.date())} "
        f"à {format_minutes(after.hour * 60 + after.minute)}."
        for before, after in moved
    ]
    return " ".join(lines)
