"""``manage.py run_worker``: django-tasks-db's worker, plus a heartbeat and the hand-over of
the tasks of dead workers (``jobs.workers``). Run as many as needed, on any machine that
reaches the database; stop one with SIGTERM (it finishes its current task first)."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker

from aiguillage.jobs import workers

logger = logging.getLogger(__name__)


class Command(db_worker.Command):
    help = "Exécute les tâches de fond (imports, analyses, e-mails, commandes planifiées)."

    def handle(self, *args, **options) -> None:
        self.worker_id = options["worker_id"]
        stop = threading.Event()
        heart = threading.Thread(target=self._beat_until, args=(stop,), daemon=True)
        heart.start()
        try:
            while True:
                try:
                    super().handle(*args, **{**options, "worker_id": self.worker_id})
                    return
                except (OperationalError, InterfaceError):
                    # The database went away (restart, failover). A task this worker was
                    # running is left under the old id, whose heartbeat stops: another
                    # worker, or this one, takes it up again once it counts as lost.
                    logger.exception("Database unavailable; the worker starts again shortly")
                    connection.close()
                    self.worker_id = get_random_string(32)
                    time.sleep(settings.WORKER_HEARTBEAT_SECONDS)
        finally:
            stop.set()
            heart.join(timeout=settings.WORKER_HEARTBEAT_SECONDS + 5)
            try:
                workers.forget(self.worker_id)
            except (OperationalError, InterfaceError):
                pass

    def _beat_until(self, stop: threading.Event) -> None:
        started_at = timezone.now()
        while True:
            try:
                close_old_connections()
                workers.beat(self.worker_id, started_at=started_at)
                workers.recover_orphaned_tasks()
            except Exception:  # the database may be restarting: beat again later
                logger.exception("Heartbeat failed")
                connection.close()
            if stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
                break
        connection.close()
