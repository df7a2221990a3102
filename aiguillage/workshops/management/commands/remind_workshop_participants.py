"""Remind the participants of tomorrow's sessions, their prescribers and the organisers.

Dry run unless --wet-run. Listed in deploy/schedule (daily, in the morning).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from aiguillage.workshops.reminder_actions import remind_session, sessions_to_remind


class Command(BaseCommand):
    help = (
        "Envoie le rappel des séances de demain : aux participants qui ont choisi le courriel, "
        "aux structures qui les ont inscrits (avec le texte à envoyer par SMS) et aux "
        "organisateurs. Une séance n'est rappelée qu'une fois."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--wet-run", action="store_true", help="appliquer (sinon : simulation)")

    def handle(self, *args, wet_run: bool, **options) -> None:
        now = timezone.now()
        sessions = sessions_to_remind(now=now)
        if not wet_run:
            self.stdout.write(
                f"{len(sessions)} séances à rappeler (simulation, ajoutez --wet-run)."
            )
            return
        reminded = sum(remind_session(session=session, now=now) for session in sessions)
        self.stdout.write(f"{reminded} séances rappelées.")
