"""Changes of the coverage app: demand parameters, IFN scores, starting an analysis."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from aiguillage.coverage.engine import COMPONENTS, CoverageSettings, DemandParameters, IfnRow
from aiguillage.coverage.models import (
    CoverageRun,
    CoverageRunStatus,
    FragilityIndex,
    FragilitySource,
    TerritoryDemandParameters,
)
from aiguillage.coverage.tasks import enqueue_coverage_run
from aiguillage.journal.actions import log_event
from aiguillage.territories.models import Territory

IFN_BATCH = 2_000
# An analysis reports its progress every few seconds; silent this long, it is dead.
RUN_SILENCE_LIMIT = dt.timedelta(minutes=30)


class CoverageError(Exception):
    """A refused coverage action; ``str(error)`` is a French message for the user."""


def demand_parameters_of(territory: Territory) -> DemandParameters:
    """The territory's values of the demand formula, or the national defaults."""
    stored = TerritoryDemandParameters.objects.filter(territory=territory).first()
    return stored.parameters if stored else DemandParameters()


@transaction.atomic
def update_demand_parameters(
    *, actor: Any, territory: Territory, parameters: DemandParameters
) -> TerritoryDemandParameters:
    """Store the territory's values; the next analyses use them (past runs keep theirs)."""
    stored, _ = TerritoryDemandParameters.objects.get_or_create(territory=territory)
    before = stored.values
    stored.values = parameters.to_dict()
    stored.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    stored.save()
    log_event(
        "demand_parameters_changed",
        actor=actor,
        obj=stored,
        territory_id=territory.pk,
        data={"before": before, "after": stored.values},
    )
    return stored


@transaction.atomic
def store_fragility_scores(
    *, rows: Iterable[IfnRow], source: str, replace_real: bool = True
) -> int:
    """Create or update one ``FragilityIndex`` per commune; returns the rows written.

    ``replace_real=False`` (demonstration values) never overwrites scores read from
    the real IFN file.
    """
    rows = list(rows)
    if not replace_real:
        real = set(
            FragilityIndex.objects.filter(insee_code__in=[row.insee for row in rows])
            .exclude(source=FragilitySource.DEMO)
            .values_list("insee_code", flat=True)
        )
        rows = [row for row in rows if row.insee not in real]
    objects = [
        FragilityIndex(
            insee_code=row.insee,
            name=row.name,
            total=None if math.isnan(row.total) else row.total,
            source=source,
            **{component: row.scores[component] for component in COMPONENTS},
        )
        for row in rows
    ]
    FragilityIndex.objects.bulk_create(
        objects,
        batch_size=IFN_BATCH,
        update_conflicts=True,
        unique_fields=["insee_code"],
        update_fields=["name", "total", "source", "updated_at", *COMPONENTS],
    )
    return len(objects)


@transaction.atomic
def start_coverage_run(
    *, actor: Any, territory: Territory, settings: CoverageSettings
) -> CoverageRun:
    """Record a new analysis and have a worker compute it once the transaction commits."""
    running = CoverageRun.objects.select_for_update().filter(
        territory=territory, status__in=[CoverageRunStatus.PENDING, CoverageRunStatus.RUNNING]
    )
    # A run silent for too long died with its process (a restarted server): close it.
    running.filter(updated_at__lt=timezone.now() - RUN_SILENCE_LIMIT).update(
        status=CoverageRunStatus.FAILED,
        error="L'analyse s'est interrompue (serveur redémarré ?) : relancez-la.",
        updated_at=timezone.now(),
    )
    # One analysis at a time per territory: a second click must not start a twin.
    if running.exists():
        raise CoverageError("Une analyse de ce territoire est déjà en cours : attendez sa fin.")
    run = CoverageRun.objects.create(
        territory=territory,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        parameters=demand_parameters_of(territory).to_dict(),
        settings=settings.to_dict(),
        analysis_start_at=timezone.now(),
        message="En attente de démarrage",
    )
    log_event("coverage_run_started", actor=actor, obj=run, territory_id=territory.pk)
    enqueue_coverage_run(run)
    return run
