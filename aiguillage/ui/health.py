"""Health checks for load balancers and monitoring: JSON, no login, nothing personal.

``/sante/`` answers while the process serves (liveness). ``/sante/pret/`` says whether it
can do useful work (readiness): the database answers, every migration is applied, and the
task queue is not late. It answers 503 when any check fails, so that a balancer takes the
machine out until it recovers.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from aiguillage.jobs import workers

# The queue counts as late when the oldest ready task has waited this long.
QUEUE_LAG_LIMIT_SECONDS = 300


@login_not_required
@never_cache
def liveness(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"statut": "ok"})


@login_not_required
@never_cache
def readiness(request: HttpRequest) -> JsonResponse:
    checks: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["base_de_donnees"] = {"ok": True}
    except DatabaseError:
        checks["base_de_donnees"] = {"ok": False, "detail": "base de données injoignable"}
        return JsonResponse({"statut": "indisponible", "verifications": checks}, status=503)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    checks["migrations"] = {"ok": not pending, "en_attente": len(pending)}
    lag = workers.queue_lag_seconds()
    checks["file_des_taches"] = {
        "ok": lag < QUEUE_LAG_LIMIT_SECONDS,
        "retard_secondes": round(lag, 1),
        "workers_actifs": len(workers.live_worker_ids()),
        "mode": settings.TASK_BACKEND,
    }
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"statut": "pret" if ready else "indisponible", "verifications": checks},
        status=200 if ready else 503,
    )
