"""Anonymise referrals whose last activity is older than REFERRAL_RETENTION_MONTHS, closed
or left open (accepted, came) with no outcome recorded.

The link to the person and every free text go; statuses, dates, structures and needs
stay for the statistics. Dry run unless --wet-run. Listed in deploy/schedule (daily).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from aiguillage.referrals.actions import anonymise_referral, expired_referrals


class Command(BaseCommand):
    help = "Anonymise les orientations sans activité depuis la durée de conservation."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--wet-run", action="store_true", help="appliquer (sinon : simulation)")

    def handle(self, *args, wet_run: bool, **options) -> None:
        months = settings.REFERRAL_RETENTION_MONTHS
        referrals = list(expired_referrals(now=timezone.now(), months=months))
        if wet_run:
            for referral in referrals:
                anonymise_referral(referral, reason=f"conservation {months} mois")
        verb = "anonymisées" if wet_run else "à anonymiser (simulation, ajoutez --wet-run)"
        self.stdout.write(
            f"{len(referrals)} orientations {verb} (sans activité depuis {months} mois)."
        )
