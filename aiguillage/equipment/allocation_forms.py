"""Forms of the gift of a computer: one small form per step, sized for a phone."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from aiguillage.equipment.allocation_actions import EQUIPMENT_EXPLANATION
from aiguillage.equipment.eligibility import Criterion
from aiguillage.equipment.models import INSTALL_CHECKLIST

YES_NO = [("oui", "Oui"), ("non", "Non")]


class RequestForm(forms.Form):
    """The territory's yes-or-no questions, and the person's consent when it is missing."""

    consent = forms.BooleanField(label=f"{EQUIPMENT_EXPLANATION}", required=False)

    def __init__(self, *args, criteria: list[Criterion], needs_consent: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"critere_{criterion.code}"] = forms.ChoiceField(
                label=criterion.label,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": "Répondez oui ou non."},
            )
        if needs_consent:
            self.fields["consent"].required = True
            self.fields["consent"].error_messages["required"] = (
                "Sans l'accord de la personne, elle ne peut pas être inscrite sur la liste."
            )
        else:
            del self.fields["consent"]

    def answers(self) -> dict[str, bool | None]:
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        raw = {c.code: data.get(f"critere_{c.code}") for c in self.criteria}
        return {
            code: (None if value in (None, "") else value == "oui") for code, value in raw.items()
        }

    def criterion_fields(self):
        return [self[f"critere_{c.code}"] for c in self.criteria]


class ReserveForm(forms.Form):
    device = forms.ChoiceField(
        label="Ordinateur prêt à donner",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez un ordinateur.",
            "invalid_choice": "Cet ordinateur n'est plus prêt à donner : choisissez-en un autre.",
        },
    )

    def __init__(self, *args, devices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.devices = {str(device.public_id): device for device in devices}
        self.fields["device"].choices = [(key, key) for key in self.devices]

    def chosen(self):
        return self.devices[self.cleaned_data["device"]]


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        label="Pourquoi annuler la réservation ?",
        max_length=300,
        error_messages={"required": "Indiquez pourquoi la réservation est annulée."},
    )
    back_to_list = forms.ChoiceField(
        label="Et la personne ?",
        choices=[
            ("oui", "Elle reste sur la liste, à sa place"),
            ("non", "Elle ne veut plus d'ordinateur"),
        ],
        widget=forms.RadioSelect,
        initial="oui",
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Pourquoi retirer la personne de la liste ?",
        max_length=300,
        error_messages={"required": "Indiquez pourquoi la demande est annulée."},
    )


class PaperForm(forms.Form):
    signed = forms.BooleanField(
        label="Le contrat est imprimé et signé sur papier par la personne",
        error_messages={"required": "Cochez la case quand le contrat papier est signé."},
    )


class AppointmentForm(forms.Form):
    day = forms.DateField(
        label="Jour du rendez-vous",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez le jour.", "invalid": "Ce jour n'est pas valide."},
    )
    time = forms.TimeField(
        label="Heure",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Indiquez l'heure.",
            "invalid": "Cette heure n'est pas valide.",
        },
    )

    def moment(self, tz) -> dt.datetime:
        return dt.datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"], tzinfo=tz)


class InstallForm(forms.Form):
    installed_on = forms.DateField(
        label="Installé le",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date.", "invalid": "Cette date n'est pas valide."},
    )
    installer = forms.ChoiceField(label="Installé par")

    def __init__(self, *args, installers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.installers = {str(user.pk): user for user in installers}
        self.fields["installer"].choices = [
            (key, user.display_name) for key, user in self.installers.items()
        ]
        for code, label in INSTALL_CHECKLIST.items():
            self.fields[f"check_{code}"] = forms.BooleanField(label=label, required=False)
        if not self.is_bound:
            self.fields["installed_on"].initial = timezone.localdate()

    def checklist(self) -> dict[str, bool]:
        return {code: bool(self.cleaned_data.get(f"check_{code}")) for code in INSTALL_CHECKLIST}

    def check_fields(self):
        return [self[f"check_{code}"] for code in INSTALL_CHECKLIST]

    def chosen_installer(self):
        return self.installers[self.cleaned_data["installer"]]
