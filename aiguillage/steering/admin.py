"""Programme steering in the admin, read only, for staff support. Writes go through the
actions (programme_actions, plan_actions, governance_actions)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from aiguillage.steering.models import (
    Committee,
    Meeting,
    PlanAction,
    PlanVersion,
    Programme,
    Proposal,
    SteeringRole,
    WorkingGroup,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("title", "territory", "starts_on", "ends_on")


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "programme", "status", "dated_on")
    list_filter = ("status",)


@admin.register(PlanAction)
class PlanActionAdmin(ReadOnlyAdmin):
    list_display = ("title", "plan_version", "kind", "status", "lead_partner")
    list_filter = ("kind", "status")


@admin.register(WorkingGroup)
class WorkingGroupAdmin(ReadOnlyAdmin):
    list_display = ("title", "programme")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("title", "group", "status")


@admin.register(Committee)
class CommitteeAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "programme")


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "held_on")


@admin.register(SteeringRole)
class SteeringRoleAdmin(ReadOnlyAdmin):
    list_display = ("user", "kind", "programme", "is_elected")
