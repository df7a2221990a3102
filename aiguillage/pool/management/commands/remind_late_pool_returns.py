"""Remind the borrowing structures of pool loans not returned at the end of their period.

Dry run unless --wet-run. Listed in deploy/schedule (daily, in the morning).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from aiguillage.pool.reminder_actions import bookings_to_remind, remind_late_booking


class Command(BaseCommand):
    help = (
        "Rappelle par courriel aux structures qui les ont empruntés les objets du prêt de "
        "matériel pas encore rendus à la fin de la réservation (une fois par jour au plus)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--wet-run", action="store_true", help="appliquer (sinon : simulation)")

    def handle(self, *args, wet_run: bool, **options) -> None:
        now = timezone.now()
        bookings = bookings_to_remind(now=now)
        if not wet_run:
            self.stdout.write(
                f"{len(bookings)} prêts en retard à rappeler (simulation, ajoutez --wet-run)."
            )
            return
        reminded = sum(remind_late_booking(booking=booking, now=now) for booking in bookings)
        self.stdout.write(f"{reminded} prêts en retard rappelés.")
