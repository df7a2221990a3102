"""With several machines, uploads and coverage results live in S3-compatible object storage:
nothing stays on the disk of the web machine that received them (``s3_bucket`` fixture:
moto's S3-compatible HTTP server on 127.0.0.1, reached by django-storages as any provider)."""

from __future__ import annotations

from aiguillage.coverage.actions import start_coverage_run
from aiguillage.coverage.engine import CoverageSettings
from aiguillage.coverage.models import CoverageRunStatus
from aiguillage.coverage.storage import analysis_of


def test_coverage_results_are_stored_and_read_back_from_object_storage(
    coordinator, coverage_territory, s3_bucket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start_coverage_run(
            actor=coordinator,
            territory=coverage_territory,
            settings=CoverageSettings(cell_size_m=500),
        )
    run.refresh_from_db()
    assert run.status == CoverageRunStatus.DONE, run.error
    assert s3_bucket() == [f"coverage/{run.public_id}.npz"]
    analysis = analysis_of(run)
    assert analysis.table.to_dict() == run.table
