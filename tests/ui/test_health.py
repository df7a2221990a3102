"""Health checks: JSON, no login, nothing personal; readiness says what is wrong."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aiguillage.jobs.models import WorkerHeartbeat
from aiguillage.jobs.tasks import deliver_email


def test_liveness_answers_without_login(client):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"statut": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_readiness_reports_database_migrations_and_queue(client, db):
    WorkerHeartbeat.objects.create(
        worker_id="w1", hostname="m", pid=1, started_at=timezone.now(), seen_at=timezone.now()
    )
    response = client.get("/sante/pret/")
    assert response.status_code == 200
    body = response.json()
    assert body["statut"] == "pret"
    assert body["verifications"]["base_de_donnees"] == {"ok": True}
    assert body["verifications"]["migrations"] == {"ok": True, "en_attente": 0}
    assert body["verifications"]["file_des_taches"]["workers_actifs"] == 1


def test_readiness_fails_when_the_queue_is_late(client, db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = deliver_email.enqueue(1)
    DBTaskResult.objects.filter(id=result.id).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=20)
    )
    response = client.get("/sante/pret/")
    assert response.status_code == 503
    queue = response.json()["verifications"]["file_des_taches"]
    assert queue["ok"] is False and queue["retard_secondes"] >= 1200


def test_readiness_fails_when_a_migration_is_missing(client, db):
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    latest = recorder.migration_qs.filter(app="jobs").order_by("-id").first()
    recorder.record_unapplied(latest.app, latest.name)
    response = client.get("/sante/pret/")
    assert response.status_code == 503
    assert response.json()["verifications"]["migrations"]["en_attente"] >= 1
