"""Workshops in the admin, read only and without people: staff support looks at sessions
and cycles; every change goes through the actions (one path for writes)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from aiguillage.workshops.models import Cycle, Session, WorkshopKind, WorkshopSettings


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    # No participant column: staff see the programme, not who comes.
    list_display = (
        "title",
        "starts_at",
        "status",
        "organisation",
        "place",
        "cycle",
        "is_published",
    )
    list_filter = ("status", "is_published", "territory", "kind")
    search_fields = ("title", "public_id")
    date_hierarchy = "starts_at"
    list_select_related = ("organisation", "place", "cycle")
    exclude = ("facilitators",)


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "kind", "capacity", "is_published", "created_at")
    list_filter = ("is_published", "territory", "kind")
    search_fields = ("title", "public_id")
    list_select_related = ("organisation", "kind")


@admin.register(WorkshopKind)
class WorkshopKindAdmin(ReadOnlyAdmin):
    list_display = ("label", "code", "territory", "is_active")
    list_filter = ("territory", "is_active")


@admin.register(WorkshopSettings)
class WorkshopSettingsAdmin(ReadOnlyAdmin):
    list_display = ("territory", "completion_threshold_percent")
