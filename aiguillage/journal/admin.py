"""The journal is append-only: the admin reads it and never adds, changes or deletes."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from aiguillage.journal.models import JournalEntry


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "event", "actor", "object_type", "object_id", "territory_id")
    list_filter = ("event", "object_type")
    search_fields = ("event", "object_id", "actor__email")
    date_hierarchy = "at"
    fields = ("at", "event", "actor", "object_type", "object_id", "territory_id", "data")
    readonly_fields = fields
    list_select_related = ("actor",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: JournalEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: JournalEntry | None = None) -> bool:
        return False
