"""Assessments in the admin, read only and without personal data: staff support looks,
actions change (one path for writes). New referential versions are published from the
staff page « Référentiel » (/espace/referentiel/), never edited here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from aiguillage.assessments.models import Assessment, AssessmentStatusChange, ReferentialVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ReferentialVersion)
class ReferentialVersionAdmin(ReadOnlyAdmin):
    list_display = ("version", "title", "published_at", "short_hash", "publish_link")
    exclude = ("document",)
    readonly_fields = ("publish_link",)

    @admin.display(description="empreinte")
    def short_hash(self, obj: ReferentialVersion) -> str:
        return f"{obj.content_hash[:12]}…"

    @admin.display(description="nouvelle version")
    def publish_link(self, obj: ReferentialVersion) -> str:
        url = reverse("assessments:referential_list")
        return format_html('<a href="{}?depuis={}">Partir de cette version</a>', url, obj.version)


class StatusChangeInline(admin.TabularInline):
    model = AssessmentStatusChange
    fields = ("created_at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    # No person and no answers: staff see that an assessment exists, not what it says.
    list_display = (
        "public_id",
        "kind",
        "status",
        "organisation",
        "referential_version",
        "created_at",
    )
    list_filter = ("kind", "status", "organisation__territory")
    search_fields = ("public_id",)
    list_select_related = ("organisation",)
    exclude = (
        *Assessment.PERSONAL_DATA_FIELDS,
        "person",
        "area_values",
        "typology",
        "computed_typology",
        "commune",
    )
    inlines = [StatusChangeInline]
