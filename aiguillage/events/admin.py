"""Events in the admin, read only, for staff support. Writes go through the actions."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from aiguillage.events.models import Event, EventAttendance


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class EventAttendanceInline(admin.TabularInline):
    model = EventAttendance
    fields = ("audience", "count")
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("title", "starts_at", "organisation", "kind", "status", "is_public")
    list_filter = ("kind", "status", "territory")
    search_fields = ("title", "public_id")
    date_hierarchy = "starts_at"
    list_select_related = ("organisation",)
    inlines = [EventAttendanceInline]
