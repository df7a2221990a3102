from __future__ import annotations

from django import forms
from django.utils import timezone

from aiguillage.people.models import ContactPreference, Person
from aiguillage.people.rules import CONSENT_EXPLANATION, CONSENT_PURPOSES
from aiguillage.places.vocabulary import LANGUAGES
from aiguillage.territories.models import Commune


class PersonForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label="Langues parlées",
        required=False,
        choices=list(LANGUAGES.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "birth_year",
            "commune",
            "contact_preference",
            "contact_value",
            "languages",
            "notes",
        ]
        widgets = {"contact_preference": forms.RadioSelect}

    def __init__(self, *args, territory=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        communes = Commune.objects.all()
        if territory is not None:
            communes = communes.filter(territory=territory)
        self.fields["commune"].queryset = communes.order_by("name")
        self.fields["commune"].empty_label = "— Commune de résidence —"
        self.fields["birth_year"].widget.attrs.update({"inputmode": "numeric", "min": 1900})
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        this_year = timezone.localdate().year
        if year is not None and not (this_year - 120 <= year <= this_year):
            raise forms.ValidationError(
                f"Indiquez une année entre {this_year - 120} et {this_year}, par exemple 1962."
            )
        return year

    def clean(self):
        data = super().clean()
        preference = data.get("contact_preference")
        value = (data.get("contact_value") or "").strip()
        if preference in (ContactPreference.PHONE, ContactPreference.EMAIL) and not value:
            self.add_error(
                "contact_value", "Indiquez le numéro ou l'adresse pour ce mode de contact."
            )
        if preference == ContactPreference.EMAIL and value and "@" not in value:
            self.add_error("contact_value", "Cette adresse e-mail n'est pas valide.")
        if preference in (ContactPreference.NONE, ContactPreference.THROUGH_PROFESSIONAL):
            # Minimal data: no direct contact wanted, nothing kept.
            data["contact_value"] = ""
        return data


class ConsentForm(forms.Form):
    purposes = forms.MultipleChoiceField(
        label="La personne est d'accord pour :",
        choices=list(CONSENT_PURPOSES.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins le suivi : sans accord, pas de fiche."},
    )
    explained = forms.BooleanField(
        label=CONSENT_EXPLANATION,
        error_messages={"required": "Confirmez que vous avez expliqué tout cela à la personne."},
    )

    def clean_purposes(self):
        purposes = self.cleaned_data["purposes"]
        if "accompagnement" not in purposes:
            raise forms.ValidationError(
                "Le suivi est nécessaire pour créer une fiche ; sans cet accord, aidez la personne "
                "sans rien enregistrer."
            )
        return purposes
