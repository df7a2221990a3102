"""Search benchmark: « the 20 nearest places offering a service, open at T ».

The optimised ``search_places`` is timed against a naive baseline measured in the same
run on the same database: a full scan of the published places, the service checked in
Python, a haversine distance for each, sorted, then walked in order while evaluating the
opening hours afresh for every row (a new ``OpeningHours`` object each time, no cache)
until 20 open places are found. Both must return the same places in the same order.

Run alone: ``.venv/bin/python -m bench.search_bench --backend sqlite [--quick] [--profile]``.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime as dt
import io
import json
import math
import pstats
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench import database, synthetic

FULL_PLACES = 60_000
QUICK_PLACES = 10_000
FULL_QUERIES = 200
QUICK_QUERIES = 50
WARMUP_QUERIES = 5
LIMIT = 20
SEED = 20250310
INSERT_BATCH = 2_000
PARIS = ZoneInfo("Europe/Paris")
EARTH_RADIUS_M = 6_371_008.8
# A week without public holiday in France (Monday 10 March 2025), so that the query
# times do not depend on the day the benchmark runs.
REFERENCE_MONDAY = dt.date(2025, 3, 10)
# What people look for, with how often they ask: paperwork first.
QUERY_SERVICE_WEIGHTS: dict[str, int] = {
    "demarches": 30,
    "quotidien": 20,
    "acces": 10,
    "insertion": 8,
    "impression": 6,
    "ordinateurs": 5,
    "securite": 5,
    "wifi": 4,
    "materiel": 3,
    "parentalite": 2,
    "loisirs": 2,
    "comprehension": 2,
    "reparation": 2,
    "pret": 1,
}
TERRITORY_SIREN = "000000000"
TARGET_RATIO = 20.0
PROFILE_LINES = 18


@dataclass(frozen=True)
class BenchQuery:
    latitude: float
    longitude: float
    service: str
    at: dt.datetime  # aware, Europe/Paris

    def describe(self) -> str:
        return f"{self.service} {self.at:%a %H:%M} ({self.latitude:.4f}, {self.longitude:.4f})"


def build_queries(
    communes: Sequence[synthetic.CommuneData], count: int, seed: int
) -> list[BenchQuery]:
    """Points drawn like the population, one service, a moment of a weekday or weekend
    between 08:00 and 19:45 (a quarter of an hour each)."""
    points = synthetic.population_points(communes, count, seed)
    rng = random.Random(seed)
    services = list(QUERY_SERVICE_WEIGHTS)
    weights = list(QUERY_SERVICE_WEIGHTS.values())
    queries = []
    for index in range(count):
        day = REFERENCE_MONDAY + dt.timedelta(days=rng.randrange(7))
        minute = 8 * 60 + 15 * rng.randrange(48)
        at = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=PARIS)
        queries.append(
            BenchQuery(
                latitude=float(points.latitudes[index]),
                longitude=float(points.longitudes[index]),
                service=rng.choices(services, weights)[0],
                at=at,
            )
        )
    return queries


# --- Loading -------------------------------------------------------------------------


def load_places(communes: Sequence[synthetic.CommuneData], count: int, seed: int) -> float:
    """Insert ``count`` synthetic places in one benchmark territory; returns the seconds."""
    from django.db import transaction

    from aiguillage.places.models import Place
    from aiguillage.places.rules import derive_search_fields
    from aiguillage.territories.models import Territory, TerritoryKind

    started = time.perf_counter()
    territory, _ = Territory.objects.get_or_create(
        siren=TERRITORY_SIREN,
        defaults={
            "name": "France (synthétique)",
            "slug": "france-synthetique",
            "kind": TerritoryKind.DEPARTEMENT,
        },
    )
    records = synthetic.synthetic_records(communes, count, seed)
    copied = [f.name for f in dataclasses.fields(synthetic.PlaceRecord)]
    copied.remove("source_id")
    copied.remove("warnings")
    for start in range(0, len(records), INSERT_BATCH):
        places = []
        for record in records[start : start + INSERT_BATCH]:
            values: dict[str, Any] = {name: getattr(record, name) for name in copied}
            values.update(derive_search_fields(values))
            places.append(Place(territory=territory, **values))
        with transaction.atomic():
            Place.objects.bulk_create(places)
    database.analyze()
    return time.perf_counter() - started


# --- The two searches ------------------------------------------------------------------


def optimised_search(query: BenchQuery) -> list[int]:
    from aiguillage.places.search import SearchQuery, search_places

    results = search_places(
        SearchQuery(
            latitude=query.latitude,
            longitude=query.longitude,
            services=[query.service],
            open_at=query.at,
            limit=LIMIT,
        )
    )
    return [result.place.pk for result in results]


def _haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def naive_search(query: BenchQuery) -> list[int]:
    """Full scan ordered by computed distance, opening hours parsed for every row walked.

    It loads the 20 places found, as ``search_places`` does, so both return the same thing.
    The country is given to the parser as the product does, so that « PH off » means the
    same on both sides.
    """
    import opening_hours

    from aiguillage.places.models import Place
    from aiguillage.places.rules import SERVICE_BITS

    bit = SERVICE_BITS[query.service]
    # No ORDER BY: the model's default ordering by name would make the scan slower for nothing.
    rows = (
        Place.objects.published()
        .order_by()
        .values_list("id", "latitude", "longitude", "horaires", "service_mask")
    )
    candidates = []
    for place_id, latitude, longitude, horaires, mask in rows:
        if latitude is None or longitude is None or not mask & bit:
            continue
        distance = _haversine_m(query.latitude, query.longitude, latitude, longitude)
        candidates.append((distance, place_id, horaires))
    candidates.sort()
    local = query.at.astimezone(PARIS).replace(tzinfo=None)
    found: list[int] = []
    for _distance, place_id, horaires in candidates:
        if not horaires.strip():
            continue
        try:
            hours = opening_hours.OpeningHours(horaires.strip(), country="FR")
        except opening_hours.ParserError:
            continue
        if hours.is_open(local):
            found.append(place_id)
            if len(found) == LIMIT:
                break
    places = Place.objects.select_related("territory").in_bulk(found)
    return [places[place_id].pk for place_id in found]


# --- Measuring -------------------------------------------------------------------------


def _percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with ``share`` of values at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def summarise(seconds: Sequence[float]) -> dict[str, float]:
    milliseconds = [value * 1000 for value in seconds]
    return {
        "p50_ms": _percentile(milliseconds, 0.50),
        "p95_ms": _percentile(milliseconds, 0.95),
        "max_ms": max(milliseconds),
        "mean_ms": statistics.fmean(milliseconds),
    }


def _timed(search: Callable[[BenchQuery], list[int]], query: BenchQuery) -> tuple[float, list[int]]:
    started = time.perf_counter()
    ids = search(query)
    return time.perf_counter() - started, ids


def measure(queries: Sequence[BenchQuery], warmup: Sequence[BenchQuery]) -> dict[str, Any]:
    """Both searches on every query, alternately, so that both see the same cache state."""
    for query in warmup:
        optimised_search(query)
        naive_search(query)
    optimised_times, naive_times = [], []
    mismatches = []
    short = 0
    slowest: list[tuple[float, str]] = []
    for index, query in enumerate(queries):
        optimised_seconds, optimised_ids = _timed(optimised_search, query)
        naive_seconds, naive_ids = _timed(naive_search, query)
        optimised_times.append(optimised_seconds)
        naive_times.append(naive_seconds)
        slowest.append((optimised_seconds, query.describe()))
        short += len(naive_ids) < LIMIT
        if optimised_ids != naive_ids:
            mismatches.append(
                {"query": index, "what": query.describe(), "optimised": optimised_ids[:5],
                 "naive": naive_ids[:5]}
            )  # fmt: skip
    optimised = summarise(optimised_times)
    naive = summarise(naive_times)
    slowest.sort(reverse=True)
    return {
        "optimised": optimised,
        "naive": naive,
        "ratio_p95": naive["p95_ms"] / optimised["p95_ms"],
        "ratio_p50": naive["p50_ms"] / optimised["p50_ms"],
        "mismatches": len(mismatches),
        "mismatch_examples": mismatches[:5],
        "queries_with_fewer_than_limit": short,
        "slowest_optimised": [
            {"ms": round(seconds * 1000, 1), "query": what} for seconds, what in slowest[:5]
        ],
    }


def profile_optimised(queries: Sequence[BenchQuery], top: int = PROFILE_LINES) -> str:
    """cProfile of the optimised search over ``queries``: the functions that take the most
    time themselves, paths shortened to the repository and the installed packages."""
    profiler = cProfile.Profile()
    profiler.enable()
    for query in queries:
        optimised_search(query)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    text = out.getvalue().replace(f"{database.REPO}/", "")
    text = text.replace(f"{Path(pstats.__file__).parent}/", "")
    lines = [line.rstrip() for line in text.splitlines()]
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    summary = next((line.strip() for line in lines if "function calls" in line), "")
    cleaned = [
        re.sub(r" at 0x[0-9a-f]+", "", re.sub(r"\S*site-packages/", "", line))
        for line in lines[start:]
        if line
    ]
    return "\n".join([summary, *cleaned])


def run(backend: str, *, quick: bool, profile: bool = False) -> dict[str, Any]:
    """Fresh database, synthetic places, then both searches on the seeded queries."""
    database.setup_django(backend, fresh=True)
    place_count = QUICK_PLACES if quick else FULL_PLACES
    query_count = QUICK_QUERIES if quick else FULL_QUERIES
    print(f"[recherche · {backend}] lecture des communes de France…", flush=True)
    communes = synthetic.france_communes()
    print(f"[recherche · {backend}] insertion de {place_count} lieux…", flush=True)
    load_seconds = load_places(communes, place_count, SEED)
    queries = build_queries(communes, query_count, SEED + 1)
    warmup = build_queries(communes, WARMUP_QUERIES, SEED + 2)
    print(f"[recherche · {backend}] {query_count} requêtes…", flush=True)
    result = {
        "backend": backend,
        "server_version": database.server_version(),
        "places": place_count,
        "communes": len(communes),
        "queries": query_count,
        "warmup_queries": WARMUP_QUERIES,
        "limit": LIMIT,
        "seed": SEED,
        "load_seconds": load_seconds,
        **measure(queries, warmup),
    }
    if profile or result["ratio_p95"] < TARGET_RATIO:
        print(f"[recherche · {backend}] profil de la recherche optimisée…", flush=True)
        result["profile"] = profile_optimised(queries)
    return result


def print_result(result: dict[str, Any]) -> None:
    optimised, naive = result["optimised"], result["naive"]
    print(
        f"{result['backend']:<11} {result['places']} lieux, {result['queries']} requêtes | "
        f"optimisée p50 {optimised['p50_ms']:.1f} ms p95 {optimised['p95_ms']:.1f} ms "
        f"max {optimised['max_ms']:.1f} ms | naïve p50 {naive['p50_ms']:.1f} ms "
        f"p95 {naive['p95_ms']:.1f} ms max {naive['max_ms']:.1f} ms | "
        f"rapport p95 ×{result['ratio_p95']:.1f} | écarts {result['mismatches']}"
    )
    if result.get("profile"):
        print(result["profile"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark de la recherche de lieux.")
    parser.add_argument("--backend", choices=database.BACKENDS, required=True)
    parser.add_argument("--quick", action="store_true", help="petite série, pour essayer")
    parser.add_argument("--profile", action="store_true", help="profil cProfile de la recherche")
    parser.add_argument("--json", type=Path, help="écrire le résultat dans ce fichier JSON")
    args = parser.parse_args(argv)
    result = run(args.backend, quick=args.quick, profile=args.profile)
    print_result(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
