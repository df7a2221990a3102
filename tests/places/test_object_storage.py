"""With several machines, uploads and coverage results live in S3-compatible object storage:
nothing stays on the disk of the web machine that received them (``s3_bucket`` fixture:
moto's S3-compatible HTTP server on 127.0.0.1, reached by django-storages as any provider)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aiguillage.places.models import ImportRun, ImportStatus, Place
from tests.places.test_import_views import CSV_HEADER, _row


def test_an_uploaded_import_goes_through_object_storage(
    client, coordinator, territory, s3_bucket, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    upload = SimpleUploadedFile(
        "lieux.csv", (CSV_HEADER + _row("s3-1", "Espace S3")).encode(), "text/csv"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("places:import"), {"territory": territory.slug, "file": upload}
        )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.DONE, run.error
    assert Place.objects.filter(nom="Espace S3").exists()
    assert s3_bucket() == []  # the uploaded file is removed once imported
