"""Input shape of the equipment pool's pages; the rules stay in the actions."""

from __future__ import annotations

from django import forms

from aiguillage.pool import rules
from aiguillage.pool.models import Item, ItemCategory, ItemCondition

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format=DATETIME_FORMAT)


class ItemForm(forms.Form):
    name = forms.CharField(
        label="Nom", max_length=120, help_text="Par exemple « 6 tablettes Android »."
    )
    category = forms.ChoiceField(label="Catégorie", choices=ItemCategory.choices)
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce que l'objet contient, comment le récupérer.",
    )
    condition = forms.ChoiceField(label="État", choices=ItemCondition.choices)
    accessories = forms.CharField(
        label="Accessoires",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Un par ligne, par exemple « chargeur », « housse ». Ils seront vérifiés au retour."
        ),
    )
    is_available_for_loan = forms.BooleanField(
        label="Disponible au prêt", required=False, initial=True
    )
    photo = forms.FileField(
        label="Photo",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=f"Facultative. JPEG ou PNG, {rules.MAX_PHOTO_BYTES // (1024 * 1024)} Mo au plus.",
    )

    @classmethod
    def for_item(cls, item: Item, data=None, files=None) -> ItemForm:
        initial = {
            "name": item.name,
            "category": item.category,
            "description": item.description,
            "condition": item.condition,
            "accessories": "\n".join(item.accessories),
            "is_available_for_loan": item.is_available_for_loan,
        }
        return cls(data, files, initial=initial)

    def clean_accessories(self) -> list[str]:
        lines = self.cleaned_data["accessories"].replace(",", "\n").splitlines()
        accessories = rules.clean_accessories(lines)
        problem = rules.accessories_problem(accessories)
        if problem:
            raise forms.ValidationError(problem)
        return accessories

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo:
            return photo
        head = photo.read(16)
        photo.seek(0)
        problem = rules.photo_problem(size=photo.size or 0, head=head)
        if problem:
            raise forms.ValidationError(problem)
        return photo

    def values(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("name", "category", "description", "condition",
                                           "accessories", "is_available_for_loan")}  # fmt: skip


class BookingRequestForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Début", input_formats=[DATETIME_FORMAT], widget=DateTimeLocalInput(),
        help_text="Le jour et l'heure où vous venez chercher l'objet.",
    )  # fmt: skip
    ends_at = forms.DateTimeField(
        label="Fin", input_formats=[DATETIME_FORMAT], widget=DateTimeLocalInput(),
        help_text=f"Le jour et l'heure du retour ({rules.MAX_BOOKING_DAYS} jours au plus).",
    )  # fmt: skip
    purpose = forms.CharField(
        label="Pour quoi faire ?",
        max_length=300,
        required=False,
        help_text=(
            "Par exemple « atelier tablettes à la maison des habitants ». Aucun nom de personne."
        ),
    )


class NoteForm(forms.Form):
    note = forms.CharField(label="Message (facultatif)", max_length=300, required=False)


class CheckOutForm(forms.Form):
    condition = forms.ChoiceField(
        label="État à la remise", choices=ItemCondition.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label="Note (facultative)", max_length=300, required=False)


class ReturnForm(forms.Form):
    condition = forms.ChoiceField(
        label="État au retour", choices=ItemCondition.choices, widget=forms.RadioSelect
    )
    missing = forms.MultipleChoiceField(
        label="Accessoires manquants",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cochez ce qui n'est pas revenu.",
    )
    note = forms.CharField(label="Note (facultative)", max_length=300, required=False)

    def __init__(self, *args, accessories: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["missing"].choices = [(name, name) for name in accessories]
        if not accessories:
            del self.fields["missing"]
