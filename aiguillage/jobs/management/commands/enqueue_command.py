"""``manage.py enqueue_command NAME [ARGS…]``: put a periodic command on the task queue.

The timers of ``deploy/systemd`` (or cron) call this at the times of ``deploy/schedule``;
a worker runs the command, so a long or failing run never blocks the timer, and a worker
killed mid-run hands it to another one.
"""

from __future__ import annotations

import argparse

from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError

from aiguillage.jobs.tasks import run_command


class Command(BaseCommand):
    help = "Met une commande planifiée dans la file des tâches de fond."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="nom de la commande (voir deploy/schedule)")
        # REMAINDER: the command's own options (--wet-run…) are passed on, not parsed here.
        parser.add_argument("arguments", nargs=argparse.REMAINDER, help="ses options")

    def handle(self, *args, name: str, arguments: list[str], **options) -> None:
        if name not in get_commands():
            raise CommandError(f"Commande inconnue : {name}")
        result = run_command.enqueue(name, arguments)
        self.stdout.write(f"{name} mise en file ({result.id}).")
