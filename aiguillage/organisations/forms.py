from __future__ import annotations

from django import forms

from aiguillage.accounts.actions import normalise_email
from aiguillage.accounts.forms import INVALID_EMAIL
from aiguillage.organisations.models import Organisation, OrganisationKind
from aiguillage.territories.models import Territory


class OrganisationForm(forms.ModelForm):
    """A structure's details. Only validates: the view hands ``cleaned_data`` to an action."""

    # Wider than the column: people paste SIRETs with spaces, removed by clean_siret.
    siret = forms.CharField(
        label="SIRET (facultatif)",
        required=False,
        max_length=20,
        help_text="14 chiffres : voir annuaire-entreprises.data.gouv.fr.",
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "siret", "email", "phone"]
        labels = {
            "name": "Nom de la structure",
            "email": "Courriel de contact (facultatif)",
            "phone": "Téléphone (facultatif)",
        }
        help_texts = {
            "email": "Une adresse générique de la structure, pas une adresse personnelle.",
        }
        error_messages = {"email": {"invalid": INVALID_EMAIL}}
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            ("", "Choisissez le type de structure"),
            *OrganisationKind.choices,
        ]

    def clean_siret(self) -> str:
        siret = "".join(self.cleaned_data.get("siret", "").split())
        if siret and (len(siret) != 14 or not siret.isdigit()):
            raise forms.ValidationError("Le SIRET compte 14 chiffres, sans lettres.")
        return siret

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data.get("email", ""))


class OrganisationCreateForm(OrganisationForm):
    join_territory = forms.ModelChoiceField(
        label="Territoire à rejoindre (facultatif)",
        queryset=Territory.objects.order_by("name"),
        required=False,
        empty_label="Plus tard",
        help_text="La coordination du territoire validera votre demande.",
    )
    join_message = forms.CharField(
        label="Message pour la coordination (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta(OrganisationForm.Meta):
        pass


class TerritoryJoinForm(forms.Form):
    territory = forms.ModelChoiceField(
        label="Territoire",
        queryset=Territory.objects.order_by("name"),
        empty_label="Choisissez un territoire",
    )
    message = forms.CharField(
        label="Message pour la coordination (facultatif)",
        required=False,
        max_length=2000,
        help_text="Présentez en quelques mots votre structure et ce qu'elle propose.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, exclude: Territory | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if exclude is not None:
            self.fields["territory"].queryset = Territory.objects.exclude(pk=exclude.pk).order_by(
                "name"
            )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Raison du refus",
        max_length=2000,
        help_text="Elle sera envoyée par e-mail aux responsables de la structure.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, required: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if not required:
            self.fields["reason"].label = "Raison du refus (facultatif)"
            self.fields["reason"].help_text = "Elle sera envoyée à la coordination du territoire."


class InviteOrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Structure",
        queryset=Organisation.objects.none(),
        empty_label="Choisissez une structure",
        help_text="Les structures inscrites sur Aiguillage qui ne font partie d'aucun territoire.",
    )
    message = forms.CharField(
        label="Message pour la structure (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Structures of another territory belong to its coordination.
        self.fields["organisation"].queryset = Organisation.objects.filter(
            territory__isnull=True
        ).order_by("name")


class TerritoryOrganisationForm(OrganisationForm):
    manager_email = forms.EmailField(
        label="Adresse e-mail du ou de la responsable",
        error_messages={"invalid": INVALID_EMAIL},
        help_text="Cette personne recevra une invitation pour gérer la structure sur Aiguillage.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    class Meta(OrganisationForm.Meta):
        pass

    def clean_manager_email(self) -> str:
        return normalise_email(self.cleaned_data["manager_email"])
