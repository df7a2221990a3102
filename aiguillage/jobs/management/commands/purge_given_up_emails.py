"""Delete the e-mails given up more than --min-age-days ago (their bodies hold first names and
links). Delivered messages leave no row; those still tried are kept. Dry run unless
--wet-run. Listed in deploy/schedule (daily)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from aiguillage.jobs.mail import GIVEN_UP_EMAILS_KEPT_DAYS, given_up_emails


class Command(BaseCommand):
    help = "Supprime les e-mails abandonnés depuis la durée de conservation."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--min-age-days",
            type=int,
            default=GIVEN_UP_EMAILS_KEPT_DAYS,
            help=f"âge minimal en jours (par défaut {GIVEN_UP_EMAILS_KEPT_DAYS})",
        )
        parser.add_argument("--wet-run", action="store_true", help="supprimer (sinon : simulation)")

    def handle(self, *args, min_age_days: int, wet_run: bool, **options) -> None:
        emails = given_up_emails(now=timezone.now(), days=min_age_days)
        if wet_run:
            count, _ = emails.delete()
            verb = "supprimé(s)"
        else:
            count = emails.count()
            verb = "à supprimer (simulation, ajoutez --wet-run)"
        self.stdout.write(
            f"{count} e-mail(s) abandonné(s) {verb} (écrits il y a plus de {min_age_days} jours)."
        )
