"""Staff support for places. Writes go through ``places.actions`` so that every change is kept;
history, sources, imports and merges are read-only here (their own pages and actions act)."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from aiguillage.places.actions import (
    EDITABLE_FIELDS,
    PlaceError,
    check_place_values,
    create_place,
    update_place,
)
from aiguillage.places.forms import PlaceForm
from aiguillage.places.models import ImportRun, Place, PlaceChange, PlaceMerge, PlaceSource

ADMIN_NOTE = "Depuis l'administration"


def _admin_formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    # Web addresses typed without a scheme are https ones nowadays.
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class PlaceAdminForm(forms.ModelForm):
    class Meta:
        model = Place
        fields = ("territory", *EDITABLE_FIELDS)
        formfield_callback = _admin_formfield

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Enumerations as the checkboxes of the professionals' form, not raw JSON.
        for name, field in PlaceForm.base_fields.items():
            if isinstance(field, forms.MultipleChoiceField) and name in self.fields:
                self.fields[name] = copy.deepcopy(field)

    def clean_courriels(self) -> list[str]:
        return self._text_list("courriels")

    def clean_site_web(self) -> list[str]:
        return self._text_list("site_web")

    def _text_list(self, name: str) -> list[str]:
        value = self.cleaned_data.get(name)
        if value is None:  # an empty box
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError('Saisissez une liste, par exemple ["contact@exemple.fr"].')
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        territory = cleaned.get("territory") or getattr(self.instance, "territory", None)
        if territory is None:
            return cleaned
        values = {name: cleaned[name] for name in EDITABLE_FIELDS if name in cleaned}
        try:
            check_place_values(values, territory=territory)
        except PlaceError as error:
            raise ValidationError(str(error)) from error
        return cleaned


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    form = PlaceAdminForm
    list_display = ("nom", "commune", "territory", "organisation", "date_maj", "is_published")
    list_filter = ("territory", "is_published", "is_demo")
    search_fields = ("nom", "commune", "code_postal", "public_id")
    list_select_related = ("territory", "organisation")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = (
        "public_id",
        "date_maj",
        "merged_into",
        "is_demo",
        "created_at",
        "updated_at",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Place | None = None) -> tuple:
        # A place never changes territory: its coordinators and history belong to it.
        if obj is not None:
            return ("territory", *self.readonly_fields)
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Place | None = None) -> bool:
        # Deleting would erase the history of changes; unpublish the place instead.
        return False

    def save_model(
        self, request: HttpRequest, obj: Place, form: PlaceAdminForm, change: bool
    ) -> None:
        values = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.fields}
        if change:
            # ``obj`` already holds the new values: compare with the stored place.
            stored = Place.objects.select_related("territory").get(pk=obj.pk)
            update_place(actor=request.user, place=stored, values=values, note=ADMIN_NOTE)
        else:
            territory = form.cleaned_data["territory"]
            created = create_place(
                actor=request.user, territory=territory, values=values, note=ADMIN_NOTE
            )
            obj.pk = created.pk
        obj.refresh_from_db()
        obj._state.adding = False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by actions only: staff look, they do not edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PlaceChange)
class PlaceChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "place", "kind", "actor", "note")
    list_filter = ("kind",)
    list_select_related = ("place", "actor")
    search_fields = ("place__nom", "actor__email")
    date_hierarchy = "at"


@admin.register(PlaceSource)
class PlaceSourceAdmin(ReadOnlyAdmin):
    list_display = ("source", "source_id", "place", "updated_at")
    list_filter = ("source",)
    list_select_related = ("place",)
    search_fields = ("source_id", "place__nom")


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "filename",
        "territory",
        "status",
        "created",
        "updated",
        "rejected",
    )
    list_filter = ("status", "territory")
    list_select_related = ("territory",)


@admin.register(PlaceMerge)
class PlaceMergeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kept", "duplicate", "score", "undone_at")
    list_select_related = ("kept", "duplicate")
    search_fields = ("kept__nom", "duplicate__nom")
