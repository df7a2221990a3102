"""Staff support for organisations. Every write goes through the actions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from aiguillage.accounts.admin import save_membership_formset
from aiguillage.accounts.models import Membership
from aiguillage.organisations import actions
from aiguillage.organisations.models import JoinKind, JoinStatus, Organisation, TerritoryJoinRequest


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    verbose_name = "membre"
    verbose_name_plural = "membres"


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "territory", "member_count", "is_demo")
    list_filter = ("kind", "territory", "is_demo")
    search_fields = ("name", "siret")
    fields = (*actions.STAFF_EDITABLE_FIELDS, "public_id", "is_demo", "created_at", "updated_at")
    readonly_fields = ("public_id", "is_demo", "created_at", "updated_at")
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description="membres", ordering="member_count")
    def member_count(self, obj: Organisation) -> int:
        return obj.member_count

    def save_model(self, request, obj: Organisation, form, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in actions.STAFF_EDITABLE_FIELDS}
        if change:
            actions.update_organisation(
                organisation=obj, values=values, actor=request.user, staff=True
            )
            return
        created = actions.create_organisation(values=values, actor=request.user, staff=True)
        obj.pk = created.pk
        obj.public_id = created.public_id
        obj._state.adding = False

    def save_formset(self, request, form, formset, change) -> None:
        save_membership_formset(request, formset)

    def has_delete_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        # Places, referrals and the journal point to structures: they are never deleted here.
        return False


@admin.register(TerritoryJoinRequest)
class TerritoryJoinRequestAdmin(admin.ModelAdmin):
    """Read-only, with one shortcut: accept pending requests. Refusals need a reason,
    written on the territory's coordination page."""

    list_display = ("organisation", "territory", "kind", "status", "created_at", "decided_at")
    list_filter = ("status", "kind", "territory")
    search_fields = ("organisation__name", "territory__name")
    fields = (
        "organisation",
        "territory",
        "kind",
        "status",
        "message",
        "created_by",
        "created_at",
        "decided_by",
        "decided_at",
    )
    readonly_fields = fields
    actions = ["accept"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description="Accepter les demandes sélectionnées")
    def accept(self, request: HttpRequest, queryset: QuerySet) -> None:
        accepted = 0
        for join_request in queryset.filter(status=JoinStatus.PENDING, kind=JoinKind.REQUEST):
            try:
                actions.accept_join_request(join_request=join_request, actor=request.user)
            except actions.OrganisationError as error:
                messages.error(request, f"{join_request.organisation} : {error}")
            else:
                accepted += 1
        messages.info(request, f"{accepted} demande(s) acceptée(s).")
