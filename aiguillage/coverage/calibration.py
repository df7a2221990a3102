"""The demand estimate of a territory's communes, raw and calibrated on a known figure.

Cheap (one formula per commune, no grid): the calibration page shows it at once, while
the analysis that spreads the calibrated demand on the grid runs on a worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiguillage.coverage.engine import (
    CommuneDemand,
    DemandParameters,
    calibrate_demand,
    estimate_demand,
)
from aiguillage.coverage.models import DemandCalibration, FragilityIndex
from aiguillage.territories.models import Territory


def raw_demand(territory: Territory, parameters: DemandParameters) -> dict[str, CommuneDemand]:
    """People likely in difficulty per commune (INSEE code), from the formula alone."""
    communes = list(territory.communes.order_by("insee_code"))
    scores = {
        index.insee_code: index.as_ifn_row()
        for index in FragilityIndex.objects.filter(
            insee_code__in=[commune.insee_code for commune in communes]
        )
    }
    return estimate_demand(
        ((c.insee_code, c.population, scores.get(c.insee_code)) for c in communes), parameters
    )


@dataclass(frozen=True)
class CommuneFigures:
    insee: str
    name: str
    population: int
    raw: int
    calibrated: int
    in_scope: bool


@dataclass(frozen=True)
class CalibrationFigures:
    rows: tuple[CommuneFigures, ...]  # most people in difficulty (calibrated) first
    factor: float  # 1.0 without calibration
    scope_raw: int
    scope_calibrated: int
    territory_raw: int
    territory_calibrated: int


def calibration_figures(
    territory: Territory,
    parameters: DemandParameters,
    calibration: DemandCalibration | None,
) -> CalibrationFigures:
    """Raw and calibrated people in difficulty per commune, in the scope and overall."""
    raw = raw_demand(territory, parameters)
    engine = calibration.as_engine() if calibration is not None else None
    calibrated = calibrate_demand(raw, engine)
    names = dict(territory.communes.values_list("insee_code", "name"))
    rows = tuple(
        sorted(
            (
                CommuneFigures(
                    insee=insee,
                    name=names.get(insee, insee),
                    population=round(demand.population),
                    raw=round(demand.raw_people_in_difficulty),
                    calibrated=round(demand.people_in_difficulty),
                    in_scope=engine is not None and engine.covers(insee),
                )
                for insee, demand in calibrated.items()
            ),
            key=lambda row: (-row.calibrated, row.name),
        )
    )
    in_scope = [d for i, d in calibrated.items() if engine is None or engine.covers(i)]
    return CalibrationFigures(
        rows=rows,
        factor=next(iter(in_scope)).calibration_factor if in_scope else 1.0,
        scope_raw=round(sum(d.raw_people_in_difficulty for d in in_scope)),
        scope_calibrated=round(sum(d.people_in_difficulty for d in in_scope)),
        territory_raw=round(sum(d.raw_people_in_difficulty for d in calibrated.values())),
        territory_calibrated=round(sum(d.people_in_difficulty for d in calibrated.values())),
    )
