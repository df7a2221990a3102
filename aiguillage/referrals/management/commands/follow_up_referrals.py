"""Remind structures of referrals left unanswered for 10 days; expire them after 30.

Dry run unless --wet-run. Listed in deploy/schedule (daily).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from aiguillage.referrals import rules
from aiguillage.referrals.actions import (
    expire_referral,
    referrals_to_expire,
    referrals_to_remind,
    remind_referral,
)


class Command(BaseCommand):
    help = (
        f"Relance les orientations sans réponse depuis {rules.REMINDER_AFTER_DAYS} jours et "
        f"expire celles sans réponse depuis {rules.EXPIRY_AFTER_DAYS} jours."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--wet-run", action="store_true", help="appliquer (sinon : simulation)")

    def handle(self, *args, wet_run: bool, **options) -> None:
        now = timezone.now()
        to_remind = list(referrals_to_remind(now=now))
        to_expire = list(referrals_to_expire(now=now))
        reminded = expired = 0
        if wet_run:
            reminded = sum(remind_referral(referral=r, now=now) for r in to_remind)
            expired = sum(expire_referral(referral=r) is not None for r in to_expire)
            self.stdout.write(f"{reminded} orientations relancées, {expired} expirées.")
        else:
            self.stdout.write(
                f"{len(to_remind)} orientations à relancer, {len(to_expire)} à expirer "
                "(simulation, ajoutez --wet-run)."
            )
