"""The equipment pool in the admin, read only: staff support looks at items and bookings;
every change goes through the actions (one path for writes)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from aiguillage.pool.models import Booking, BookingStatusChange, Item


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ("name", "category", "organisation", "condition", "is_available_for_loan",
                    "withdrawn_at", "is_demo")  # fmt: skip
    list_filter = ("category", "condition", "is_available_for_loan", "territory", "is_demo")
    search_fields = ("name", "public_id", "organisation__name")
    list_select_related = ("organisation",)


class BookingStatusChangeInline(admin.TabularInline):
    model = BookingStatusChange
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "actor", "organisation", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "item", "borrower_organisation", "starts_at", "ends_at",
                    "status", "is_demo")  # fmt: skip
    list_filter = ("status", "territory", "is_demo")
    search_fields = ("public_id", "item__name", "borrower_organisation__name")
    date_hierarchy = "starts_at"
    list_select_related = ("item", "borrower_organisation")
    inlines = [BookingStatusChangeInline]
