"""Run an import away from the request that asked for it."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from aiguillage.places.dedup_actions import merge_duplicates
from aiguillage.places.importing import run_import
from aiguillage.places.models import ImportRun, ImportStatus


def execute_import(run_id: int, path: str, services_path: str | None = None) -> None:
    """Import then merge duplicates; idempotent (re-running converges)."""
    run = ImportRun.objects.select_related("territory", "actor").get(pk=run_id)
    try:
        run = run_import(
            run=run, path=Path(path), services_path=Path(services_path) if services_path else None
        )
        if run.status == ImportStatus.DONE:
            merge_duplicates(
                actor=run.actor, territories=[run.territory] if run.territory else None, run=run
            )
    except Exception as error:  # the page must say the import failed rather than spin forever
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportStatus.FAILED, error=f"Erreur inattendue : {error}"
        )
        raise


def _in_thread(run_id: int, path: str, services_path: str | None) -> None:
    close_old_connections()
    try:
        execute_import(run_id, path, services_path)
    finally:
        connection.close()


def enqueue_import(run: ImportRun, path: Path, services_path: Path | None = None) -> None:
    args = (run.pk, str(path), str(services_path) if services_path else None)
    if settings.IMPORT_RUNNER == "inline":
        transaction.on_commit(lambda: execute_import(*args))
        return
    transaction.on_commit(
        lambda: threading.Thread(
            target=_in_thread, args=args, daemon=True, name=f"import-{run.pk}"
        ).start()
    )
