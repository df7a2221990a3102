"""Append-only audit journal: who did what, when, to which object."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class JournalEntry(models.Model):
    """One event. Rows are never updated nor deleted (enforced in save/delete)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="journal_entries",
    )
    event = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    territory_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.event} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("Journal entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Journal entries are append-only.")
