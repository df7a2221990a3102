"""Workers' heartbeats, and the hand-over of tasks whose worker died.

django-tasks-db marks a task RUNNING when a worker claims it and nothing else: a worker
killed with ``kill -9`` (or a machine lost) would leave it RUNNING for ever. Each
``run_worker`` process therefore writes a heartbeat, and every live worker regularly
puts back in the queue the running tasks of workers silent for ``WORKER_STALE_SECONDS``.
Jobs are written to be resumed (imports continue after their last committed batch), so
the next worker finishes the job; after ``JOB_MAX_ATTEMPTS`` claims the job is given up.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from aiguillage.jobs.models import WorkerHeartbeat
from aiguillage.jobs.queue import give_up

logger = logging.getLogger(__name__)


def beat(worker_id: str, *, started_at: dt.datetime) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": now,
        },
    )


def forget(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def live_worker_ids(now: dt.datetime | None = None) -> set[str]:
    since = (now or timezone.now()) - dt.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    beats = WorkerHeartbeat.objects.filter(seen_at__gte=since)
    return set(beats.values_list("worker_id", flat=True))


def recover_orphaned_tasks() -> tuple[int, int]:
    """Requeue the running tasks of dead workers; give up those claimed too often.

    Returns (requeued, given up). Safe to run from several workers at once: each task row
    is locked and skipped by the others.
    """
    now = timezone.now()
    alive = live_worker_ids(now)
    requeued = abandoned = 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    for task_id in running.values_list("id", flat=True):
        with transaction.atomic():
            task = running.select_for_update(skip_locked=True).filter(id=task_id).first()
            if task is None or not task.worker_ids or task.worker_ids[-1] in alive:
                continue
            # A task claimed but whose worker never wrote a heartbeat may be very young.
            if task.started_at and now - task.started_at < dt.timedelta(
                seconds=settings.WORKER_STALE_SECONDS
            ):
                continue
            if len(task.worker_ids) >= settings.JOB_MAX_ATTEMPTS:
                task.status = TaskResultStatus.FAILED
                task.finished_at = now
                task.exception_class_path = "aiguillage.jobs.workers.WorkerLost"
                task.traceback = f"Worker lost {len(task.worker_ids)} times"
                task.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                args = task.args_kwargs
                transaction.on_commit(
                    lambda task=task, args=args: give_up(
                        task.task_path,
                        args["args"],
                        args["kwargs"],
                        f"Le travail a été interrompu {len(task.worker_ids)} fois "
                        "(processus arrêté) : abandonné. Relancez-le.",
                    )
                )
                abandoned += 1
            else:
                task.status = TaskResultStatus.READY
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                requeued += 1
    if requeued or abandoned:
        logger.warning("Tasks of dead workers: %s requeued, %s given up", requeued, abandoned)
    return requeued, abandoned


def queue_lag_seconds(now: dt.datetime | None = None) -> float:
    """How long the oldest task ready to run has waited (0 when none waits)."""
    now = now or timezone.now()
    oldest = (
        DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", "run_after")
    ).first()
    if oldest is None:
        return 0.0
    enqueued_at, run_after = oldest
    # A deferred task waits from the moment it became due.
    due = max(enqueued_at, run_after) if run_after.year < 9999 else enqueued_at
    return max(0.0, (now - due).total_seconds())
