"""Input shapes of the event pages. The day and times are read as wall-clock times of the
territory and turned into aware datetimes here; the rules are the actions'."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from aiguillage.events import rules
from aiguillage.events.models import Event, EventKind
from aiguillage.organisations.models import Organisation
from aiguillage.places.models import Place
from aiguillage.workshops.rules import DateProblem, local_moment

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PlaceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Place) -> str:
        return f"{obj.nom} ({obj.commune})"


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type d'événement", choices=[("", "Choisir…"), *EventKind.choices]
    )
    title = forms.CharField(
        label="Titre", max_length=200, help_text="Par exemple « Connectons-nous ! »."
    )
    day = forms.DateField(
        label="Date",
        widget=DATE_WIDGET,
        help_text="Un événement passé peut être noté après coup, avec ses présences.",
    )
    start_time = forms.TimeField(label="Début", widget=TIME_WIDGET)
    end_time = forms.TimeField(label="Fin", widget=TIME_WIDGET)
    place = PlaceChoice(
        label="Lieu de l'annuaire",
        queryset=Place.objects.none(),
        required=False,
        empty_label="Aucun : adresse ci-dessous ou à préciser",
    )
    address = forms.CharField(
        label="Ou adresse",
        max_length=300,
        required=False,
        help_text="Si le lieu n'est pas dans l'annuaire.",
    )
    audiences = forms.MultipleChoiceField(
        label="Pour qui ?",
        choices=list(rules.AUDIENCES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    partners = forms.ModelMultipleChoiceField(
        label="Structures partenaires",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_partners = forms.CharField(
        label="Autres partenaires (hors Aiguillage)", max_length=500, required=False
    )
    is_public = forms.BooleanField(
        label="Publier sur la page publique des ateliers du territoire",
        required=False,
        help_text="Tant qu'il est à venir et non annulé.",
    )
    description = forms.CharField(
        label="Présentation (facultatif)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organisation: Organisation, event: Event | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        territory = organisation.territory
        self.tz = territory.tz if territory else None
        current = Q(pk=event.place_id) if event and event.place_id else Q(pk__in=[])
        self.fields["place"].queryset = (
            Place.objects.filter(Q(territory=territory, is_published=True) | current).order_by(
                "commune", "nom"
            )
            if territory
            else Place.objects.none()
        )
        self.fields["partners"].queryset = (
            Organisation.objects.filter(territory=territory).exclude(pk=organisation.pk)
            if territory
            else Organisation.objects.none()
        ).order_by("name")

    def clean(self) -> dict:
        data = super().clean()
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if self.tz is None:
            raise forms.ValidationError(
                "Votre structure doit faire partie d'un territoire pour déclarer un événement."
            )
        if day and start and end:
            if end <= start:
                self.add_error("end_time", "L'heure de fin doit être après l'heure de début.")
            else:
                try:
                    data["starts_at"] = local_moment(day, start, self.tz)
                    data["ends_at"] = local_moment(day, end, self.tz)
                except DateProblem as problem:
                    self.add_error("start_time", str(problem))
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        names = ("kind", "title", "description", "place", "address", "other_partners")
        return {name: data[name] for name in names} | {
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "partners": list(data["partners"]),
            "audiences": list(data["audiences"]),
            "is_public": data["is_public"],
        }

    @classmethod
    def initial_of(cls, event: Event) -> dict:
        tz = event.territory.tz
        start, end = event.starts_at.astimezone(tz), event.ends_at.astimezone(tz)
        return {
            "kind": event.kind,
            "title": event.title,
            "day": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "place": event.place_id,
            "address": event.address,
            "audiences": event.audiences,
            "partners": list(event.partners.values_list("pk", flat=True)),
            "other_partners": event.other_partners,
            "is_public": event.is_public,
            "description": event.description,
        }


class CancelForm(forms.Form):
    reason = forms.CharField(label="Motif (facultatif)", required=False, max_length=300)


class AttendanceForm(forms.Form):
    """One number per audience; an empty box counts 0."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for code, label in rules.COUNT_AUDIENCES.items():
            self.fields[code] = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                max_value=rules.MAX_COUNT,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            )

    def counts(self) -> dict[str, int]:
        return {code: self.cleaned_data.get(code) or 0 for code in rules.COUNT_AUDIENCES}


class EventFilterForm(forms.Form):
    annee = forms.TypedChoiceField(label="Année", required=False, coerce=int, empty_value=None)
    type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Tous les types"), *EventKind.choices]
    )

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [("", "Toutes les années")] + [
            (str(year), str(year)) for year in years
        ]

    def criteria(self) -> tuple[int | None, str]:
        if not self.is_valid():
            return None, ""
        return self.cleaned_data["annee"], self.cleaned_data["type"]
