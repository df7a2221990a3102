"""The public search form « Trouver de l'aide numérique près de chez moi ».

Every criterion travels in the query string so that a search can be shared,
bookmarked and reloaded. Bad values (a service code that does not exist, a
malformed date or position) become French form errors, never a server error.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django import forms

from aiguillage.places import hours
from aiguillage.places.hours.syntax import OSM_DAYS
from aiguillage.places.hours.wording import DAY_NAMES, MONTH_NAMES
from aiguillage.places.rules import SUPPORT_CODES
from aiguillage.places.search import PARIS, SearchQuery
from aiguillage.places.vocabulary import LANGUAGES, SERVICE_CODES, SERVICE_GROUPS
from aiguillage.territories.models import Commune, normalise_search

PAGE_SIZE = 20
# Deep pages cost a scan of every earlier place; nobody reads 1,000 places.
MAX_PAGE = 50
DAYS_AHEAD = 7
# Most communes of a territory fit; a longer list is no help to choose from.
MAX_COMMUNE_CHOICES = 12

WHEN_NOW = "maintenant"
WHEN_SLOT = "creneau"
WHEN_AVAILABLE = "disponible"
WHEN_CHOICES = (
    ("", "Peu importe"),
    (WHEN_NOW, "Ouvert maintenant"),
    (WHEN_SLOT, "Ouvert un jour et un créneau choisis"),
    (WHEN_AVAILABLE, "Ouvert quand je suis disponible (sur deux semaines)"),
)
# Weekdays as people tick them for their availability, with their OSM codes.
WEEKDAY_CHOICES: tuple[tuple[str, str], ...] = tuple(
    (code, name) for code, name in zip(OSM_DAYS, DAY_NAMES, strict=True)
)


@dataclass(frozen=True)
class TimeSlot:
    label: str
    start: dt.time
    end: dt.time


SLOTS: dict[str, TimeSlot] = {
    "matin": TimeSlot("le matin (9 h – 12 h)", dt.time(9), dt.time(12)),
    "midi": TimeSlot("le midi (12 h – 14 h)", dt.time(12), dt.time(14)),
    "apres-midi": TimeSlot("l'après-midi (14 h – 18 h)", dt.time(14), dt.time(18)),
    "soir": TimeSlot("le soir (18 h – 21 h)", dt.time(18), dt.time(21)),
}

# Foreign languages are chosen among the spoken languages; these are the other supports.
SUPPORT_FILTERS: tuple[str, ...] = (
    "surdite",
    "deficience-visuelle",
    "handicap-moteur",
    "handicap-mental",
    "illettrisme",
)

# « Saint-Égrève (38120) », as the suggestions and the choice list write a commune.
COMMUNE_LABEL_RE = re.compile(r"^(?P<name>.+?)\s*\(\s*(?P<code>\d{5})\s*\)$")
_SAINT_RE = re.compile(r"^(st|ste)\b")
# Where the error summary sends the person for each field (ids of the search template).
ERROR_ANCHORS: dict[str, str] = {
    "ou": "id_ou",
    "services": "service-demarches",
    "quand": "quand-",
    "jour": "id_jour",
    "creneau": "id_creneau",
    "dispo_jours": "dispo-jour-Mo",
    "dispo_creneaux": "dispo-creneau-matin",
    "langues": "langue-fr",
    "prise_en_charge": "support-surdite",
}


def commune_label(commune: Commune) -> str:
    """« Grenoble (38000) »: a commune as people recognise it, unique in practice."""
    postcodes = commune.postcode_list
    return f"{commune.name} ({postcodes[0]})" if postcodes else commune.name


def _search_name(text: str) -> str:
    name = normalise_search(text)
    # People write « St Égrève » as often as « Saint-Égrève ».
    return _SAINT_RE.sub(lambda m: "saint" if m.group(1) == "st" else "sainte", name)


def find_communes(text: str) -> list[Commune]:
    """Communes that ``text`` may mean, the likeliest first; one when it is unambiguous.

    ``text`` is a name (or its beginning), a postcode (or its beginning) or a
    label « Nom (code postal) ». An exact name wins over longer names it starts.
    """
    text = text.strip()
    communes = Commune.objects.select_related("territory").prefetch_related("postcodes")
    label = COMMUNE_LABEL_RE.match(text)
    if label:
        exact = communes.filter(
            search_name=_search_name(label["name"]), postcodes__code=label["code"]
        ).distinct()
        if exact:
            return list(exact)
        text = label["name"]
    if not text.isdigit():
        exact = list(communes.filter(search_name=_search_name(text)))
        if exact:
            return exact
        text = _search_name(text)
    if not text:
        return []
    return list(communes.matching(text).order_by("-population", "name")[:MAX_COMMUNE_CHOICES])


def day_label(day: dt.date, today: dt.date) -> str:
    """« aujourd'hui, mardi 24 novembre », « demain, mercredi 25 novembre », « jeudi 26… »."""
    name = f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"
    if day == today:
        return f"aujourd'hui, {name}"
    if day == today + dt.timedelta(days=1):
        return f"demain, {name}"
    return name


def availability_to_osm(cells: list[tuple[str, str]]) -> str:
    """OSM text of (weekday code, slot code) cells: [("Tu", "soir")] → « Tu 18:00-21:00 »."""
    by_day: dict[str, list[tuple[dt.time, dt.time]]] = {}
    for day, slot_code in cells:
        slot = SLOTS[slot_code]
        by_day.setdefault(day, []).append((slot.start, slot.end))
    return hours.slots_to_osm(by_day)


class PlaceSearchForm(forms.Form):
    """Where, what, when and for whom; ``search_query()`` turns it into a SearchQuery."""

    ou = forms.CharField(
        label="Où ?",
        help_text="Votre commune ou votre code postal",
        required=False,
        max_length=100,
        error_messages={"max_length": "Indiquez seulement le nom de la commune ou le code postal."},
    )
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lon = forms.CharField(required=False, widget=forms.HiddenInput)
    services = forms.MultipleChoiceField(
        label="De quoi avez-vous besoin ?",
        required=False,
        choices=list(SERVICE_CODES.items()),
        error_messages={
            "invalid_choice": "Le besoin « %(value)s » n'existe pas : cochez un besoin de la liste."
        },
    )
    quand = forms.ChoiceField(
        label="Quand ?",
        required=False,
        choices=WHEN_CHOICES,
        error_messages={"invalid_choice": "Choisissez « maintenant » ou un jour et un créneau."},
    )
    jour = forms.CharField(label="Jour", required=False)
    creneau = forms.CharField(label="Créneau", required=False)
    dispo_jours = forms.MultipleChoiceField(
        label="Jours où je suis disponible",
        required=False,
        choices=WEEKDAY_CHOICES,
        error_messages={"invalid_choice": "Cochez des jours de la semaine."},
    )
    dispo_creneaux = forms.MultipleChoiceField(
        label="Moments de la journée",
        required=False,
        choices=[(code, slot.label) for code, slot in SLOTS.items()],
        error_messages={"invalid_choice": "Cochez des moments de la journée de la liste."},
    )
    gratuit = forms.BooleanField(label="Gratuit", required=False)
    rdv = forms.BooleanField(label="Prise de rendez-vous en ligne", required=False)
    langues = forms.MultipleChoiceField(
        label="Langue parlée",
        required=False,
        choices=list(LANGUAGES.items()),
        error_messages={
            "invalid_choice": "La langue « %(value)s » n'est pas dans la liste : cochez une langue."
        },
    )
    prise_en_charge = forms.MultipleChoiceField(
        label="Accompagnement adapté",
        required=False,
        choices=[(code, SUPPORT_CODES[code]) for code in SUPPORT_FILTERS],
        error_messages={
            "invalid_choice": "L'accompagnement « %(value)s » n'est pas dans la liste : "
            "cochez un accompagnement de la liste."
        },
    )
    page = forms.IntegerField(
        label="Page",
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={
            "invalid": "Le numéro de page n'est pas valide.",
            "min_value": "Le numéro de page n'est pas valide.",
            "max_value": f"Affinez votre recherche : seules les {MAX_PAGE} premières pages "
            "sont affichées.",
        },
    )

    def __init__(self, *args, today: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.days = [today + dt.timedelta(days=n) for n in range(DAYS_AHEAD)]
        # Communes among which the person must choose when « ou » is ambiguous.
        self.commune_choices: list[Commune] = []

    # --- Validation -----------------------------------------------------------------

    def clean(self) -> dict:
        data = super().clean()
        data["commune"] = self._clean_commune(data.get("ou") or "")
        data["position"] = self._clean_position() if data["commune"] is None else None
        data["window"] = self._clean_window(data)
        data["availability"] = self._clean_availability(data)
        return data

    def _clean_commune(self, text: str) -> Commune | None:
        if not text.strip():
            return None
        communes = find_communes(text)
        if not communes:
            self.add_error(
                "ou",
                f"Nous ne trouvons pas la commune « {text.strip()} ». Vérifiez l'orthographe "
                "ou indiquez le code postal (5 chiffres).",
            )
            return None
        if len(communes) > 1:
            self.commune_choices = communes
            self.add_error(
                "ou",
                f"Plusieurs communes correspondent à « {text.strip()} » : "
                "choisissez la vôtre dans la liste.",
            )
            return None
        return communes[0]

    def _clean_position(self) -> tuple[float, float] | None:
        raw_lat = (self.data.get("lat") or "").strip()
        raw_lon = (self.data.get("lon") or "").strip()
        if not raw_lat and not raw_lon:
            return None
        try:
            latitude, longitude = float(raw_lat), float(raw_lon)
        except ValueError:
            latitude = longitude = math.nan
        valid = (
            math.isfinite(latitude)
            and math.isfinite(longitude)
            and -90 <= latitude <= 90
            and -180 <= longitude <= 180
        )
        if not valid:
            self.add_error(
                None,
                "Votre position n'a pas été reconnue. Indiquez votre commune ou votre code postal.",
            )
            return None
        return latitude, longitude

    def _clean_window(self, data: dict) -> tuple[dt.date, TimeSlot] | None:
        if data.get("quand") != WHEN_SLOT:
            return None
        day = self._parse_day(data.get("jour") or "")
        slot = SLOTS.get(data.get("creneau") or "")
        if day is None:
            self.add_error("jour", "Choisissez un jour parmi les 7 prochains jours.")
        if slot is None:
            self.add_error("creneau", "Choisissez un créneau : matin, midi, après-midi ou soir.")
        if day is None or slot is None:
            return None
        return day, slot

    def _clean_availability(self, data: dict) -> str:
        """OSM text of the ticked days and moments (every moment on every day), or ""."""
        if data.get("quand") != WHEN_AVAILABLE:
            return ""
        days, slots = data.get("dispo_jours") or [], data.get("dispo_creneaux") or []
        if not days and "dispo_jours" not in self.errors:
            self.add_error("dispo_jours", "Cochez au moins un jour où vous êtes disponible.")
        if not slots and "dispo_creneaux" not in self.errors:
            self.add_error("dispo_creneaux", "Cochez au moins un moment de la journée.")
        if not days or not slots:
            return ""
        return availability_to_osm([(day, slot) for day in days for slot in slots])

    def _parse_day(self, text: str) -> dt.date | None:
        try:
            day = dt.date.fromisoformat(text.strip())
        except ValueError:
            return None
        return day if day in self.days else None

    # --- What the view and the template need ------------------------------------------

    @property
    def has_place(self) -> bool:
        """Whether the person said where they are (a commune or a position)."""
        return self.cleaned_data["commune"] is not None or self.cleaned_data["position"] is not None

    @property
    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1

    @property
    def territory_tz(self) -> ZoneInfo:
        commune = self.cleaned_data["commune"]
        if commune is not None and commune.territory is not None:
            return commune.territory.tz
        return PARIS

    def search_query(self, *, now: dt.datetime) -> SearchQuery:
        """The SearchQuery of a valid form, for the current page."""
        data = self.cleaned_data
        commune: Commune | None = data["commune"]
        query = SearchQuery(
            services=list(data["services"]),
            supports=[SUPPORT_CODES[code] for code in data["prise_en_charge"]],
            languages=list(data["langues"]),
            free=data["gratuit"],
            online_booking=data["rdv"],
            limit=PAGE_SIZE,
            offset=(self.page_number - 1) * PAGE_SIZE,
        )
        if commune is not None:
            # The commune's centre stands for the person's position.
            query.latitude, query.longitude = commune.latitude, commune.longitude
            query.territory = commune.territory
        elif data["position"] is not None:
            query.latitude, query.longitude = data["position"]
        if data.get("quand") == WHEN_NOW:
            query.open_at = now
        elif data["availability"]:
            query.availability = data["availability"]
            query.availability_from = now
        elif data["window"] is not None:
            day, slot = data["window"]
            tz = self.territory_tz
            query.open_between = (
                dt.datetime.combine(day, slot.start, tzinfo=tz),
                dt.datetime.combine(day, slot.end, tzinfo=tz),
            )
        return query

    def where_label(self) -> str:
        """« Grenoble (38000) » or « votre position », for the results heading."""
        commune = self.cleaned_data.get("commune")
        if commune is not None:
            return commune_label(commune)
        return "votre position" if self.cleaned_data.get("position") else ""

    def when_label(self) -> str:
        """« ouverts maintenant », « ouverts mardi 24 novembre, le matin (9 h – 12 h) » or ""."""
        if self.cleaned_data.get("quand") == WHEN_NOW:
            return "ouverts maintenant"
        if self.cleaned_data.get("availability"):
            lines = hours.describe_opening_hours(self.cleaned_data["availability"])
            return f"ouverts quand vous êtes disponible ({' ; '.join(lines)})"
        window = self.cleaned_data.get("window")
        if window is None:
            return ""
        day, slot = window
        return f"ouverts {day_label(day, self.today)}, {slot.label}"

    def day_choices(self) -> list[tuple[str, str]]:
        return [(day.isoformat(), day_label(day, self.today)) for day in self.days]

    def slot_choices(self) -> list[tuple[str, str]]:
        return [(code, slot.label) for code, slot in SLOTS.items()]

    def service_groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(group name, [(code, label)]) as the national map groups needs."""
        return [
            (group, [(code, SERVICE_CODES[code]) for code in codes])
            for group, codes in SERVICE_GROUPS.items()
        ]

    def error_items(self) -> list[tuple[str, str]]:
        """(anchor of the field, message) for the error summary; no anchor for form-wide errors."""
        items = [("", str(error)) for error in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            anchor = ERROR_ANCHORS.get(name, "")
            items.extend((anchor, f"{self.fields[name].label} : {error}") for error in errors)
        return items
