"""Input shapes of the workshop pages. Dates and times are read as wall-clock times of the
territory and turned into aware datetimes here; the rules (past dates, overlaps, seats)
are the actions'."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q

from aiguillage.accounts.models import User
from aiguillage.organisations.models import Organisation
from aiguillage.places.models import Place
from aiguillage.territories.models import Commune, Territory
from aiguillage.workshops import rules
from aiguillage.workshops.models import AttendanceStatus, WorkshopKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
WEEKDAYS = [(str(i), name.capitalize()) for i, name in enumerate(rules.DAY_NAMES)]


class FacilitatorChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


def _places(organisation: Organisation, territory: Territory):
    """The structure's own places and those its workshops already used: a territory may have
    thousands of places, the form offers the few that matter."""
    return (
        Place.objects.published()
        .in_territory(territory)
        .filter(Q(organisation=organisation) | Q(sessions__organisation=organisation))
        .distinct()
        .order_by("nom")
    )


def local_slot(tz, day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    return rules.local_moment(day, start, tz), rules.local_moment(day, end, tz)


class WorkshopFieldsForm(forms.Form):
    """What every session, cycle and series has."""

    kind = forms.ModelChoiceField(
        label="Type d'atelier", queryset=WorkshopKind.objects.none(), empty_label="Choisir…"
    )
    title = forms.CharField(
        label="Titre", max_length=200, help_text="Ce que les participants liront, en mots simples."
    )
    place = forms.ModelChoiceField(
        label="Lieu", queryset=Place.objects.none(), required=False, empty_label="À préciser"
    )
    capacity = forms.IntegerField(label="Nombre de places", min_value=1, max_value=500)
    audiences = forms.MultipleChoiceField(
        label="Pour qui ?",
        choices=list(rules.AUDIENCES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    facilitators = FacilitatorChoice(
        label="Qui anime ?",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    is_free = forms.BooleanField(label="Gratuit", required=False, initial=True)
    is_published = forms.BooleanField(
        label="Publier l'atelier",
        required=False,
        initial=True,
        help_text="Visible des autres structures du territoire et du public (sans participants).",
    )
    after_the_fact = forms.BooleanField(
        label="Saisie après coup",
        required=False,
        help_text=(
            "L'atelier a déjà eu lieu : il est enregistré pour le bilan, sans être publié ni "
            "annoncé. Vous ferez ensuite l'appel ou compterez les participants."
        ),
    )
    description = forms.CharField(
        label="Présentation (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        territory = organisation.territory
        self.tz = territory.tz if territory else ZoneInfo("Europe/Paris")
        self.fields["kind"].queryset = WorkshopKind.objects.filter(
            territory=territory, is_active=True
        )
        self.fields["place"].queryset = (
            _places(organisation, territory) if territory else Place.objects.none()
        )
        self.fields["facilitators"].queryset = User.objects.filter(
            memberships__organisation=organisation, is_active=True
        ).order_by("first_name", "last_name")

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "kind", "title", "place", "capacity", "audiences", "is_free", "is_published",
                "description", "after_the_fact",
            )
        } | {"facilitators": list(data["facilitators"])}  # fmt: skip


class SessionForm(WorkshopFieldsForm):
    day = forms.DateField(label="Date", widget=DATE_WIDGET)
    start_time = forms.TimeField(label="Début", widget=TIME_WIDGET)
    end_time = forms.TimeField(label="Fin", widget=TIME_WIDGET)

    field_order = ["kind", "title", "day", "start_time", "end_time", "place", "capacity"]

    def clean(self) -> dict:
        data = super().clean()
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", "L'heure de fin doit être après l'heure de début.")
            else:
                try:
                    data["starts_at"], data["ends_at"] = local_slot(self.tz, day, start, end)
                except rules.DateProblem as problem:
                    self.add_error("start_time", str(problem))
        return data


class SeriesForm(WorkshopFieldsForm):
    CYCLE, SESSIONS = "cycle", "seances"
    mode = forms.ChoiceField(
        label="Comment les gens s'inscrivent-ils ?",
        choices=[
            (CYCLE, "Un cycle : le même groupe vient à toutes les séances"),
            (SESSIONS, "Des séances indépendantes : on s'inscrit à chaque séance"),
        ],
        widget=forms.RadioSelect,
        initial=CYCLE,
    )
    weekdays = forms.MultipleChoiceField(
        label="Chaque", choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )
    start_time = forms.TimeField(label="De", widget=TIME_WIDGET)
    end_time = forms.TimeField(label="À", widget=TIME_WIDGET)
    first_day = forms.DateField(label="Du", widget=DATE_WIDGET)
    last_day = forms.DateField(label="Au", widget=DATE_WIDGET)
    skip_public_holidays = forms.BooleanField(
        label="Sauter les jours fériés", required=False, initial=True
    )
    charter_text = forms.CharField(
        label="Charte ou contrat du participant (facultatif, cycle seulement)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Son acceptation est enregistrée avec chaque inscription.",
    )

    field_order = [
        "mode", "kind", "title", "weekdays", "start_time", "end_time", "first_day", "last_day",
        "skip_public_holidays", "place", "capacity",
    ]  # fmt: skip

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "L'heure de fin doit être après l'heure de début.")
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", "La date de fin doit être après la date de début.")
        return data

    def series_values(self) -> dict:
        data = self.cleaned_data
        return self.values() | {
            "weekdays": [int(day) for day in data["weekdays"]],
            "start_time": data["start_time"],
            "end_time": data["end_time"],
            "first_day": data["first_day"],
            "last_day": data["last_day"],
            "skip_public_holidays": data["skip_public_holidays"],
            "as_cycle": data["mode"] == self.CYCLE,
            "charter_text": data["charter_text"] if data["mode"] == self.CYCLE else "",
        }


class MoveForm(forms.Form):
    day = forms.DateField(label="Nouvelle date", widget=DATE_WIDGET)
    start_time = forms.TimeField(label="Début", widget=TIME_WIDGET)
    end_time = forms.TimeField(label="Fin", widget=TIME_WIDGET)
    place = forms.ModelChoiceField(
        label="Lieu", queryset=Place.objects.none(), required=False, empty_label="À préciser"
    )

    def __init__(self, *args, organisation: Organisation, territory: Territory, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tz = territory.tz
        self.fields["place"].queryset = _places(organisation, territory)

    def clean(self) -> dict:
        data = super().clean()
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", "L'heure de fin doit être après l'heure de début.")
            else:
                try:
                    data["starts_at"], data["ends_at"] = local_slot(self.tz, day, start, end)
                except rules.DateProblem as problem:
                    self.add_error("start_time", str(problem))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Motif (transmis aux structures qui ont inscrit des personnes)",
        required=False,
        max_length=300,
    )


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label="Nombre de places", min_value=1, max_value=500)


class EnrolPersonForm(forms.Form):
    person = forms.UUIDField(widget=forms.HiddenInput)
    charter_accepted = forms.BooleanField(
        label="La personne a lu et accepté la charte", required=False
    )


class AnonymousForm(forms.Form):
    age_bracket = forms.ChoiceField(
        label="Tranche d'âge", choices=list(rules.AGE_BRACKETS.items()), initial=rules.UNKNOWN
    )
    social_status = forms.ChoiceField(
        label="Statut", choices=list(rules.SOCIAL_STATUSES.items()), initial=rules.UNKNOWN
    )
    commune = forms.ModelChoiceField(
        label="Commune", queryset=Commune.objects.none(), required=False, empty_label="Non connue"
    )

    def __init__(self, *args, territory: Territory, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.in_territory(territory)


class ThresholdForm(forms.Form):
    percent = forms.IntegerField(
        label="Assiduité pour terminer un cycle (%)",
        min_value=1,
        max_value=100,
        help_text="Part des séances tenues où la personne était présente. S'applique aux "
        "cycles créés à partir de maintenant.",
    )


class PublicFilterForm(forms.Form):
    WEEK, MONTH = "semaine", "mois"
    commune = forms.ChoiceField(label="Commune", required=False)
    type = forms.ChoiceField(label="Type d'atelier", required=False)
    periode = forms.ChoiceField(
        label="Quand ?",
        required=False,
        choices=[(WEEK, "Cette semaine"), (MONTH, "Les 30 prochains jours")],
    )

    def __init__(self, *args, communes: list[tuple[str, str]], kinds, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", "Toutes les communes"), *communes]
        self.fields["type"].choices = [("", "Tous les ateliers")] + [
            (kind.code, kind.label) for kind in kinds
        ]

    def criteria(self) -> tuple[str, str, str]:
        if not self.is_valid():
            return "", "", self.WEEK
        data = self.cleaned_data
        return data["commune"], data["type"], data["periode"] or self.WEEK


class MarkForm(forms.Form):
    """One tap of the roll call."""

    inscription = forms.UUIDField()
    presence = forms.ChoiceField(choices=AttendanceStatus.choices)


class HeadcountForm(forms.Form):
    """People counted without enrolment, one number per audience (the session's own
    audiences first)."""

    def __init__(self, *args, audiences: list[str], initial_counts: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        ordered = audiences + [code for code in rules.AUDIENCES if code not in audiences]
        for code in ordered:
            self.fields[code] = forms.IntegerField(
                label=rules.AUDIENCES[code],
                required=False,
                min_value=0,
                max_value=2000,
                initial=initial_counts.get(code),
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input-count"}),
                error_messages={
                    "invalid": "Indiquez un nombre entier.",
                    "min_value": "Le nombre ne peut pas être négatif.",
                    "max_value": "2000 personnes au plus par public : vérifiez le nombre.",
                },
            )

    def counts(self) -> dict[str, int]:
        return {code: value or 0 for code, value in self.cleaned_data.items()}
