"""Background work: the workers that run tasks, and the e-mails waiting to be delivered.

Tasks themselves are django-tasks-db's ``DBTaskResult`` rows; this app adds what that
backend lacks for several machines: a heartbeat per worker (so that the task of a killed
worker is handed to another) and an outbox of e-mails (so that a mail server that is down
delays a message without losing it, and never fails the action that wrote it).
"""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per running worker process, refreshed every WORKER_HEARTBEAT_SECONDS."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} ({self.worker_id})"


class OutgoingEmailStatus(models.TextChoices):
    PENDING = "pending", "À envoyer"
    SENDING = "sending", "En cours d'envoi"
    FAILED = "failed", "Abandonné"


class OutgoingEmail(models.Model):
    """A message rendered by an action, deleted once the mail server accepted it.

    Bodies carry at most a person's first name (see the notification modules); a delivered
    message leaves no copy here.
    """

    PERSONAL_DATA_FIELDS = ("to", "subject", "body")

    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=OutgoingEmailStatus.choices, default=OutgoingEmailStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"E-mail {self.pk} ({self.get_status_display()})"
