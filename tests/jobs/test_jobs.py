"""Jobs are tried again after a failure, given up with a French message after their last
attempt, and given up at once when their input is gone."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from aiguillage.coverage.models import CoverageRun
from aiguillage.coverage.tasks import compute_coverage_run
from aiguillage.jobs.queue import attempt_of, register_give_up, retry_delay
from aiguillage.jobs.tasks import run_command
from aiguillage.places.importing import start_import
from aiguillage.places.models import ImportStatus
from aiguillage.places.tasks import import_places

given_up: list[tuple[str, str]] = []


@task()
def always_failing(marker: str, attempt: int = 1) -> None:
    with attempt_of(always_failing, marker, attempt=attempt):
        raise RuntimeError("panne du serveur de fichiers")


register_give_up(always_failing, lambda marker, *, message: given_up.append((marker, message)))


def test_an_import_whose_file_disappeared_fails_clearly_at_once(queued, coordinator, territory):
    run = start_import(actor=coordinator, filename="lieux.csv", territory=territory)
    import_places.call(run.pk, "imports/gone.csv")
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert "Le fichier importé a disparu du stockage" in run.error
    assert not DBTaskResult.objects.exists()  # no retry: it cannot help


def test_an_import_whose_run_was_deleted_stops_quietly(queued):
    import_places.call(987654, "imports/x.csv")
    assert not DBTaskResult.objects.exists()


def test_a_failing_job_is_tried_again_later_then_given_up(queued, settings):
    given_up.clear()
    for attempt in range(1, settings.JOB_MAX_ATTEMPTS):
        always_failing.call("import-7", attempt=attempt)
        retry = DBTaskResult.objects.order_by("-enqueued_at").first()
        assert retry.args_kwargs == {"args": ["import-7"], "kwargs": {"attempt": attempt + 1}}
        assert retry.run_after > timezone.now()
        assert given_up == []
    with pytest.raises(RuntimeError):
        always_failing.call("import-7", attempt=settings.JOB_MAX_ATTEMPTS)
    assert given_up == [("import-7", "Échec après 3 essais : panne du serveur de fichiers")]


def test_retries_wait_longer_each_time_up_to_a_cap():
    delays = [retry_delay(attempt).total_seconds() for attempt in range(1, 8)]
    assert delays == [30, 60, 120, 240, 480, 900, 900]


def test_a_coverage_run_of_a_removed_territory_fails_without_retry(queued):
    compute_coverage_run.call(123456)
    assert not DBTaskResult.objects.exists()
    assert not CoverageRun.objects.exists()


def test_a_scheduled_command_goes_through_the_queue(queued):
    call_command("enqueue_command", "deliver_pending_emails", "--wet-run")
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "aiguillage.jobs.tasks.run_command"
    assert task.args_kwargs["args"] == ["deliver_pending_emails", ["--wet-run"]]
    run_command.call("deliver_pending_emails", ["--wet-run"])


def test_an_unknown_scheduled_command_is_refused_in_french(queued):
    with pytest.raises(CommandError, match="Commande inconnue"):
        call_command("enqueue_command", "no_such_command")
    assert not DBTaskResult.objects.exists()
