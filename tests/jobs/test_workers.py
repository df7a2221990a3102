"""A task whose worker died goes back to the queue; one that keeps dying is given up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from aiguillage.jobs import workers
from aiguillage.jobs.models import WorkerHeartbeat
from aiguillage.places.importing import start_import
from aiguillage.places.models import ImportStatus
from aiguillage.places.tasks import import_places


@pytest.fixture
def run(coordinator, territory):
    return start_import(actor=coordinator, filename="lieux.csv", territory=territory)


def _claimed(run, *worker_ids: str, minutes_ago: int = 5) -> DBTaskResult:
    result = import_places.enqueue(run.pk, "imports/x.csv")
    task = DBTaskResult.objects.get(id=result.id)
    task.status = TaskResultStatus.RUNNING
    task.worker_ids = list(worker_ids)
    task.started_at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    task.save()
    return task


def _beat(worker_id: str, seconds_ago: int) -> None:
    seen = timezone.now() - dt.timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="machine", pid=1, started_at=seen, seen_at=seen
    )


def test_the_task_of_a_silent_worker_goes_back_to_the_queue(queued, run, settings):
    task = _claimed(run, "dead")
    _beat("dead", seconds_ago=settings.WORKER_STALE_SECONDS + 1)
    assert workers.recover_orphaned_tasks() == (1, 0)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    assert DBTaskResult.objects.ready().get() == task


def test_the_task_of_a_live_worker_is_left_alone(queued, run):
    task = _claimed(run, "alive")
    _beat("alive", seconds_ago=1)
    assert workers.recover_orphaned_tasks() == (0, 0)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_a_task_just_claimed_is_given_time_to_show_its_heartbeat(queued, run):
    task = _claimed(run, "newborn", minutes_ago=0)
    assert workers.recover_orphaned_tasks() == (0, 0)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_a_job_whose_workers_keep_dying_is_given_up_with_a_french_message(
    queued, run, settings, django_capture_on_commit_callbacks
):
    task = _claimed(run, *[f"dead-{n}" for n in range(settings.JOB_MAX_ATTEMPTS)])
    with django_capture_on_commit_callbacks(execute=True):
        assert workers.recover_orphaned_tasks() == (0, 1)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert "interrompu 3 fois" in run.error


def test_the_queue_lag_is_the_wait_of_the_oldest_ready_task(queued, run):
    assert workers.queue_lag_seconds() == 0
    result = import_places.enqueue(run.pk, "imports/x.csv")
    DBTaskResult.objects.filter(id=result.id).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=10)
    )
    assert 590 < workers.queue_lag_seconds() < 700
    # A task deferred to later is not late.
    DBTaskResult.objects.filter(id=result.id).update(
        run_after=timezone.now() + dt.timedelta(minutes=10)
    )
    assert workers.queue_lag_seconds() == 0
