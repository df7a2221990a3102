"""Input shapes of referrals: the quick person, the need, sending, answers and outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from aiguillage.people.rules import CONSENT_EXPLANATION
from aiguillage.places.search_forms import SLOTS, WEEKDAY_CHOICES, availability_to_osm
from aiguillage.places.vocabulary import LANGUAGES, SERVICE_CODES, SERVICE_GROUPS
from aiguillage.referrals import rules
from aiguillage.territories.models import Commune, Territory

# Availability cells « Mo:matin », one per weekday and moment of the day.
AVAILABILITY_CELLS: list[tuple[str, str]] = [
    (f"{day}:{slot}", f"{name} {SLOTS[slot].label}")
    for day, name in WEEKDAY_CHOICES
    for slot in SLOTS
]
SHORT_SLOT_LABELS: dict[str, tuple[str, str]] = {
    "matin": ("Matin", "9 h – 12 h"),
    "midi": ("Midi", "12 h – 14 h"),
    "apres-midi": ("Après-midi", "14 h – 18 h"),
    "soir": ("Soir", "18 h – 21 h"),
}


def _communes(territory: Territory | None):
    communes = Commune.objects.order_by("name")
    return communes.filter(territory=territory) if territory is not None else communes


class QuickPersonForm(forms.Form):
    """The minimum to refer someone not yet known: a first name, a commune, their languages."""

    first_name = forms.CharField(
        label="Prénom ou initiales",
        max_length=60,
        help_text="Un prénom ou des initiales suffisent.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    commune = forms.ModelChoiceField(
        label="Commune de résidence",
        queryset=Commune.objects.none(),
        required=False,
        empty_label="— Commune —",
        help_text="Pour trouver les lieux les plus proches.",
    )
    languages = forms.MultipleChoiceField(
        label="Langues parlées",
        required=False,
        choices=list(LANGUAGES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    explained = forms.BooleanField(
        error_messages={"required": "Confirmez que la personne a donné son accord."},
    )

    def __init__(self, *args, territory: Territory | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = _communes(territory)
        # Built per form: the texts may depend on settings (the retention period). What is
        # ticked is what sending.referral_start records with the consent.
        self.fields["explained"].label = (
            f"{CONSENT_EXPLANATION} {rules.ORIENTATION_EXPLANATION} "
            "Elle est d'accord pour le suivi et pour l'orientation."
        )


class NeedForm(forms.Form):
    """What the person needs, when they can come, what they can do: the matching criteria."""

    needs = forms.MultipleChoiceField(
        label="De quoi la personne a-t-elle besoin ?",
        required=False,
        choices=[(code, need.label) for code, need in rules.NEEDS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    services = forms.MultipleChoiceField(
        label="Services précis (cartographie nationale)",
        required=False,
        choices=list(SERVICE_CODES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    procedure_domain = forms.ChoiceField(
        label="Domaine de la démarche",
        required=False,
        choices=[("", "— Domaine —"), *rules.PROCEDURE_DOMAINS.items()],
    )
    procedure_name = forms.CharField(
        label="Quelle démarche ?",
        required=False,
        max_length=200,
        help_text="Par exemple : déclaration trimestrielle CAF, renouvellement de titre de séjour.",
    )
    procedure_deadline = forms.DateField(
        label="À faire avant le",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Indiquez une date, par exemple 15/12/2026."},
    )
    devices = forms.MultipleChoiceField(
        label="Matériel de la personne",
        required=False,
        choices=list(rules.DEVICES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    connection = forms.ChoiceField(
        label="Internet à la maison",
        required=False,
        choices=[("", "Ne sait pas"), *rules.CONNECTIONS.items()],
        widget=forms.RadioSelect,
    )
    disponibilites = forms.MultipleChoiceField(
        label="Quand la personne peut-elle y aller ?",
        required=False,
        choices=AVAILABILITY_CELLS,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label="Langues dans lesquelles la personne peut être aidée",
        required=False,
        choices=list(LANGUAGES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    supports = forms.MultipleChoiceField(
        label="Handicap",
        required=False,
        choices=list(rules.DISABILITY_SUPPORTS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    reading = forms.BooleanField(label="Difficultés à lire ou à écrire", required=False)
    max_distance_km = forms.TypedChoiceField(
        label="Jusqu'où peut-elle se déplacer ?",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Peu importe"), *((str(km), f"{km} km") for km in rules.MAX_DISTANCES_KM)],
    )
    origin_commune = forms.ModelChoiceField(
        label="Depuis quelle commune ?",
        queryset=Commune.objects.none(),
        required=False,
        empty_label="— Commune —",
        help_text="Les lieux sont classés du plus proche au plus loin de cette commune.",
    )
    pathway = forms.ChoiceField(
        label="Parcours, s'il est connu",
        required=False,
        choices=[("", "Je ne sais pas"), *rules.PATHWAYS.items()],
        widget=forms.RadioSelect,
    )
    lieu = forms.UUIDField(required=False, widget=forms.HiddenInput)
    depuis = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, territory: Territory | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["origin_commune"].queryset = _communes(territory)

    def clean_procedure_deadline(self) -> dt.date | None:
        deadline = self.cleaned_data.get("procedure_deadline")
        if deadline is not None and deadline < timezone.localdate():
            raise forms.ValidationError("Cette date est passée : indiquez une date à venir.")
        return deadline

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("needs") and not data.get("services"):
            self.add_error("needs", "Cochez au moins un besoin.")
        return data

    # --- What the views and the actions need ----------------------------------------------

    def availability(self) -> str:
        cells = [tuple(cell.split(":", 1)) for cell in self.cleaned_data["disponibilites"]]
        return availability_to_osm(cells)

    def to_draft(self) -> dict[str, Any]:
        """The need as JSON for the session, between the steps of sending."""
        data = self.cleaned_data
        supports = list(data["supports"]) + ([rules.READING_SUPPORT] if data["reading"] else [])
        deadline = data["procedure_deadline"]
        commune = data["origin_commune"]
        return {
            "needs": list(data["needs"]),
            "services": list(data["services"]),
            "procedure_domain": data["procedure_domain"] if "demarche" in data["needs"] else "",
            "procedure_name": data["procedure_name"].strip(),
            "procedure_deadline": deadline.isoformat() if deadline else None,
            "devices": list(data["devices"]),
            "connection": data["connection"],
            "availability": self.availability(),
            "cells": list(data["disponibilites"]),
            "languages": list(data["languages"]),
            "supports": supports,
            "max_distance_km": data["max_distance_km"],
            "pathway": data["pathway"],
            "origin_commune": commune.pk if commune is not None else None,
        }

    @staticmethod
    def initial_from_draft(draft: dict[str, Any]) -> dict[str, Any]:
        """Form initial values from a draft, to come back and change the criteria."""
        supports = [code for code in draft["supports"] if code != rules.READING_SUPPORT]
        return {
            **{key: value for key, value in draft.items() if key not in ("cells", "supports")},
            "disponibilites": draft.get("cells", []),
            "supports": supports,
            "reading": rules.READING_SUPPORT in draft["supports"],
        }

    def need_boxes(self) -> list[tuple[Any, str]]:
        """(checkbox, plain-language examples) for each of our needs."""
        return [(box, rules.NEEDS[box.data["value"]].hint) for box in self["needs"]]

    def service_groups(self) -> list[tuple[str, list]]:
        """(group, [checkbox widgets]) as the national map groups services."""
        boxes = {box.data["value"]: box for box in self["services"]}
        return [(group, [boxes[code] for code in codes]) for group, codes in SERVICE_GROUPS.items()]

    def availability_rows(self) -> list[tuple[str, list]]:
        """(day name, [checkbox per moment]) for the availability grid."""
        boxes = {box.data["value"]: box for box in self["disponibilites"]}
        return [(name, [boxes[f"{day}:{slot}"] for slot in SLOTS]) for day, name in WEEKDAY_CHOICES]

    @staticmethod
    def slot_headers() -> list[tuple[str, str]]:
        return [SHORT_SLOT_LABELS[slot] for slot in SLOTS]


def values_from_draft(draft: dict[str, Any]) -> dict[str, Any]:
    """The keyword values of ``send_referral`` from a session draft."""
    values = {key: value for key, value in draft.items() if key != "cells"}
    deadline = values.get("procedure_deadline")
    values["procedure_deadline"] = dt.date.fromisoformat(deadline) if deadline else None
    commune_id = values.get("origin_commune")
    values["origin_commune"] = Commune.objects.filter(pk=commune_id).first() if commune_id else None
    return values


class SendForm(forms.Form):
    message = forms.CharField(
        label="Message pour la structure",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce qui aidera l'accueil : la situation, ce qui a déjà été essayé. "
        "Le strict nécessaire.",
    )
    consent = forms.BooleanField(
        label=f"{rules.ORIENTATION_EXPLANATION} Elle est d'accord.",
        required=False,
    )

    def __init__(self, *args, needs_consent: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.needs_consent = needs_consent
        if needs_consent:
            self.fields["consent"].required = True
            self.fields["consent"].error_messages["required"] = (
                "Sans l'accord de la personne, l'orientation ne peut pas être envoyée : "
                "donnez-lui plutôt la fiche du lieu."
            )
        else:
            del self.fields["consent"]


class VersionedForm(forms.Form):
    """Every answer carries the version the user saw, to refuse it if someone acted since."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


ACCEPT_APPOINTMENT, ACCEPT_HOURS = "rdv", "horaires"


class AcceptForm(VersionedForm):
    mode = forms.ChoiceField(
        label="Que proposez-vous ?",
        choices=[
            (ACCEPT_APPOINTMENT, "Un rendez-vous"),
            (ACCEPT_HOURS, "Venir sans rendez-vous à ces horaires"),
        ],
        widget=forms.RadioSelect,
        initial=ACCEPT_APPOINTMENT,
    )
    appointment_date = forms.DateField(
        label="Date du rendez-vous",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    appointment_time = forms.TimeField(
        label="Heure",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    come_hours = forms.CharField(
        label="Horaires pour venir", required=False, max_length=200,
        help_text="Par exemple : le mardi de 14 h à 17 h, sans rendez-vous.",
    )  # fmt: skip
    message = forms.CharField(
        label="Message pour la structure qui oriente (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, tz: ZoneInfo, workshop: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tz = tz
        self.workshop = workshop
        if workshop:
            # Accepting a referral to a workshop enrols the person: its sessions are the dates.
            for name in ("mode", "appointment_date", "appointment_time", "come_hours"):
                del self.fields[name]

    def clean(self) -> dict:
        data = super().clean()
        data["appointment_at"] = None
        if self.workshop:
            data["come_hours"] = ""
        elif data.get("mode") == ACCEPT_APPOINTMENT:
            day, time = data.get("appointment_date"), data.get("appointment_time")
            if day is None:
                self.add_error("appointment_date", "Indiquez la date du rendez-vous.")
            if time is None:
                self.add_error("appointment_time", "Indiquez l'heure du rendez-vous.")
            if day is not None and time is not None:
                data["appointment_at"] = dt.datetime.combine(day, time, tzinfo=self.tz)
            data["come_hours"] = ""
        elif data.get("mode") == ACCEPT_HOURS and not (data.get("come_hours") or "").strip():
            self.add_error("come_hours", "Indiquez quand la personne peut venir.")
        return data


class DeclineForm(VersionedForm):
    reason = forms.ChoiceField(
        label="Pourquoi ?",
        choices=list(rules.DECLINE_REASONS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez un motif."},
    )
    note = forms.CharField(
        label="Précision",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire pour « Autre raison ». Une piste pour la structure qui oriente ?",
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("reason") == "autre" and not (data.get("note") or "").strip():
            self.add_error("note", "Précisez la raison du refus.")
        return data


class NoteForm(VersionedForm):
    note = forms.CharField(
        label="Remarque (facultatif)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OutcomeForm(VersionedForm):
    activities = forms.MultipleChoiceField(
        label="Ce qui a été fait avec la personne",
        choices=list(rules.ACTIVITIES.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une chose faite avec la personne."},
    )
    autonomy = forms.ChoiceField(
        label="Où en est la personne ?",
        required=False,
        choices=[("", "Non évalué"), *rules.AUTONOMY.items()],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Remarque pour la structure qui a orienté (facultatif)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


INBOX_VIEWS = {"recues": "Reçues", "envoyees": "Envoyées"}
INBOX_GROUPS = {
    "nouvelles": "Nouvelles",
    "en-cours": "En cours",
    "closes": "Closes",
    "toutes": "Toutes",
}


class InboxFilterForm(forms.Form):
    vue = forms.ChoiceField(choices=list(INBOX_VIEWS.items()), required=False)
    statut = forms.ChoiceField(choices=list(INBOX_GROUPS.items()), required=False)
    page = forms.IntegerField(required=False, min_value=1)

    def values(self) -> tuple[str, str, int]:
        if not self.is_valid():
            return "recues", "nouvelles", 1
        data = self.cleaned_data
        view = data.get("vue") or "recues"
        group = data.get("statut") or ("nouvelles" if view == "recues" else "toutes")
        return view, group, data.get("page") or 1
