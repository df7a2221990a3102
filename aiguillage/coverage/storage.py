"""Save a finished analysis to one file and load it back, for maps, suggestions and scenarios.

A run's table is in the database (JSON, to list and compare runs); the per-cell
arrays (grid, distances for every need and time window) are too big for a row and
go to ``coverage/<public id>.npz`` in the configured storage (local disk, or object
storage when several machines serve): numpy arrays plus one JSON text,
read back without pickle (``allow_pickle=False``), so a file cannot run code.
Distances are stored as float32 (millimetres at 100 km), which halves the file.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import asdict, fields
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from aiguillage.coverage.engine import (
    CommuneDemand,
    CoverageAnalysis,
    CoverageRow,
    CoverageSettings,
    CoverageTable,
    DemandParameters,
    PlaceAvailability,
    PopulationGrid,
    Projection,
    SupplyPlace,
)
from aiguillage.coverage.models import CoverageRun

FORMAT_VERSION = 1
# Analyses kept in memory per process: the map, suggestions and scenarios of one run
# are asked for one after the other.
CACHED_ANALYSES = 4
GRID_ARRAYS = (
    "cell_column",
    "cell_row",
    "cell_x",
    "cell_y",
    "cell_latitude",
    "cell_longitude",
    "cell",
    "commune",
    "population",
    "people_in_difficulty",
    "area_m2",
)


def save_analysis(analysis: CoverageAnalysis, path: Path) -> None:
    """Write the analysis to ``path`` (an .npz file), replacing it if present."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp.npz")
    with temporary.open("wb") as target:
        _write_analysis(analysis, target)
    temporary.replace(path)  # readers never see a half-written file


def store_analysis(analysis: CoverageAnalysis, name: str) -> str:
    """Write the analysis to the configured storage under ``name``, replacing it if present."""
    buffer = io.BytesIO()
    _write_analysis(analysis, buffer)
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(buffer.getvalue()))


def _write_analysis(analysis: CoverageAnalysis, target) -> None:
    grid = analysis.grid
    meta = {
        "version": FORMAT_VERSION,
        "settings": analysis.settings.to_dict(),
        "parameters": analysis.parameters.to_dict(),
        "start": analysis.start.isoformat(),
        "territory_name": analysis.territory_name,
        "commune_names": analysis.commune_names,
        "demand": {insee: asdict(value) for insee, value in analysis.demand.items()},
        "cell_size_m": grid.cell_size_m,
        "projection": {
            item.name: getattr(grid.projection, item.name)
            for item in fields(grid.projection)
            if item.init
        },
        "insee_codes": list(grid.insee_codes),
        "placed_at_centre": list(grid.placed_at_centre),
        "places": [asdict(place) for place in analysis.places],
        "places_without_position": list(analysis.places_without_position),
        "distance_keys": [list(key) for key in analysis.straight_m],
        "table": analysis.table.to_dict(),
    }
    arrays: dict[str, np.ndarray] = {name: getattr(grid, name) for name in GRID_ARRAYS}
    arrays["place_xy"] = analysis.place_xy
    arrays["place_masks"] = analysis.place_masks
    arrays["unknown_hours"] = analysis.availability.unknown_hours
    for code, flags in analysis.availability.is_open.items():
        arrays[f"open-{code}"] = flags
    for index, distances in enumerate(analysis.straight_m.values()):
        arrays[f"distance-{index}"] = distances.astype(np.float32)
    arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False))
    np.savez_compressed(target, **arrays)


def load_analysis(source: Path | io.IOBase, name: str = "") -> CoverageAnalysis:
    """The analysis written by ``save_analysis`` or ``store_analysis`` (a path or an open
    binary file); ``ValueError`` if the file is unusable."""
    name = name or getattr(source, "name", "")
    try:
        with np.load(source, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError) as error:
        raise ValueError(f"Fichier de résultats illisible : {Path(name).name}.") from error
    meta = json.loads(str(arrays["meta"]))
    if meta.get("version") != FORMAT_VERSION:
        raise ValueError("Fichier de résultats d'une version différente : relancez l'analyse.")
    settings = CoverageSettings.from_dict(meta["settings"])
    grid = PopulationGrid(
        cell_size_m=meta["cell_size_m"],
        projection=Projection(**meta["projection"]),
        insee_codes=tuple(meta["insee_codes"]),
        placed_at_centre=tuple(meta["placed_at_centre"]),
        **{name: arrays[name] for name in GRID_ARRAYS},
    )
    windows = settings.windows
    availability = PlaceAvailability(
        windows=windows,
        is_open={window.code: arrays[f"open-{window.code}"] for window in windows},
        unknown_hours=arrays["unknown_hours"],
    )
    straight = {
        (need, window): arrays[f"distance-{index}"].astype(float)
        for index, (need, window) in enumerate(meta["distance_keys"])
    }
    return CoverageAnalysis(
        settings=settings,
        parameters=DemandParameters.from_dict(meta["parameters"]),
        start=datetime.fromisoformat(meta["start"]),
        territory_name=meta["territory_name"],
        commune_names=meta["commune_names"],
        demand={insee: CommuneDemand(**value) for insee, value in meta["demand"].items()},
        grid=grid,
        places=tuple(SupplyPlace(**place) for place in meta["places"]),
        place_xy=arrays["place_xy"],
        place_masks=arrays["place_masks"],
        availability=availability,
        straight_m=straight,
        table=table_from_dict(meta["table"]),
        places_without_position=tuple(meta["places_without_position"]),
    )


def table_from_dict(data: Mapping) -> CoverageTable:
    """Inverse of ``CoverageTable.to_dict`` (JSON turns the distance keys into text)."""

    def row(values: Mapping) -> CoverageRow:
        return CoverageRow(
            insee=values["insee"],
            name=values["name"],
            need=values["need"],
            window=values["window"],
            population=values["population"],
            people_in_difficulty=values["people_in_difficulty"],
            within={int(key): value for key, value in values["within"].items()},
            uncovered=values["uncovered"],
        )

    return CoverageTable(
        thresholds_m=tuple(int(value) for value in data["thresholds_m"]),
        uncovered_beyond_m=float(data["uncovered_beyond_m"]),
        distance_label=data["distance_label"],
        communes=tuple(row(values) for values in data["communes"]),
        territory=tuple(row(values) for values in data["territory"]),
    )


def analysis_of(run: CoverageRun) -> CoverageAnalysis:
    """The stored analysis of a finished run (``ValueError`` when its file is missing)."""
    if not run.result_file:
        raise ValueError("Cette analyse n'a pas de fichier de résultats.")
    # A run's file is written once, when it finishes: its name and end time identify it.
    return _load_cached(run.result_file, run.finished_at.isoformat() if run.finished_at else "")


@lru_cache(maxsize=CACHED_ANALYSES)
def _load_cached(name: str, finished: str) -> CoverageAnalysis:
    try:
        stored = default_storage.open(name, "rb")
    except OSError as error:
        raise ValueError("Le fichier de résultats a disparu : relancez l'analyse.") from error
    with stored:
        # np.load needs to seek: object storage is read into memory first.
        return load_analysis(io.BytesIO(stored.read()), name)
