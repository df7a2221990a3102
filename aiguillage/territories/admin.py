"""Territories and communes are reference data loaded by commands: the admin only shows them."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from aiguillage.accounts.models import Coordination
from aiguillage.territories.models import Commune, PriorityNeighbourhood, Territory


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class CoordinationInline(admin.TabularInline):
    model = Coordination
    fields = ("user", "created_at")
    readonly_fields = fields
    extra = 0
    verbose_name = "coordinateur ou coordinatrice"
    verbose_name_plural = "coordination (à gérer dans « Coordinations »)"

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Territory)
class TerritoryAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "siren", "slug", "is_demo")
    list_filter = ("kind", "is_demo")
    search_fields = ("name", "siren", "slug")
    fields = ("name", "slug", "siren", "kind", "timezone", "accent_color", "is_demo", "created_at")
    inlines = [CoordinationInline]


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    list_display = ("name", "insee_code", "territory", "department_code", "population")
    list_filter = ("territory", "department_code")
    search_fields = ("name", "insee_code", "search_name")
    # The geometry is large JSON: it is left out of the page.
    fields = (
        "name",
        "insee_code",
        "postcode_list",
        "territory",
        "department_code",
        "population",
        "latitude",
        "longitude",
    )
    readonly_fields = fields
    list_select_related = ("territory",)

    @admin.display(description="codes postaux")
    def postcode_list(self, obj: Commune) -> str:
        return ", ".join(obj.postcode_list)


@admin.register(PriorityNeighbourhood)
class PriorityNeighbourhoodAdmin(ReadOnlyAdmin):
    """Imported by ``import_priority_neighbourhoods``; the outline is left out of the page."""

    list_display = ("name", "code", "kind", "list_year", "territory", "population", "is_demo")
    list_filter = ("kind", "list_year", "is_demo")
    search_fields = ("name", "code")
    fields = ("name", "code", "kind", "list_year", "territory", "population", "source", "is_demo")
    readonly_fields = fields
    list_select_related = ("territory",)
