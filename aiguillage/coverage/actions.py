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
    DemandCalibration,
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


def active_calibration(territory: Territory) -> DemandCalibration | None:
    """The known figure the territory's estimate is scaled to, if any."""
    return (
        DemandCalibration.objects.active()
        .filter(territory=territory)
        .select_related("commune")
        .first()
    )


def run_parameters(territory: Territory) -> dict[str, Any]:
    """What a new run copies: the formula's values and the active calibration."""
    parameters: dict[str, Any] = demand_parameters_of(territory).to_dict()
    calibration = active_calibration(territory)
    if calibration is not None:
        parameters["calibration"] = calibration.snapshot()
    return parameters


# A figure from before the first surveys of digital difficulty is not a local figure.
CALIBRATION_FIRST_YEAR = 2000


def _check_calibration(
    territory: Territory, known_people: int, source: str, year: int, commune_insee: str
) -> Any:
    """The commune of the scope (None: the territory); CoverageError for bad input."""
    problems = []
    commune = None
    if commune_insee:
        commune = territory.communes.filter(insee_code=commune_insee).first()
        if commune is None:
            raise CoverageError(
                f"La commune « {commune_insee} » n'est pas une commune de ce territoire."
            )
    population = (
        commune.population
        if commune
        else sum(territory.communes.values_list("population", flat=True))
    )
    where = f"à {commune.name}" if commune else "sur le territoire"
    if known_people <= 0:
        problems.append("Le chiffre connu doit être un nombre de personnes supérieur à zéro.")
    elif known_people > population:
        problems.append(
            f"Le chiffre connu ({known_people:,} personnes) dépasse la population {where} "
            f"({population:,} habitants) : vérifiez le chiffre et son périmètre.".replace(
                ",", "\u202f"
            )
        )
    if not source.strip():
        problems.append("Indiquez la source du chiffre (document, enquête, date).")
    this_year = timezone.localdate().year
    if not CALIBRATION_FIRST_YEAR <= year <= this_year:
        problems.append(
            f"L'année du chiffre doit être comprise entre {CALIBRATION_FIRST_YEAR} et {this_year}."
        )
    if problems:
        raise CoverageError(" ".join(problems))
    return commune


def _rerun(actor: Any, territory: Territory) -> CoverageRun:
    """A new run with the settings of the latest one, queued like any other."""
    latest = CoverageRun.objects.for_territory(territory).first()
    settings = CoverageSettings.from_dict(latest.settings) if latest else CoverageSettings()
    return start_coverage_run(actor=actor, territory=territory, settings=settings)


@transaction.atomic
def calibrate_demand(
    *,
    actor: Any,
    territory: Territory,
    known_people: int,
    source: str,
    year: int,
    commune_insee: str = "",
) -> DemandCalibration:
    """Scale the estimate to a known figure (in a commune, or the whole territory) and queue
    a new analysis that uses it. Replaces the active calibration; refused while an analysis
    runs (the queued analysis must read the new figure)."""
    commune = _check_calibration(territory, known_people, source, year, commune_insee)
    previous = active_calibration(territory)
    if previous is not None:
        previous.withdrawn_at = timezone.now()
        previous.save(update_fields=["withdrawn_at", "updated_at"])
    calibration = DemandCalibration.objects.create(
        territory=territory,
        commune=commune,
        known_people=known_people,
        source=source.strip(),
        year=year,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    log_event(
        "demand_calibrated",
        actor=actor,
        obj=calibration,
        territory_id=territory.pk,
        data={
            "known_people": known_people,
            "scope": commune.insee_code if commune else "territoire",
            "year": year,
            "replaces": previous.pk if previous else None,
        },
    )
    _rerun(actor, territory)
    return calibration


@transaction.atomic
def withdraw_demand_calibration(*, actor: Any, territory: Territory) -> DemandCalibration:
    """Go back to the raw estimate, and queue a new analysis."""
    calibration = active_calibration(territory)
    if calibration is None:
        raise CoverageError("L'estimation n'est calée sur aucun chiffre.")
    calibration.withdrawn_at = timezone.now()
    calibration.save(update_fields=["withdrawn_at", "updated_at"])
    log_event(
        "demand_calibration_withdrawn", actor=actor, obj=calibration, territory_id=territory.pk
    )
    _rerun(actor, territory)
    return calibration


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
        parameters=run_parameters(territory),
        settings=settings.to_dict(),
        analysis_start_at=timezone.now(),
        message="En attente de démarrage",
    )
    log_event("coverage_run_started", actor=actor, obj=run, territory_id=territory.pk)
    enqueue_coverage_run(run)
    return run
