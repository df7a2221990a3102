"""Run a coverage analysis on the task queue, reporting progress in the database.

A run is computed whole by one worker (minutes at most); a worker killed mid-run leaves
it RUNNING, and the next attempt computes it again from the start. Its per-cell results
go to the configured storage, so any web machine draws its maps.
"""

from __future__ import annotations

import math

from django.utils import timezone
from django_tasks import task

from aiguillage.coverage.engine import (
    CommuneInput,
    CoverageSettings,
    DemandCalibration,
    DemandParameters,
    SupplyPlace,
    run_coverage,
)
from aiguillage.coverage.models import CoverageRun, CoverageRunStatus, FragilityIndex
from aiguillage.coverage.storage import store_analysis
from aiguillage.jobs.queue import PermanentJobError, attempt_of, enqueue_on_commit, register_give_up
from aiguillage.places.models import Place
from aiguillage.territories.models import Territory

# Places this far beyond the territory's edge still serve its people.
SUPPLY_MARGIN_KM = 10.0
KM_PER_DEGREE_LATITUDE = 111.2


def result_name(run: CoverageRun) -> str:
    return f"coverage/{run.public_id}.npz"


def supply_box(territory: Territory) -> tuple[float, float, float, float]:
    """(south, west, north, east) of the territory's communes, widened by SUPPLY_MARGIN_KM."""
    points = list(territory.communes.values_list("latitude", "longitude", "geometry"))
    latitudes, longitudes = [], []
    for latitude, longitude, geometry in points:
        latitudes.append(latitude)
        longitudes.append(longitude)
        for lon, lat in _coordinates(geometry):
            latitudes.append(lat)
            longitudes.append(lon)
    if not latitudes:
        raise ValueError("Ce territoire n'a aucune commune : chargez-le d'abord.")
    margin_lat = SUPPLY_MARGIN_KM / KM_PER_DEGREE_LATITUDE
    middle = math.radians((min(latitudes) + max(latitudes)) / 2)
    margin_lon = margin_lat / max(math.cos(middle), 0.1)
    return (
        min(latitudes) - margin_lat,
        min(longitudes) - margin_lon,
        max(latitudes) + margin_lat,
        max(longitudes) + margin_lon,
    )


def _coordinates(geometry: dict | None):
    """Every (lon, lat) pair of a GeoJSON Polygon or MultiPolygon."""
    if not geometry:
        return
    stack = [geometry.get("coordinates", [])]
    while stack:
        item = stack.pop()
        if len(item) == 2 and all(isinstance(value, int | float) for value in item):
            yield item
        else:
            stack.extend(item)


def coverage_inputs(
    territory: Territory, box: tuple[float, float, float, float]
) -> tuple[list[CommuneInput], list[SupplyPlace]]:
    """The territory's communes (with IFN scores when known) and the places serving it."""
    communes = list(territory.communes.order_by("insee_code"))
    scores = {
        index.insee_code: index.as_ifn_row()
        for index in FragilityIndex.objects.filter(
            insee_code__in=[commune.insee_code for commune in communes]
        )
    }
    inputs = [
        CommuneInput(
            insee=commune.insee_code,
            name=commune.name,
            population=commune.population,
            latitude=commune.latitude,
            longitude=commune.longitude,
            geometry=commune.geometry,
            ifn=scores.get(commune.insee_code),
        )
        for commune in communes
    ]
    # Published places of any territory near this one, offering at least one service.
    places = (
        Place.objects.published()
        .in_box(*box)
        .filter(service_mask__gt=0)
        .order_by("id")
        .values_list("public_id", "nom", "latitude", "longitude", "service_mask", "horaires")
    )
    supply = [
        SupplyPlace(str(key), name, latitude, longitude, mask, hours)
        for key, name, latitude, longitude, mask, hours in places
    ]
    return inputs, supply


def execute_coverage_run(run_id: int) -> None:
    """Compute and store a run; idempotent (a finished run is left alone)."""
    run = CoverageRun.objects.select_related("territory").filter(pk=run_id).first()
    if run is None:
        raise PermanentJobError("Cette analyse n'existe plus (territoire supprimé ?).")
    if run.status in (CoverageRunStatus.DONE, CoverageRunStatus.FAILED):
        return
    territory = run.territory

    def report(share: float, message: str) -> None:
        CoverageRun.objects.filter(pk=run_id).update(
            progress=min(99, round(share * 100)), message=message, updated_at=timezone.now()
        )

    try:
        now = timezone.now()
        CoverageRun.objects.filter(pk=run_id).update(
            status=CoverageRunStatus.RUNNING,
            message="Lecture des communes et des lieux",
            started_at=now,
            places_read_at=now,
            updated_at=now,
        )
        box = supply_box(territory)
        communes, places = coverage_inputs(territory, box)
        analysis = run_coverage(
            communes,
            places,
            start=run.analysis_start_at,
            parameters=DemandParameters.from_dict(run.parameters),
            settings=CoverageSettings.from_dict(run.settings),
            territory_name=territory.name,
            tz=territory.tz,
            progress=report,
            calibration=_calibration(run),
        )
        stored_name = store_analysis(analysis, result_name(run))
        summary = analysis.summary()
        summary.pop("table")
        summary["supply_box"] = list(box)
        # Totals for the list of runs (the table itself is not loaded there).
        summary["population"] = sum(commune.population for commune in communes)
        summary["people_in_difficulty"] = sum(
            d.people_in_difficulty for d in analysis.demand.values()
        )
        summary["people_in_difficulty_raw"] = sum(
            d.raw_people_in_difficulty for d in analysis.demand.values()
        )
        CoverageRun.objects.filter(pk=run_id).update(
            status=CoverageRunStatus.DONE,
            progress=100,
            message="Analyse terminée",
            summary=summary,
            table=analysis.table.to_dict(),
            result_file=stored_name,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
    except ValueError as error:  # bad input (no communes…): trying again cannot help
        raise PermanentJobError(str(error)) from error


def _calibration(run: CoverageRun) -> DemandCalibration | None:
    """The known figure the run was queued with (``actions.run_parameters``), if any."""
    stored = run.parameters.get("calibration")
    return DemandCalibration.from_dict(stored) if stored else None


def _run_given_up(run_id: int, *_args, message: str) -> None:
    CoverageRun.objects.filter(pk=run_id).exclude(status=CoverageRunStatus.DONE).update(
        status=CoverageRunStatus.FAILED,
        error=f"L'analyse a échoué. {message}",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


@task()
def compute_coverage_run(run_id: int, attempt: int = 1) -> None:
    with attempt_of(compute_coverage_run, run_id, attempt=attempt):
        execute_coverage_run(run_id)


register_give_up(compute_coverage_run, _run_given_up)


def enqueue_coverage_run(run: CoverageRun) -> None:
    """Compute the run on a worker once the caller's transaction commits."""
    enqueue_on_commit(compute_coverage_run, run.pk)
