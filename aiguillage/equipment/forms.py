"""Input shapes of the pipeline's pages. Rules live in the actions: a form only parses."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils import timezone

from aiguillage.equipment import rules
from aiguillage.equipment.collection_actions import ContactValues, DonorValues, ItemLine
from aiguillage.equipment.device_actions import DeviceFacts, MoveDetails
from aiguillage.equipment.models import (
    Device,
    DeviceState,
    DonorKind,
    ErasureMethod,
    ExchangeDirection,
    Grade,
    ItemType,
)
from aiguillage.organisations.models import Organisation

MAX_ITEM_LINES = 20


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _choices_with_blank(choices, blank: str = "Choisir…") -> list:
    return [("", blank), *choices]


class DonorForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=200)
    kind = forms.ChoiceField(
        label="Type de donateur", choices=_choices_with_blank(DonorKind.choices)
    )
    siret = forms.CharField(
        label="SIRET", max_length=20, required=False, help_text="14 chiffres, facultatif."
    )
    address = forms.CharField(
        label="Adresse", max_length=300, required=False, help_text="Elle figure sur le reçu de don."
    )
    notes = forms.CharField(label="Remarque", max_length=300, required=False)

    def values(self) -> DonorValues:
        return DonorValues(**self.cleaned_data)


class ContactForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=120)
    role = forms.CharField(label="Fonction", max_length=120, required=False)
    email = forms.EmailField(label="Courriel", required=False)
    phone = forms.CharField(label="Téléphone", max_length=20, required=False)

    def values(self) -> ContactValues:
        return ContactValues(**self.cleaned_data)


class CollectionForm(forms.Form):
    donor = forms.ModelChoiceField(label="Donateur", queryset=None, empty_label="Choisir…")
    collected_on = forms.DateField(label="Date de la collecte", widget=DateInput())
    collected_by = forms.ModelChoiceField(
        label="Structure qui a collecté", queryset=None, empty_label=None
    )
    notes = forms.CharField(label="Remarque", max_length=300, required=False)

    def __init__(self, *args, donors, collectors: list[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = donors
        self.fields["collected_by"].queryset = Organisation.objects.filter(
            pk__in=[org.pk for org in collectors]
        ).order_by("name")


class ItemLineForm(forms.Form):
    item_type = forms.ChoiceField(
        label="Matériel", choices=_choices_with_blank(ItemType.choices), required=False
    )
    quantity = forms.IntegerField(label="Quantité", required=False)
    description = forms.CharField(label="Précisions", max_length=200, required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("item_type") and data.get("quantity") is None:
            self.add_error("quantity", "Indiquez la quantité.")
        if data.get("quantity") is not None and not data.get("item_type"):
            self.add_error("item_type", "Choisissez le matériel de cette ligne.")
        return data


class BaseItemLines(BaseFormSet):
    def _construct_form(self, i, **kwargs):
        # Every line may stay empty (the « ajouter une ligne » lines as much as the first).
        kwargs["empty_permitted"] = True
        kwargs["use_required_attribute"] = False
        return super()._construct_form(i, **kwargs)

    def lines(self) -> list[ItemLine]:
        return [
            ItemLine(
                f.cleaned_data["item_type"],
                f.cleaned_data["quantity"],
                f.cleaned_data["description"],
            )
            for f in self.forms
            if f.cleaned_data.get("item_type")
        ]


ItemLines = formset_factory(
    ItemLineForm,
    formset=BaseItemLines,
    extra=3,
    max_num=MAX_ITEM_LINES,
    absolute_max=MAX_ITEM_LINES,
)
ITEM_PREFIX = "lignes"


def item_lines_plus_one(data) -> BaseItemLines:
    """The lines typed so far, unbound (no errors shown yet), with one more empty line."""
    try:
        count = min(int(data.get(f"{ITEM_PREFIX}-TOTAL_FORMS", 0)), MAX_ITEM_LINES)
    except ValueError:
        count = 0
    fields = ("item_type", "quantity", "description")
    initial = [{k: data.get(f"{ITEM_PREFIX}-{i}-{k}", "") for k in fields} for i in range(count)]
    formset = formset_factory(
        ItemLineForm,
        formset=BaseItemLines,
        extra=1 if count < MAX_ITEM_LINES else 0,
        max_num=MAX_ITEM_LINES,
        absolute_max=MAX_ITEM_LINES,
    )
    return formset(initial=initial, prefix=ITEM_PREFIX)


class FactsForm(forms.Form):
    """What is read on a device: typed at registration, corrected at diagnosis."""

    device_type = forms.ChoiceField(
        label="Type", choices=ItemType.choices, widget=forms.RadioSelect
    )
    brand = forms.CharField(label="Marque", max_length=60, required=False)
    model_name = forms.CharField(label="Modèle", max_length=100, required=False)
    serial_number = forms.CharField(
        label="Numéro de série",
        max_length=80,
        required=False,
        help_text="Sous l'appareil ou sous la batterie. Les espaces ne comptent pas.",
    )
    cpu = forms.CharField(label="Processeur", max_length=100, required=False)
    ram_gb = forms.IntegerField(label="Mémoire vive (Go)", required=False)
    storage_gb = forms.IntegerField(label="Stockage (Go)", required=False)
    screen_inches = forms.DecimalField(
        label="Écran (pouces)", max_digits=4, decimal_places=1, required=False
    )

    def facts(self, grade: str = "") -> DeviceFacts:
        data = self.cleaned_data
        screen = data.get("screen_inches")
        return DeviceFacts(
            device_type=data["device_type"],
            brand=data.get("brand", ""),
            model_name=data.get("model_name", ""),
            serial_number=data.get("serial_number", ""),
            cpu=data.get("cpu", ""),
            ram_gb=data.get("ram_gb"),
            storage_gb=data.get("storage_gb"),
            screen_inches=float(screen) if screen is not None else None,
            grade=grade,
        )


class RegisterDeviceForm(FactsForm):
    note = forms.CharField(label="Remarque", max_length=300, required=False)


class MoveForm(FactsForm):
    """The one form of a device page: the next step among those the table allows, with
    what that step records. Fields of the other steps are ignored."""

    to = forms.CharField(label="Étape suivante", widget=forms.RadioSelect)
    grade = forms.ChoiceField(
        label="Grade", choices=Grade.choices, required=False, widget=forms.RadioSelect
    )
    erasure_method = forms.ChoiceField(
        label="Méthode d'effacement",
        choices=_choices_with_blank(ErasureMethod.choices),
        required=False,
    )
    erasure_certificate = forms.CharField(
        label="Certificat d'effacement",
        max_length=200,
        required=False,
        help_text="Numéro ou nom du rapport du logiciel d'effacement.",
    )
    erased_on = forms.DateField(
        label="Date de l'effacement",
        required=False,
        widget=DateInput(),
        help_text="Aujourd'hui si vide.",
    )
    operating_system = forms.CharField(
        label="Système installé",
        max_length=100,
        required=False,
        help_text="Par exemple « Linux Mint 22 ».",
    )
    software = forms.CharField(label="Logiciels installés", max_length=300, required=False)
    recycled_reason = forms.CharField(label="Motif du recyclage", max_length=200, required=False)
    recycler = forms.CharField(label="Recycleur (filière agréée)", max_length=200, required=False)
    note = forms.CharField(label="Remarque", max_length=300, required=False)

    def __init__(self, *args, device: Device, **kwargs) -> None:
        initial = {name: getattr(device, name) for name in FactsForm.base_fields} | {
            "grade": device.grade
        }
        super().__init__(*args, initial=initial, **kwargs)
        moves = rules.page_moves(device.state)
        self.fields["to"].widget.choices = [(m, DeviceState(m).label) for m in moves]
        # Facts are corrected only at the diagnosis: elsewhere they keep what is recorded.
        for name in FactsForm.base_fields:
            self.fields[name].required = False

    def clean_to(self) -> str:
        return self.cleaned_data["to"].strip()

    def details(self, territory_tz) -> MoveDetails:
        data = self.cleaned_data
        erased_on: dt.date | None = data.get("erased_on")
        erased_at = None
        if erased_on is not None:
            noon = dt.datetime.combine(erased_on, dt.time(12), tzinfo=territory_tz)
            erased_at = min(noon, timezone.now())
        return MoveDetails(
            note=data.get("note", ""),
            grade=data.get("grade", ""),
            erasure_method=data.get("erasure_method", ""),
            erasure_certificate=data.get("erasure_certificate", ""),
            erased_at=erased_at,
            operating_system=data.get("operating_system", ""),
            software=data.get("software", ""),
            recycled_reason=data.get("recycled_reason", ""),
            recycler=data.get("recycler", ""),
        )

    def diagnosis_facts(self, device: Device) -> DeviceFacts:
        """The facts as posted (the form shows the recorded ones to correct)."""
        data = self.cleaned_data
        if not data.get("device_type"):
            data["device_type"] = device.device_type
        return self.facts(grade=data.get("grade") or device.grade)


class DeviceFilterForm(forms.Form):
    etat = forms.ChoiceField(
        label="État", choices=_choices_with_blank(DeviceState.choices, "Tous"), required=False
    )
    type = forms.ChoiceField(
        label="Type", choices=_choices_with_blank(ItemType.choices, "Tous"), required=False
    )
    q = forms.CharField(label="Marque, modèle ou numéro de série", max_length=80, required=False)


class ExchangeForm(forms.Form):
    partner = forms.ModelChoiceField(label="Reconditionneur", queryset=None, empty_label=None)
    direction = forms.ChoiceField(
        label="Sens", choices=ExchangeDirection.choices, widget=forms.RadioSelect
    )
    on = forms.DateField(label="Date", widget=DateInput())
    quantity = forms.IntegerField(label="Nombre d'appareils")
    description = forms.CharField(label="Précisions", max_length=300, required=False)

    def __init__(self, *args, refurbishers: list[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Organisation.objects.filter(
            pk__in=[org.pk for org in refurbishers]
        ).order_by("name")
