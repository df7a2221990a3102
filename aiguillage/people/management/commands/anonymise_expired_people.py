"""Anonymise people whose last activity is older than PEOPLE_RETENTION_MONTHS.

Dry run unless --wet-run. Listed in deploy/schedule (daily).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from aiguillage.people.actions import anonymise_person, expired_people


class Command(BaseCommand):
    help = "Anonymise les fiches des personnes sans activité depuis la durée de conservation."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--wet-run", action="store_true", help="appliquer (sinon : simulation)")

    def handle(self, *args, wet_run: bool, **options) -> None:
        months = settings.PEOPLE_RETENTION_MONTHS
        people = list(expired_people(now=timezone.now(), months=months))
        if wet_run:
            for person in people:
                anonymise_person(actor=None, person=person, reason=f"conservation {months} mois")
        verb = "anonymisées" if wet_run else "à anonymiser (simulation, ajoutez --wet-run)"
        self.stdout.write(f"{len(people)} fiches {verb} (sans activité depuis {months} mois).")
