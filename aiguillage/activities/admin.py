"""Accompaniments in the admin, read only, for staff support: structures, dates and counts,
never the person (``ActivityRecord.PERSONAL_DATA_FIELDS``). Writes go through the actions."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from aiguillage.activities.models import ActivityRecord


@admin.register(ActivityRecord)
class ActivityRecordAdmin(admin.ModelAdmin):
    list_display = (
        "occurred_on",
        "organisation",
        "kind",
        "participants",
        "duration_minutes",
        "source",
        "created_at",
    )
    list_filter = ("kind", "source", "organisation__territory")
    search_fields = ("public_id",)
    date_hierarchy = "occurred_on"
    list_select_related = ("organisation",)
    exclude = ActivityRecord.PERSONAL_DATA_FIELDS
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
