"""Enqueue the delivery of every e-mail due again (a safety net: each failed delivery
already enqueues its next attempt). Dry run unless --wet-run. Listed in deploy/schedule."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from aiguillage.jobs.models import OutgoingEmail, OutgoingEmailStatus
from aiguillage.jobs.tasks import deliver_email


class Command(BaseCommand):
    help = "Relance l'envoi des e-mails en attente."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--wet-run", action="store_true", help="envoyer (sinon : simulation)")

    def handle(self, *args, wet_run: bool, **options) -> None:
        due = OutgoingEmail.objects.filter(status=OutgoingEmailStatus.PENDING).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())
        )
        ids = list(due.values_list("pk", flat=True))
        if wet_run:
            for email_id in ids:
                deliver_email.enqueue(email_id)
        verb = "relancés" if wet_run else "à relancer (simulation, ajoutez --wet-run)"
        self.stdout.write(f"{len(ids)} e-mail(s) {verb}.")
