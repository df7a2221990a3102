"""Pure computational engine of the coverage analysis (no ORM, no Django).

Steps, one module each:

- ``demand``: people likely in digital difficulty per commune (IFN + INSEE rates);
- ``projection`` and ``grid``: the population spread over square cells in metres;
- ``nearest``: distance from every cell to the nearest place offering a need;
- ``availability``: which places are open in a time window (evenings, Saturday…);
- ``aggregation``: people within 1, 2, 5, 10 km per commune and for the territory;
- ``siting``: where to open next (maximal covering, greedy and exact);
- ``analysis``: the whole run, site suggestions and "what if" scenarios.
"""

from aiguillage.coverage.engine.aggregation import (
    DEFAULT_THRESHOLDS_M,
    DEFAULT_UNCOVERED_BEYOND_M,
    CoverageRow,
    CoverageTable,
    coverage_table,
)
from aiguillage.coverage.engine.analysis import (
    ROAD,
    STRAIGHT,
    CandidateSite,
    CommuneInput,
    CoverageAnalysis,
    CoverageSettings,
    Scenario,
    ScenarioGain,
    SiteSuggestion,
    Suggestions,
    SupplyPlace,
    run_coverage,
    suggest_sites,
    what_if,
)
from aiguillage.coverage.engine.availability import (
    ANY_TIME,
    DEFAULT_WINDOWS,
    EVENING,
    SATURDAY,
    WEEKDAY_DAYTIME,
    PlaceAvailability,
    TimeWindow,
    place_availability,
)
from aiguillage.coverage.engine.demand import (
    COMPONENTS,
    CommuneDemand,
    DemandCalibration,
    DemandParameters,
    IfnProblem,
    IfnRow,
    IfnTable,
    calibrate_demand,
    calibration_factor,
    difficulty_rate,
    estimate_demand,
    explain_calibration,
    explain_formula,
    read_ifn_csv,
)
from aiguillage.coverage.engine.grid import (
    DEFAULT_CELL_SIZE_M,
    CommuneArea,
    PopulationGrid,
    build_grid,
)
from aiguillage.coverage.engine.nearest import (
    DEFAULT_DETOUR_FACTOR,
    NearestResult,
    nearest,
    nearest_by_need,
    sphere_points,
)
from aiguillage.coverage.engine.projection import LAMBERT_93, Projection
from aiguillage.coverage.engine.siting import (
    ChosenSite,
    CoverageProblem,
    SitingResult,
    build_problem,
    evaluate_sites,
    exact_sites,
    greedy_sites,
    improve_by_exchange,
)

__all__ = [
    "ANY_TIME",
    "COMPONENTS",
    "DEFAULT_CELL_SIZE_M",
    "DEFAULT_DETOUR_FACTOR",
    "DEFAULT_THRESHOLDS_M",
    "DEFAULT_UNCOVERED_BEYOND_M",
    "DEFAULT_WINDOWS",
    "EVENING",
    "LAMBERT_93",
    "ROAD",
    "SATURDAY",
    "STRAIGHT",
    "WEEKDAY_DAYTIME",
    "CandidateSite",
    "ChosenSite",
    "CommuneArea",
    "CommuneDemand",
    "CommuneInput",
    "CoverageAnalysis",
    "CoverageProblem",
    "CoverageRow",
    "CoverageSettings",
    "CoverageTable",
    "DemandParameters",
    "IfnProblem",
    "IfnRow",
    "IfnTable",
    "NearestResult",
    "PlaceAvailability",
    "PopulationGrid",
    "Projection",
    "Scenario",
    "ScenarioGain",
    "SiteSuggestion",
    "SitingResult",
    "Suggestions",
    "SupplyPlace",
    "TimeWindow",
    "build_grid",
    "build_problem",
    "coverage_table",
    "difficulty_rate",
    "estimate_demand",
    "calibrate_demand",
    "calibration_factor",
    "explain_calibration",
    "DemandCalibration",
    "evaluate_sites",
    "exact_sites",
    "explain_formula",
    "greedy_sites",
    "improve_by_exchange",
    "nearest",
    "nearest_by_need",
    "place_availability",
    "read_ifn_csv",
    "run_coverage",
    "sphere_points",
    "suggest_sites",
    "what_if",
]
