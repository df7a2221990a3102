"""Input shapes: the one-screen record form, the list filters, the period of the statistics,
the La Coop file. Rules live in ``actions`` and ``rules``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from aiguillage.activities import coop, rules
from aiguillage.activities.models import ActivityKind, Autonomy, FollowUp, HowDone
from aiguillage.organisations.models import Organisation
from aiguillage.places.models import Place
from aiguillage.territories.models import Commune

# Short labels for the buttons of the record form (the model's labels are the long ones).
KIND_BUTTONS = [
    (ActivityKind.INDIVIDUAL, "Individuel"),
    (ActivityKind.COLLECTIVE, "Atelier collectif"),
    (ActivityKind.QUICK, "Réponse rapide"),
]
HOW_BUTTONS = [
    (HowDone.DONE_FOR, "Fait pour"),
    (HowDone.DONE_WITH, "Fait avec"),
    (HowDone.DONE_ALONE, "Fait seul"),
]
DURATIONS = [(minutes, rules.duration_label(minutes)) for minutes in rules.DURATION_CHOICES]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ActivityForm(forms.Form):
    occurred_on = forms.DateField(label="Date", widget=DateInput())
    kind = forms.ChoiceField(label="Type", choices=KIND_BUTTONS, widget=forms.RadioSelect)
    themes = forms.MultipleChoiceField(
        label="Thèmes",
        choices=list(rules.THEMES.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins un thème."},
    )
    duration_minutes = forms.TypedChoiceField(
        label="Durée", choices=DURATIONS, coerce=int, widget=forms.RadioSelect
    )
    how = forms.ChoiceField(
        label="Comment",
        choices=HOW_BUTTONS,
        widget=forms.RadioSelect,
        help_text="Fait pour la personne, avec elle, ou par elle seule avec vos conseils.",
    )
    participants = forms.IntegerField(
        label="Nombre de personnes",
        min_value=1,
        max_value=rules.MAX_PARTICIPANTS,
        help_text="1 pour un accompagnement individuel ; le groupe pour un atelier.",
    )
    # Optional, folded away.
    age_bracket = forms.ChoiceField(
        label="Tranche d'âge",
        choices=list(rules.AGE_BRACKETS.items()),
        widget=forms.RadioSelect,
        required=False,
    )
    status = forms.ChoiceField(
        label="Situation",
        choices=list(rules.STATUSES.items()),
        widget=forms.RadioSelect,
        required=False,
        help_text="« Groupe hétérogène » : seulement pour un atelier.",
    )
    procedure_domain = forms.ChoiceField(
        label="Démarche en ligne : pour quel organisme ?",
        choices=[("", "—"), *rules.PROCEDURE_DOMAINS.items()],
        required=False,
    )
    autonomy_after = forms.ChoiceField(
        label="La personne peut-elle le refaire seule ?",
        choices=[("", "Non renseigné"), *Autonomy.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    follow_up = forms.ChoiceField(
        label="Suite proposée",
        choices=[("", "Aucune"), *FollowUp.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    commune = forms.ModelChoiceField(
        label="Commune de la personne",
        queryset=Commune.objects.none(),
        required=False,
        empty_label="Non indiquée",
    )
    place = forms.ModelChoiceField(
        label="Lieu", queryset=Place.objects.none(), required=False, empty_label="Non précisé"
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        initial = {
            "occurred_on": timezone.localdate(),
            "kind": ActivityKind.INDIVIDUAL,
            "duration_minutes": 30,
            "how": HowDone.DONE_WITH,
            "participants": 1,
            "age_bracket": rules.NOT_GIVEN,
            "status": rules.NOT_GIVEN,
            "autonomy_after": "",
            "follow_up": "",
            **kwargs.pop("initial", {}),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(
            territory_id=organisation.territory_id
        )
        places = Place.objects.filter(organisation=organisation, merged_into__isnull=True)
        self.fields["place"].queryset = places
        # A duration typed elsewhere (an import: 180 min) stays selectable when corrected.
        duration = initial.get("duration_minutes")
        if duration not in rules.DURATION_CHOICES:
            choices = sorted([*DURATIONS, (duration, rules.duration_label(duration))])
            self.fields["duration_minutes"].choices = choices

    def clean(self) -> dict:
        data = super().clean()
        # Optional radio groups left empty mean « non renseigné ».
        data["age_bracket"] = data.get("age_bracket") or rules.NOT_GIVEN
        data["status"] = data.get("status") or rules.NOT_GIVEN
        return data


class ActivityFilterForm(forms.Form):
    du = forms.DateField(label="Du", required=False, widget=DateInput())
    au = forms.DateField(label="Au", required=False, widget=DateInput())
    theme = forms.ChoiceField(
        label="Thème", choices=[("", "Tous"), *rules.THEMES.items()], required=False
    )
    type = forms.ChoiceField(
        label="Type", choices=[("", "Tous"), *ActivityKind.choices], required=False
    )


class PeriodForm(forms.Form):
    periode = forms.ChoiceField(
        label="Période", choices=list(rules.PRESETS.items()), required=False
    )
    annee = forms.IntegerField(label="Année", min_value=rules.EARLIEST_DATE.year, required=False)
    du = forms.DateField(label="Du", required=False, widget=DateInput())
    au = forms.DateField(label="Au", required=False, widget=DateInput())
    structure = forms.ChoiceField(label="Structure", required=False)

    def __init__(self, *args, organisations=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["structure"]
        else:
            self.fields["structure"].choices = [
                ("", "Toutes"),
                *((str(org.public_id), org.name) for org in organisations),
            ]

    def clean(self) -> dict:
        data = super().clean()
        today = timezone.localdate()
        preset = data.get("periode") or "12mois"
        if preset == "dates":
            start, end = data.get("du"), data.get("au")
            if not start or not end:
                raise forms.ValidationError("Indiquez la date de début et la date de fin.")
            if start > end:
                raise forms.ValidationError("La date de début doit précéder la date de fin.")
            if end - start > dt.timedelta(days=366 * rules.MAX_PERIOD_YEARS):
                raise forms.ValidationError(
                    f"Une période de {rules.MAX_PERIOD_YEARS} ans au plus, s'il vous plaît."
                )
            data["period"] = rules.Period(start, end)
        else:
            year = data.get("annee")
            if preset == "annee" and year and year > today.year:
                raise forms.ValidationError("Cette année n'a pas encore commencé.")
            data["period"] = rules.preset_period(preset, today, year=year)
        data["periode"] = preset
        return data


class CoopImportForm(forms.Form):
    fichier = forms.FileField(
        label="Export d'activités de La Coop",
        help_text=(
            "Dans La Coop : « Mes activités » → « Exporter ». Fichier XLSX, ou CSV enregistré "
            "depuis le tableur. 5 Mo au plus."
        ),
    )

    def clean_fichier(self):
        upload = self.cleaned_data["fichier"]
        if upload.size > coop.MAX_BYTES:
            raise forms.ValidationError(
                "Ce fichier dépasse 5 Mo : exportez une période plus courte."
            )
        if upload.size == 0:
            raise forms.ValidationError("Ce fichier est vide.")
        return upload
