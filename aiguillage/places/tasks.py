"""Uploaded imports run on the task queue: stored file in, places and a report out.

The uploaded file goes to the configured storage (local disk or object storage), so any
worker on any machine reads it. A worker killed mid-import leaves committed batches with
their counters; the next attempt continues after the last committed row (``run_import``
with ``resume``), so no row is counted twice and none is lost.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks import task

from aiguillage.jobs.queue import PermanentJobError, attempt_of, enqueue_on_commit, register_give_up
from aiguillage.places.dedup_actions import merge_duplicates
from aiguillage.places.importing import run_import
from aiguillage.places.models import ImportRun, ImportStatus

UPLOAD_FOLDER = "imports"


def store_upload(upload) -> str:
    """Save an uploaded file under a random name; returns its storage name."""
    # The stored name never reuses the uploaded name as a path (no traversal, no clash).
    suffix = "".join(c for c in upload.name.rsplit(".", 1)[-1].lower() if c.isalnum())[:8]
    return default_storage.save(f"{UPLOAD_FOLDER}/{uuid.uuid4().hex}.{suffix or 'dat'}", upload)


def _local_copy(name: str, folder: Path) -> Path:
    """The stored file as a local path (object storage is read once into a temporary file)."""
    if not default_storage.exists(name):
        raise PermanentJobError("Le fichier importé a disparu du stockage : déposez-le à nouveau.")
    target = folder / Path(name).name
    with default_storage.open(name, "rb") as source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy, length=1024 * 1024)
    return target


def execute_import(run_id: int, file_name: str, services_name: str | None = None) -> None:
    """Import (resuming after the last committed batch), then merge duplicates."""
    run = ImportRun.objects.select_related("territory", "actor").filter(pk=run_id).first()
    if run is None:
        raise PermanentJobError("Cet import n'existe plus.")
    if run.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return
    if run.status != ImportStatus.MERGING:  # an interrupted merge needs no second reading
        with tempfile.TemporaryDirectory(prefix="aiguillage-import-") as folder:
            path = _local_copy(file_name, Path(folder))
            services = _local_copy(services_name, Path(folder)) if services_name else None
            run = run_import(
                run=run, path=path, services_path=services, resume=True, merge_next=True
            )
    if run.status == ImportStatus.MERGING:
        merge_duplicates(
            actor=run.actor, territories=[run.territory] if run.territory else None, run=run
        )
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.DONE, finished_at=timezone.now()
        )
    for name in (file_name, services_name):
        if name:
            default_storage.delete(name)


@task()
def import_places(
    run_id: int, file_name: str, services_name: str | None = None, attempt: int = 1
) -> None:
    with attempt_of(import_places, run_id, file_name, services_name, attempt=attempt):
        execute_import(run_id, file_name, services_name)


def _import_given_up(run_id: int, *_args, message: str) -> None:
    ImportRun.objects.filter(pk=run_id).exclude(status=ImportStatus.DONE).update(
        status=ImportStatus.FAILED,
        error=f"L'import n'a pas pu aboutir. {message}",
        finished_at=timezone.now(),
    )


register_give_up(import_places, _import_given_up)


def enqueue_import(run: ImportRun, file_name: str, services_name: str | None = None) -> None:
    """Run the import on a worker once the request's transaction commits."""
    enqueue_on_commit(import_places, run.pk, file_name, services_name)
