"""Referrals in the admin, read only: staff support looks, actions change (one path for writes)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from aiguillage.referrals.models import Referral, ReferralStatusChange, UnmetNeed


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReferralStatusChangeInline(admin.TabularInline):
    model = ReferralStatusChange
    # Who changed what, when: never the note, which professionals write about the person
    # (ReferralStatusChange.PERSONAL_DATA_FIELDS).
    fields = ("at", "from_status", "to_status", "actor", "organisation")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    # No person name in the list: staff see flows, not people.
    list_display = (
        "public_id",
        "created_at",
        "status",
        "sender_organisation",
        "receiver_organisation",
        "place",
    )
    list_filter = ("status", "territory")
    search_fields = ("public_id",)
    date_hierarchy = "created_at"
    list_select_related = ("sender_organisation", "receiver_organisation", "place")
    exclude = Referral.PERSONAL_DATA_FIELDS
    inlines = [ReferralStatusChangeInline]


@admin.register(UnmetNeed)
class UnmetNeedAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "territory", "commune", "needs", "services")
    list_filter = ("territory",)
