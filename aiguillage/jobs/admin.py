from django.contrib import admin

from aiguillage.jobs.models import OutgoingEmail, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("worker_id", "hostname", "pid", "started_at", "seen_at")
    readonly_fields = list_display


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Staff see what waits or was given up, never a message's body."""

    list_display = ("pk", "status", "attempts", "last_error", "next_attempt_at", "created_at")
    list_filter = ("status",)
    exclude = OutgoingEmail.PERSONAL_DATA_FIELDS
    readonly_fields = ("status", "attempts", "last_error", "next_attempt_at", "claimed_at")
