"""Coverage in the admin, read only: staff support looks, actions change (one path for writes)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from aiguillage.coverage.models import CoverageRun, FragilityIndex, TerritoryDemandParameters


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(CoverageRun)
class CoverageRunAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "territory", "status", "progress", "created_at", "author")
    list_filter = ("status", "territory")
    # The table has thousands of rows: read it on the site or in the CSV export.
    exclude = ("table",)


@admin.register(FragilityIndex)
class FragilityIndexAdmin(ReadOnlyAdmin):
    list_display = ("insee_code", "name", "total", "source")
    list_filter = ("source",)
    search_fields = ("insee_code", "name")


@admin.register(TerritoryDemandParameters)
class TerritoryDemandParametersAdmin(ReadOnlyAdmin):
    list_display = ("territory", "updated_at", "updated_by")
