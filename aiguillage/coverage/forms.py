"""Input shapes of the coverage pages: demand parameters, run settings, table, planning."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from aiguillage.coverage.engine import (
    COMPONENTS,
    ROAD,
    STRAIGHT,
    CoverageSettings,
    DemandParameters,
    TimeWindow,
)
from aiguillage.coverage.rules import DEFAULT_SORT, sort_key_choices
from aiguillage.places.hours.syntax import validate_opening_hours
from aiguillage.places.vocabulary import SERVICE_CODES

NUMBER_ERRORS = {
    "required": "Ce champ est obligatoire.",
    "invalid": "Saisissez un nombre, par exemple 15,4.",
    "max_decimal_places": "Pas plus de %(max)s chiffres après la virgule.",
    "max_digits": "Ce nombre a trop de chiffres.",
    "max_whole_digits": "Ce nombre a trop de chiffres avant la virgule.",
}


def _number(label: str, low: int, high: int, help_text: str = "", places: int = 2):
    """A decimal field written the French way (« 15,4 ») with French messages."""
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=low,
        max_value=high,
        decimal_places=places,
        max_digits=places + 4,
        localize=True,
        error_messages={
            **NUMBER_ERRORS,
            "min_value": f"Saisissez une valeur entre {low} et {high}.",
            "max_value": f"Saisissez une valeur entre {low} et {high}.",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
    )


class DemandParametersForm(forms.Form):
    """The demand formula's values; proportions are typed as percentages."""

    national_rate = _number(
        "Taux national d'illectronisme (%)",
        0,
        100,
        "Part des 15 ans et plus en difficulté avec le numérique en France (Insee 2021 : 15,4).",
    )
    share_aged_15_plus = _number(
        "Part des 15 ans et plus dans la population (%)", 0, 100, "Insee 2024 : environ 83."
    )
    min_rate = _number("Taux minimal d'une commune (%)", 0, 100)
    max_rate = _number("Taux maximal d'une commune (%)", 0, 100)

    PERCENT_FIELDS = ("national_rate", "share_aged_15_plus", "min_rate", "max_rate")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for component, label in COMPONENTS.items():
            self.fields[f"weight_{component}"] = _number(
                f"Poids : {label}",
                0,
                2,
                "De combien le taux national bouge quand l'indicateur passe de 0 à 10 "
                "(0,5 = de moitié).",
            )
            self.fields[f"reference_{component}"] = _number(
                f"Moyenne française : {label} (sur 10)", 0, 10
            )

    @classmethod
    def initial_for(cls, parameters: DemandParameters) -> dict[str, Decimal]:
        initial = {name: _decimal(getattr(parameters, name) * 100) for name in cls.PERCENT_FIELDS}
        for component in COMPONENTS:
            initial[f"weight_{component}"] = _decimal(parameters.weights[component])
            initial[f"reference_{component}"] = _decimal(parameters.reference_scores[component])
        return initial

    def component_fields(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """(label, weight field, reference field) per IFN component, for the template."""
        return [
            (label, self[f"weight_{component}"], self[f"reference_{component}"])
            for component, label in COMPONENTS.items()
        ]

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("min_rate"), data.get("max_rate")
        if low is not None and high is not None and low > high:
            self.add_error("max_rate", "Le taux maximal doit être au moins égal au taux minimal.")
        return data

    def parameters(self) -> DemandParameters:
        data = self.cleaned_data
        return DemandParameters(
            **{name: float(data[name]) / 100 for name in self.PERCENT_FIELDS},
            weights={c: float(data[f"weight_{c}"]) for c in COMPONENTS},
            reference_scores={c: float(data[f"reference_{c}"]) for c in COMPONENTS},
        )


def _decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


CELL_SIZES = [
    (100, "100 m (plus précis, plus long)"),
    (200, "200 m (recommandé)"),
    (500, "500 m"),
    (1000, "1 km (grands territoires)"),
]
DISTANCE_CHOICES = [(1, "1 km"), (2, "2 km"), (5, "5 km"), (10, "10 km")]


class RunSettingsForm(forms.Form):
    cell_size_m = forms.TypedChoiceField(
        label="Taille des carreaux de population", choices=CELL_SIZES, coerce=int, initial=200
    )
    distance_basis = forms.ChoiceField(
        label="Distances",
        choices=[
            (ROAD, "Par la route (estimation : ligne droite × coefficient de détour)"),
            (STRAIGHT, "À vol d'oiseau"),
        ],
        initial=ROAD,
    )
    detour_factor = _number(
        "Coefficient de détour",
        1,
        3,
        "La route est plus longue que la ligne droite : 1,3 en moyenne entre ville et vallées.",
    )
    uncovered_beyond_km = forms.TypedChoiceField(
        label="Une personne est « sans aide » au-delà de",
        choices=DISTANCE_CHOICES,
        coerce=int,
        initial=5,
    )

    @classmethod
    def initial_for(cls, settings: CoverageSettings) -> dict[str, object]:
        return {
            "cell_size_m": int(settings.cell_size_m),
            "distance_basis": settings.distance_basis,
            "detour_factor": _decimal(settings.detour_factor),
            "uncovered_beyond_km": int(settings.uncovered_beyond_m // 1000),
        }

    def settings(self) -> CoverageSettings:
        data = self.cleaned_data
        return CoverageSettings(
            cell_size_m=float(data["cell_size_m"]),
            distance_basis=data["distance_basis"],
            detour_factor=float(data["detour_factor"]),
            uncovered_beyond_m=data["uncovered_beyond_km"] * 1000,
        )


def need_choices(needs: Sequence[str]) -> list[tuple[str, str]]:
    return [(code, SERVICE_CODES[code]) for code in needs]


def window_choices(windows: Sequence[TimeWindow]) -> list[tuple[str, str]]:
    return [(window.code, window.label) for window in windows]


class _RunChoicesForm(forms.Form):
    """A GET form whose need and window come from the run's settings; bad values fall back."""

    besoin = forms.ChoiceField(label="Besoin")
    creneau = forms.ChoiceField(label="Créneau")

    def __init__(self, data, *, settings: CoverageSettings, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.fields["besoin"].choices = need_choices(settings.needs)
        self.fields["creneau"].choices = window_choices(settings.windows)
        self.defaults = {
            "besoin": "demarches" if "demarches" in settings.needs else settings.needs[0],
            "creneau": settings.windows[0].code,
        }

    def value(self, name: str):
        """The cleaned value, or its default when absent or not valid."""
        if self.is_bound and name not in self.errors:
            value = self.cleaned_data.get(name)
            if value not in (None, "", []):
                return value
        return self.defaults[name]

    def values(self) -> dict[str, object]:
        return {name: self.value(name) for name in self.defaults}


class TableForm(_RunChoicesForm):
    tri = forms.ChoiceField(label="Trier par", required=False)

    def __init__(self, data, *, settings: CoverageSettings, **kwargs) -> None:
        super().__init__(data, settings=settings, **kwargs)
        keys = sort_key_choices(settings.thresholds_m)
        self.fields["tri"].choices = [(key, key) for key in keys] + [
            (f"-{key}", key) for key in keys
        ]
        self.defaults["tri"] = DEFAULT_SORT


METHODS = [
    ("greedy+exchange", "Glouton puis échanges (recommandé, quelques millisecondes)"),
    ("greedy", "Glouton simple"),
    ("exact", "Optimum exact (solveur HiGHS, 20 secondes au plus)"),
]
CANDIDATE_KINDS = [
    ("lieux", "Lieux existants (ajouter le service ou élargir les horaires)"),
    ("batiments", "Mairies et bâtiments publics non publiés"),
]


class SuggestionForm(_RunChoicesForm):
    nombre = forms.TypedChoiceField(
        label="Nombre de sites à proposer",
        choices=[(k, str(k)) for k in range(1, 11)],
        coerce=int,
    )
    distance_km = forms.TypedChoiceField(label="À moins de", choices=DISTANCE_CHOICES, coerce=int)
    methode = forms.ChoiceField(label="Méthode", choices=METHODS)
    sites = forms.MultipleChoiceField(
        label="Sites possibles",
        choices=CANDIDATE_KINDS,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data, *, settings: CoverageSettings, **kwargs) -> None:
        # A link from the results page gives only the need and the time window: they
        # preset the form, which is computed with the defaults for everything else.
        preset = {}
        if data is not None and "methode" not in data:
            preset = {key: data[key] for key in ("besoin", "creneau") if data.get(key)}
            data = None
        super().__init__(data, settings=settings, **kwargs)
        self.defaults.update(
            nombre=5,
            distance_km=int(settings.uncovered_beyond_m // 1000),
            methode="greedy+exchange",
            sites=["lieux", "batiments"],
        )
        for key, value in preset.items():
            if value in dict(self.fields[key].choices):
                self.defaults[key] = value
        if not self.is_bound:
            self.initial = dict(self.defaults)


class ScenarioForm(forms.Form):
    lieu = forms.ChoiceField(label="Lieu")
    horaires = forms.CharField(
        label="Horaires en plus",
        required=False,
        max_length=300,
        help_text="Format OpenStreetMap, par exemple « Sa 09:00-12:00 » pour le samedi matin.",
    )
    remplacer = forms.BooleanField(
        label="Remplacer les horaires actuels au lieu de les compléter", required=False
    )
    service = forms.ChoiceField(label="Service ajouté (facultatif)", required=False)
    distance_km = forms.TypedChoiceField(
        label="À moins de", choices=DISTANCE_CHOICES, coerce=int, initial=5
    )

    def __init__(self, data, *, places, settings: CoverageSettings, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.fields["lieu"].choices = [("", "Choisissez un lieu")] + [
            (str(place.public_id), f"{place.nom} ({place.commune})") for place in places
        ]
        self.fields["service"].choices = [("", "Aucun")] + need_choices(settings.needs)
        self.initial.setdefault("distance_km", int(settings.uncovered_beyond_m // 1000))

    def clean_horaires(self) -> str:
        text = self.cleaned_data["horaires"].strip()
        problem = validate_opening_hours(text)
        if problem:
            raise forms.ValidationError(problem)
        return text

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("horaires") and not data.get("service"):
            raise forms.ValidationError(
                "Indiquez des horaires en plus ou un service ajouté : sinon rien ne change."
            )
        if data.get("remplacer") and not data.get("horaires"):
            self.add_error("horaires", "Indiquez les nouveaux horaires qui remplacent les actuels.")
        return data

    def new_hours(self, current: str) -> str:
        """The place's hours after the change (OSM « , » adds a rule without overriding)."""
        added = self.cleaned_data["horaires"]
        if not added:
            return current
        if self.cleaned_data["remplacer"] or not current.strip():
            return added
        return f"{current.strip()}, {added}"


class CompareForm(forms.Form):
    avant = forms.ChoiceField(label="Analyse de départ")
    apres = forms.ChoiceField(label="Analyse à comparer")

    def __init__(self, data, *, runs, **kwargs) -> None:
        super().__init__(data, **kwargs)
        choices = [(str(run.public_id), _run_label(run)) for run in runs]
        self.fields["avant"].choices = choices
        self.fields["apres"].choices = choices
        if len(runs) >= 2 and not self.is_bound:
            self.initial = {"avant": str(runs[1].public_id), "apres": str(runs[0].public_id)}

    def clean(self) -> dict:
        data = super().clean()
        if data.get("avant") and data.get("avant") == data.get("apres"):
            raise forms.ValidationError("Choisissez deux analyses différentes.")
        return data


def _run_label(run) -> str:
    when = date_format(timezone.localtime(run.created_at), "j F Y à H\\hi")
    return f"Analyse du {when}"


TERRITORY_SCOPE = ""


class DemandCalibrationForm(forms.Form):
    """A known local figure to scale the estimate to (``actions.calibrate_demand``)."""

    known_people = forms.IntegerField(
        label="Nombre de personnes en difficulté (chiffre connu)",
        help_text="Par exemple 30000 pour « 30 000 Grenoblois en situation de précarité "
        "numérique et sociale ».",
        error_messages={
            "required": "Indiquez le nombre de personnes.",
            "invalid": "Indiquez un nombre entier de personnes, sans espace ni point.",
        },
    )
    source = forms.CharField(
        label="Source",
        max_length=300,
        help_text="Le document ou l'enquête, son auteur et sa date.",
        error_messages={"required": "Indiquez la source du chiffre (document, enquête, date)."},
    )
    scope = forms.ChoiceField(label="Ce chiffre compte les personnes…")
    year = forms.IntegerField(
        label="Année du chiffre",
        error_messages={
            "required": "Indiquez l'année du chiffre.",
            "invalid": "Indiquez l'année en 4 chiffres.",
        },
    )

    def __init__(self, *args, communes: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [(TERRITORY_SCOPE, "de tout le territoire")] + [
            (insee, f"de la commune de {name}") for insee, name in communes
        ]
        self.fields["scope"].error_messages["invalid_choice"] = (
            "Cette commune n'est pas une commune du territoire."
        )
        for name in ("known_people", "year"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric"})
