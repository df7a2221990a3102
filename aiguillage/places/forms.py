"""Input shape of a place: every field of the standard « lieux de médiation numérique »
v1.0.2 plus our additions, grouped as people read them, with French messages.

The form only checks and normalises what people type; ``places.actions`` writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db.models import QuerySet

from aiguillage.organisations.models import Organisation
from aiguillage.places import vocabulary
from aiguillage.places.formats.common import RowCheck
from aiguillage.places.hours.syntax import EXAMPLE as HOURS_EXAMPLE
from aiguillage.places.hours.syntax import validate_opening_hours
from aiguillage.places.models import Place

RESUME_MAX_LENGTH = 280
_POSTAL_CODE = re.compile(r"^\d{5}$")
_INSEE_CODE = re.compile(r"^([013-9]\d|2[AB1-9])\d{3}$")
_PIVOT = re.compile(r"^[a-zA-Z0-9]{9,14}$")
# Several e-mails or web addresses in one box: commas, semicolons, spaces or new lines.
_LIST_SEPARATORS = re.compile(r"[\s,;|]+")
_BARE_DOMAIN = re.compile(r"^(www\.)?[\w-]+(\.[\w-]+)+(/\S*)?$", re.IGNORECASE)
_URL_VALIDATOR = URLValidator(schemes=["http", "https"])
_EMAIL_VALIDATOR = EmailValidator()


def _same_choices(values: Iterable[str]) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


def _typology_choices() -> list[tuple[str, str]]:
    # Sorted by label: people look for « Médiathèque », not for the code « BIB ».
    return sorted(vocabulary.TYPOLOGIES.items(), key=lambda item: item[1].casefold())


def _checkboxes(label: str, choices: list[tuple[str, str]], help_text: str = "") -> Any:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={"invalid_choice": "« %(value)s » ne fait pas partie des choix proposés."},
    )


def _text(label: str, *, required: str = "", help_text: str = "", **kwargs: Any) -> Any:
    """A text field; ``required`` is the French message shown when it is left empty."""
    return forms.CharField(
        label=label,
        required=bool(required),
        help_text=help_text,
        error_messages={
            "required": required or "Ce champ est obligatoire.",
            "max_length": "%(limit_value)d caractères au plus (vous en avez saisi %(show_value)d).",
        },
        **kwargs,
    )


def _web_address(text: str) -> str:
    """``text`` as a web address, adding « https:// » to a bare « www.exemple.fr »."""
    if _BARE_DOMAIN.match(text):
        text = "https://" + text
    try:
        _URL_VALIDATOR(text)
    except ValidationError as error:
        raise ValidationError(
            f"« {text} » n'est pas une adresse web valide (exemple : https://www.exemple.fr)."
        ) from error
    return text


def _without_duplicates(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _national_phone(number: str) -> str:
    """« +33476123456 » as people read it, « 04 76 12 34 56 »; other numbers unchanged."""
    if re.fullmatch(r"\+33\d{9}", number):
        digits = "0" + number[3:]
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return number


def _one_line_breaks(text: str) -> str:
    # Browsers send textarea line breaks as CRLF; stored text uses LF, and an
    # untouched field must not count as a change.
    return text.replace("\r\n", "\n").replace("\r", "\n")


class PlaceForm(forms.Form):
    """Create or edit a place. ``organisations``: the structures a coordinator may choose from;
    None hides the field (members add and edit places of their own structure)."""

    # --- Identité ---
    nom = _text("Nom du lieu", required="Indiquez le nom du lieu.", max_length=250)
    organisation = forms.ModelChoiceField(
        label="Structure gestionnaire",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Aucune structure",
        help_text=(
            "Ses membres pourront mettre à jour ce lieu. "
            "Sans structure, seule la coordination du territoire le met à jour."
        ),
        error_messages={"invalid_choice": "Choisissez une structure de la liste."},
    )
    pivot = _text(
        "SIRET ou RNA",
        max_length=20,
        help_text="SIRET (14 chiffres) ou numéro RNA (W suivi de 9 chiffres) de la structure.",
    )
    typologie = _checkboxes("Type de structure", _typology_choices())
    structure_parente = _text(
        "Structure parente", max_length=200, help_text="Par exemple le réseau ou la commune."
    )
    presentation_resume = _text(
        "Présentation courte",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"{RESUME_MAX_LENGTH} caractères au plus, affichés dans les résultats.",
    )
    presentation_detail = _text("Présentation détaillée", widget=forms.Textarea(attrs={"rows": 6}))
    source = _text(
        "Structure qui collecte la donnée",
        max_length=200,
        help_text="Qui tient ces informations à jour, si ce n'est pas la structure gestionnaire.",
    )
    is_published = forms.BooleanField(
        label="Visible dans la recherche publique",
        required=False,
        help_text="Décochez pour masquer le lieu (fermeture, travaux…) sans perdre sa fiche.",
    )

    # --- Adresse et position ---
    adresse = _text(
        "Adresse",
        required="Indiquez l'adresse du lieu.",
        max_length=300,
        help_text="Numéro et voie.",
    )
    complement_adresse = _text(
        "Complément d'adresse", max_length=300, help_text="Bâtiment, étage, entrée…"
    )
    code_postal = _text("Code postal", required="Indiquez le code postal.", max_length=10)
    commune = _text("Commune", required="Indiquez la commune.", max_length=200)
    code_insee = _text(
        "Code INSEE de la commune",
        max_length=10,
        help_text="5 caractères, par exemple 38185 pour Grenoble ; ce n'est pas le code postal.",
    )
    latitude = forms.FloatField(
        label="Latitude",
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="En degrés décimaux, par exemple 45,1885.",
        error_messages={"invalid": "Saisissez un nombre, par exemple 45,1885."},
    )
    longitude = forms.FloatField(
        label="Longitude",
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="En degrés décimaux, par exemple 5,7245.",
        error_messages={"invalid": "Saisissez un nombre, par exemple 5,7245."},
    )
    location_is_approximate = forms.BooleanField(
        label="Position approximative (centre de la commune)", required=False
    )
    itinerance = _checkboxes("Itinérance", _same_choices(vocabulary.ITINERANCE))

    # --- Contact ---
    telephone = _text(
        "Téléphone",
        max_length=50,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text="Un seul numéro, par exemple 04 76 12 34 56.",
    )
    courriels = _text(
        "Adresses e-mail",
        max_length=1000,
        help_text="Séparez plusieurs adresses par une virgule.",
    )
    site_web = _text(
        "Sites web",
        max_length=1500,
        help_text="Séparez plusieurs adresses par une virgule, par exemple https://www.exemple.fr.",
    )
    prise_rdv = _text("Prise de rendez-vous en ligne", max_length=500, help_text="Adresse web.")
    fiche_acces_libre = _text(
        "Fiche Accès libre (accessibilité du bâtiment)",
        max_length=500,
        help_text="Adresse de la fiche sur acceslibre.beta.gouv.fr.",
    )

    # --- Horaires ---
    horaires = _text(
        "Horaires d'ouverture",
        max_length=1000,
        # Two lines: real expressions are long, and a one-line box hides their end on phones.
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off", "spellcheck": "false"}),
        help_text=(
            "Au format OpenStreetMap : jours en abrégé anglais (Mo, Tu, We, Th, Fr, Sa, Su), "
            "heures sur 24 h, règles séparées par « ; ». Laissez vide si vous ne les "
            f"connaissez pas. Exemple : {HOURS_EXAMPLE}"
        ),
    )

    # --- Services et accompagnement ---
    services = _checkboxes("Services proposés", _same_choices(vocabulary.SERVICES))
    modalites_accompagnement = _checkboxes(
        "Modalités d'accompagnement", _same_choices(vocabulary.MODALITES_ACCOMPAGNEMENT)
    )
    modalites_acces = _checkboxes("Modalités d'accès", _same_choices(vocabulary.MODALITES_ACCES))
    frais_a_charge = _checkboxes("Frais à charge", _same_choices(vocabulary.FRAIS_A_CHARGE))

    # --- Publics et accessibilité ---
    publics_specifiquement_adresses = _checkboxes(
        "Publics spécifiquement accueillis",
        _same_choices(vocabulary.PUBLICS_SPECIFIQUEMENT_ADRESSES),
        help_text="Ne cochez rien si le lieu accueille tous les publics.",
    )
    prise_en_charge_specifique = _checkboxes(
        "Prise en charge spécifique", _same_choices(vocabulary.PRISE_EN_CHARGE_SPECIFIQUE)
    )

    # --- Labels et dispositifs ---
    dispositif_programmes_nationaux = _checkboxes(
        "Dispositifs et programmes nationaux",
        _same_choices(vocabulary.DISPOSITIF_PROGRAMMES_NATIONAUX),
    )
    formations_labels = _checkboxes(
        "Formations et labels", _same_choices(vocabulary.FORMATIONS_LABELS)
    )
    autres_formations_labels = _text(
        "Autres formations et labels", max_length=500, help_text="Ceux qui ne sont pas listés."
    )

    # --- En plus du standard ---
    extra_services = _checkboxes("Équipements et services", list(vocabulary.EXTRA_SERVICES.items()))
    languages = _checkboxes("Langues parlées", list(vocabulary.LANGUAGES.items()))
    capacity_note = _text(
        "Capacité d'accueil",
        max_length=300,
        help_text="Par exemple : 8 postes, atelier de 6 personnes au plus.",
    )

    FIELDSETS: tuple[tuple[str, tuple[str, ...]], ...] = (
        (
            "Identité",
            (
                "nom",
                "organisation",
                "pivot",
                "typologie",
                "structure_parente",
                "presentation_resume",
                "presentation_detail",
                "source",
                "is_published",
            ),
        ),
        (
            "Adresse et position",
            (
                "adresse",
                "complement_adresse",
                "code_postal",
                "commune",
                "code_insee",
                "latitude",
                "longitude",
                "location_is_approximate",
                "itinerance",
            ),
        ),
        ("Contact", ("telephone", "courriels", "site_web", "prise_rdv", "fiche_acces_libre")),
        ("Horaires", ("horaires",)),
        (
            "Services et accompagnement",
            ("services", "modalites_accompagnement", "modalites_acces", "frais_a_charge"),
        ),
        (
            "Publics et accessibilité",
            ("publics_specifiquement_adresses", "prise_en_charge_specifique"),
        ),
        (
            "Labels et dispositifs",
            ("dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels"),
        ),
        ("En plus du standard", ("extra_services", "languages", "capacity_note")),
    )
    # Fields the form shows as one text box but the place stores as a list.
    TEXT_LIST_FIELDS = ("courriels", "site_web")

    def __init__(
        self,
        *args: Any,
        place: Place | None = None,
        organisations: QuerySet[Organisation] | None = None,
        preview_url: str = "",
        **kwargs: Any,
    ) -> None:
        self.place = place
        kwargs.setdefault("initial", initial_from_place(place) if place else {"is_published": True})
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
        if place is not None:
            self._keep_unknown_choices(place)
        if preview_url:
            # The preview of the hours follows what is typed (htmx); without
            # JavaScript it shows when the page comes back after saving fails.
            self.fields["horaires"].widget.attrs.update(
                {
                    "hx-get": preview_url,
                    "hx-trigger": "input changed delay:400ms",
                    "hx-target": "#hours-preview",
                    "hx-swap": "innerHTML",
                    "aria-controls": "hours-preview",
                }
            )

    def _keep_unknown_choices(self, place: Place) -> None:
        # Imported places may carry values our lists do not know (older vocabularies):
        # show them as choices so that saving the form does not silently drop them.
        for name, field in self.fields.items():
            if not isinstance(field, forms.MultipleChoiceField):
                continue
            known = {value for value, _ in field.choices}
            extra = [value for value in getattr(place, name) or [] if value not in known]
            if extra:
                field.choices = [*field.choices, *_same_choices(extra)]

    # --- Field checks --------------------------------------------------------------

    def clean_pivot(self) -> str:
        value = re.sub(r"[\s.\-]", "", self.cleaned_data["pivot"])
        if value and not _PIVOT.match(value):
            raise ValidationError(
                "Indiquez un SIRET (14 chiffres) ou un numéro RNA (W suivi de 9 chiffres), "
                "sans espace : entre 9 et 14 lettres ou chiffres."
            )
        return value

    def clean_code_postal(self) -> str:
        value = self.cleaned_data["code_postal"].replace(" ", "")
        if not _POSTAL_CODE.match(value):
            raise ValidationError("Le code postal doit comporter 5 chiffres, par exemple 38000.")
        return value

    def clean_code_insee(self) -> str:
        value = self.cleaned_data["code_insee"].replace(" ", "").upper()
        if value and not _INSEE_CODE.match(value):
            raise ValidationError(
                "Le code INSEE comporte 5 caractères, par exemple 38185 (ou 2A004 en Corse)."
            )
        return value

    def clean_latitude(self) -> float | None:
        value = self.cleaned_data["latitude"]
        if value is not None and not -90 <= value <= 90:
            raise ValidationError("La latitude doit être comprise entre -90 et 90.")
        return value

    def clean_longitude(self) -> float | None:
        value = self.cleaned_data["longitude"]
        if value is not None and not -180 <= value <= 180:
            raise ValidationError("La longitude doit être comprise entre -180 et 180.")
        return value

    def clean_telephone(self) -> str:
        value = self.cleaned_data["telephone"]
        if not value:
            return ""
        # The import reader owns the phone rules (international form the standard wants);
        # anything it would only guess at is refused here, since a person is there to fix it.
        check = RowCheck()
        number = check.phone(value)
        if not number or check.warnings:
            raise ValidationError(
                "Numéro de téléphone non reconnu : indiquez un seul numéro à 10 chiffres, "
                "par exemple 04 76 12 34 56, ou au format international +33 4 76 12 34 56."
            )
        return number

    def clean_courriels(self) -> list[str]:
        found = []
        for part in _LIST_SEPARATORS.split(self.cleaned_data["courriels"]):
            address = part.removeprefix("mailto:")
            if not address:
                continue
            try:
                _EMAIL_VALIDATOR(address)
            except ValidationError as error:
                raise ValidationError(
                    f"« {address} » n'est pas une adresse e-mail valide "
                    "(exemple : contact@exemple.fr)."
                ) from error
            found.append(address)
        return _without_duplicates(found)

    def clean_site_web(self) -> list[str]:
        parts = _LIST_SEPARATORS.split(self.cleaned_data["site_web"])
        return _without_duplicates(_web_address(part) for part in parts if part)

    def clean_prise_rdv(self) -> str:
        value = self.cleaned_data["prise_rdv"]
        return _web_address(value) if value else ""

    def clean_fiche_acces_libre(self) -> str:
        value = self.cleaned_data["fiche_acces_libre"]
        return _web_address(value) if value else ""

    def clean_horaires(self) -> str:
        value = " ".join(self.cleaned_data["horaires"].split())
        message = validate_opening_hours(value)
        if message:
            raise ValidationError(message)
        return value

    def clean_presentation_resume(self) -> str:
        value = _one_line_breaks(self.cleaned_data["presentation_resume"])
        if len(value) > RESUME_MAX_LENGTH:
            raise ValidationError(
                f"La présentation courte doit faire {RESUME_MAX_LENGTH} caractères au plus "
                f"(elle en fait {len(value)}) : déplacez la suite dans la présentation détaillée."
            )
        return value

    def clean_presentation_detail(self) -> str:
        return _one_line_breaks(self.cleaned_data["presentation_detail"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        # A pin needs both numbers; only check when each one is otherwise valid.
        if "latitude" in cleaned and "longitude" in cleaned:
            if latitude is not None and longitude is None:
                self.add_error("longitude", "Indiquez aussi la longitude, ou effacez la latitude.")
            elif longitude is not None and latitude is None:
                self.add_error("latitude", "Indiquez aussi la latitude, ou effacez la longitude.")
        return cleaned

    # --- Output --------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The cleaned values, named as ``places.actions`` expects them.

        A list whose items did not change keeps its stored order, so that an
        untouched field is not recorded as a change.
        """
        values = dict(self.cleaned_data)
        if self.place is not None:
            for name, value in values.items():
                if isinstance(value, list):
                    stored = getattr(self.place, name) or []
                    if set(stored) == set(value) and len(stored) == len(value):
                        values[name] = list(stored)
        return values

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(legend, bound fields) pairs for the template, skipping fields this form hides."""
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.FIELDSETS
        ]


def initial_from_place(place: Place) -> dict[str, Any]:
    """The form's starting values for ``place``: lists of text shown as one line."""
    initial: dict[str, Any] = {}
    for name in PlaceForm.base_fields:
        if name == "organisation":
            continue
        value = getattr(place, name)
        if name in PlaceForm.TEXT_LIST_FIELDS:
            value = ", ".join(value or [])
        elif name == "telephone":
            value = _national_phone(value)
        initial[name] = value
    initial["organisation"] = place.organisation_id
    return initial


def field_labels() -> Mapping[str, str]:
    """French label of every editable field, as the form shows it (for the history page)."""
    return {name: str(field.label) for name, field in PlaceForm.base_fields.items()}
