"""Benchmark of the territory's activity statistics page (issue 13): 100,000 accompaniments.

One territory shaped like Grenoble-Alpes Métropole (its 49 communes and their populations
when the shared data is there), 60 structures and 120 places, 100,000 activity records over
three years with realistic shares (mostly individual, retired people first, one to three
themes, a tenth linked to a file), then the coordinator's page requested through Django's
test client, as a browser would: middleware, permission, the grouping-sets query, disclosure
control of every table, the template. Each scenario runs 3 times: 5 requests of warm-up, then
``--requests`` (≥ 30) timed; p50, p95 and max per run, and the spread of p95 across runs.
The number of queries of one request is reported, and must stay what the tests freeze.

Databases of its own: PostgreSQL ``aiguillage_bench_activities`` on 127.0.0.1:5432 (user
postgres, trust authentication), SQLite ``var/bench-activities.sqlite3``; recreated each run.

Run: ``.venv/bin/python -m bench.activities_bench --backend postgresql [--write-doc]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

REPO = Path(__file__).resolve().parent.parent
BACKENDS = ("sqlite", "postgresql")
POSTGRES_SERVER_URL = os.environ.get(
    "BENCH_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432"
)
POSTGRES_NAME = "aiguillage_bench_activities"
SQLITE_PATH = REPO / "var" / "bench-activities.sqlite3"
DOC_PATH = REPO / "docs" / "benchmarks.md"
SECTION_START = "<!-- ACTIVITIES: written by bench.activities_bench -->"
SECTION_END = "<!-- /ACTIVITIES -->"

RECORDS = 100_000
QUICK_RECORDS = 10_000
ORGANISATIONS = 60
PLACES = 120
PEOPLE = 4_000
REQUESTS = 40
WARMUP = 5
RUNS = 3
PARTS_REPEATS = 7
SEED = 20261205
TARGET_P95_MS = 300.0
BATCH = 5_000
# The last day of the data: the three years before it hold every record.
LAST_DAY = dt.date(2026, 11, 30)
DAYS = 3 * 365

KIND_WEIGHTS = {"individual": 70, "quick": 20, "collective": 10}
THEME_WEIGHTS = {
    "demarcheEnLigne": 30, "equipementInformatique": 18, "smartphone": 16, "courriel": 12,
    "internet": 10, "contenusNumeriques": 6, "traitementTexte": 4, "vocabulaire": 4,
    "echanger": 4, "trouverEmploi": 4, "securite": 3, "sante": 3, "budget": 2,
    "fraudeEtHarcelement": 2, "accompagnerEnfant": 1, "tpePme": 1, "diagnostic": 1,
    "scolaire": 1, "autre": 1,
}  # fmt: skip
AGE_WEIGHTS = {
    "plus60ans": 45, "de35a60ans": 25, "de18a35ans": 8, "de12a18ans": 3, "moins12ans": 1,
    "nonRenseigne": 18,
}  # fmt: skip
STATUS_WEIGHTS = {
    "retraite": 45,
    "sansEmploi": 12,
    "enEmploi": 15,
    "etudiant": 5,
    "nonRenseigne": 23,
}
DOMAIN_WEIGHTS = {
    "caf": 20, "impots": 18, "ants": 15, "sante": 12, "emploi": 10, "retraite": 8,
    "logement": 5, "justice": 2, "energie": 3, "autre": 2, "": 5,
}  # fmt: skip


# --- Databases ------------------------------------------------------------------------------


def database_url(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    return f"{POSTGRES_SERVER_URL}/{POSTGRES_NAME}"


def recreate(backend: str) -> None:
    """Start from an empty database, so that the figures do not depend on a previous run."""
    if backend == "sqlite":
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return
    with psycopg.connect(f"{POSTGRES_SERVER_URL}/postgres", autocommit=True) as admin:
        name = sql.Identifier(POSTGRES_NAME)
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))


def setup_django(backend: str) -> None:
    """Point Django at the fresh benchmark database and migrate it (DEBUG off, as served)."""
    recreate(backend)
    os.environ["DATABASE_URL"] = database_url(backend)
    os.environ["DEBUG"] = "false"
    os.environ["ENVIRONMENT"] = "dev"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return str(cursor.fetchone()[0])


# --- Data -------------------------------------------------------------------------------------


def _metropole_communes() -> list[tuple[str, str, int]]:
    """(INSEE code, name, population) of Grenoble-Alpes Métropole, or 49 made-up ones."""
    from aiguillage.shared_data import shared_path

    path = shared_path("data/geo/decoupage-administratif-6.0.0/epci.json")
    if path.is_file():
        epci = next(
            row
            for row in json.loads(path.read_text(encoding="utf-8"))
            if row["code"] == "200040715"
        )
        return [(m["code"], m["nom"], m["populationMunicipale"]) for m in epci["membres"]]
    rng = random.Random(SEED)
    return [(f"38{900 + n}", f"Commune {n}", int(rng.paretovariate(1.2) * 2000)) for n in range(49)]


def _weighted(rng: random.Random, weights: dict[str, int], k: int = 1) -> list[str]:
    return rng.choices(list(weights), list(weights.values()), k=k)


def load(count: int) -> dict[str, Any]:
    """The territory, its structures, places, a few people and ``count`` records."""
    from django.db import transaction

    from aiguillage.accounts.models import Coordination, User
    from aiguillage.activities import rules
    from aiguillage.activities.models import ActivityRecord
    from aiguillage.organisations.models import Organisation
    from aiguillage.people.models import Person
    from aiguillage.places.models import Place
    from aiguillage.territories.models import Commune, Territory

    started = time.perf_counter()
    rng = random.Random(SEED)
    territory = Territory.objects.create(
        name="Métropole (synthétique)", slug="metropole-bench", siren="000000013", kind="METRO"
    )
    communes = [
        Commune.objects.create(
            insee_code=code,
            name=name,
            territory=territory,
            department_code="38",
            population=population,
            latitude=45.18,
            longitude=5.72,
        )
        for code, name, population in _metropole_communes()
    ]
    commune_weights = [max(commune.population, 1) for commune in communes]
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Structure {n:02d}", kind="numerique", territory=territory)
        for n in range(ORGANISATIONS)
    )
    places = Place.objects.bulk_create(
        Place(
            territory=territory,
            organisation=organisations[n % ORGANISATIONS],
            nom=f"Lieu {n:03d}",
            commune="Grenoble",
            code_postal="38000",
            adresse="1 rue du Lieu",
            date_maj=LAST_DAY,
        )
        for n in range(PLACES)
    )
    places_of: dict[int, list] = {}
    for place in places:
        places_of.setdefault(place.organisation_id, []).append(place)
    people = Person.objects.bulk_create(
        Person(first_name=f"P{n}", created_by_organisation=organisations[n % ORGANISATIONS])
        for n in range(PEOPLE)
    )
    user = User.objects.create_user("coordination@bench.invalid", "bench-activites-2026")
    Coordination.objects.create(user=user, territory=territory)
    # A few big structures do most of the work, as in real networks.
    organisation_weights = [1 / (rank + 1) ** 0.8 for rank in range(ORGANISATIONS)]
    batch: list = []
    refs = 0
    for index in range(count):
        organisation = rng.choices(organisations, organisation_weights)[0]
        kind = _weighted(rng, KIND_WEIGHTS)[0]
        themes = rules.ordered_themes(_weighted(rng, THEME_WEIGHTS, rng.choice((1, 1, 2, 3))))
        source = rng.choices(["typed", "referral", "attendance", "import"], [80, 10, 5, 5])[0]
        if kind == "collective":
            participants, status = rng.randint(3, 14), rng.choice(["heterogene", "retraite"])
        else:
            participants, status = 1, _weighted(rng, STATUS_WEIGHTS)[0]
        own_places = places_of.get(organisation.pk, [])
        record = ActivityRecord(
            organisation=organisation,
            place=rng.choice(own_places) if own_places and rng.random() < 0.8 else None,
            occurred_on=LAST_DAY - dt.timedelta(days=rng.randrange(DAYS)),
            kind=kind,
            themes=themes,
            themes_mask=rules.themes_mask(themes),
            procedure_domain=_weighted(rng, DOMAIN_WEIGHTS)[0]
            if "demarcheEnLigne" in themes
            else "",
            how=rng.choices(["done_for", "done_with", "done_alone"], [30, 60, 10])[0],
            autonomy_after=rng.choices(["", "yes", "partly", "no"], [50, 15, 20, 15])[0],
            follow_up=rng.choices(["", "individual", "workshop", "redirected"], [70, 15, 8, 7])[0],
            duration_minutes=rng.choice(rules.DURATION_CHOICES),
            participants=participants,
            age_bracket=_weighted(rng, AGE_WEIGHTS)[0],
            status=status,
            commune=rng.choices(communes, commune_weights)[0] if rng.random() < 0.85 else None,
            person=rng.choice(people) if kind == "individual" and rng.random() < 0.1 else None,
            source=source,
            source_ref="" if source == "typed" else f"bench-{(refs := refs + 1)}",
        )
        batch.append(record)
        if len(batch) == BATCH or index == count - 1:
            with transaction.atomic():
                ActivityRecord.objects.bulk_create(batch)
            batch = []
    _analyze()
    return {
        "territory": territory,
        "user": user,
        "load_seconds": time.perf_counter() - started,
        "communes": len(communes),
    }


def _analyze() -> None:
    """Planner statistics and the visibility map after a bulk load, as autovacuum would
    leave them on a live server (index-only scans need the latter)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --- Measuring ----------------------------------------------------------------------------------


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


class _Counter:
    """A database execute wrapper that keeps the SQL of every query of a request."""

    def __init__(self, queries: list[str]) -> None:
        self.queries = queries

    def __call__(self, execute, sql_text, params, many, context):
        self.queries.append(sql_text)
        return execute(sql_text, params, many, context)


def scenarios(today: dt.date) -> list[tuple[str, dict[str, str]]]:
    """(label, query string): the default page, a calendar year, the three years at once."""
    return [
        ("12 derniers mois (par défaut)", {}),
        ("une année civile (2025)", {"periode": "annee", "annee": "2025"}),
        (
            "toute la période (100 % des enregistrements)",
            {
                "periode": "dates",
                "du": (LAST_DAY - dt.timedelta(days=DAYS)).isoformat(),
                "au": today.isoformat(),
            },
        ),
    ]


def plain_group_by(records) -> dict[str, dict]:
    """What a competent developer writes without grouping sets: one ``GROUP BY`` per
    breakdown through the ORM (the same columns, the same (structure, date) index, themes by
    their bit mask too), then the people with a file. Returns what ``count_activities``
    counts, to check that both agree before timing them."""
    from django.db.models import Count, Sum

    from aiguillage.activities import statistics as activity_statistics

    places = ("organisation_id", "place_id")
    groups = [(c,) for c in activity_statistics.COLUMNS if c not in places] + [places]
    counted: dict[str, dict] = {}
    for group in groups:
        rows = records.order_by().values(*group).annotate(n=Count("id"), p=Sum("participants"))
        counted[",".join(group)] = {
            tuple(row[c] for c in group): (row["n"], row["p"]) for row in rows
        }
    counted["files"] = records.order_by().aggregate(
        linked=Count("person"), distinct=Count("person", distinct=True)
    )
    return counted


def measure(loaded: dict[str, Any], requests: int) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from aiguillage.activities import statistics as activity_statistics
    from aiguillage.activities.forms import PeriodForm
    from aiguillage.activities.models import ActivityRecord

    client = Client()
    client.force_login(loaded["user"])
    url = reverse("activities:territory_stats", args=[loaded["territory"].slug])
    results = []
    for label, query in scenarios(timezone.localdate()):
        response = client.get(url, query)
        assert response.status_code == 200, response.status_code
        queries: list[str] = []
        with connection.execute_wrapper(_Counter(queries)):
            client.get(url, query)
        runs = []
        for _run in range(RUNS):
            for _ in range(WARMUP):
                client.get(url, query)
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                client.get(url, query)
                times.append((time.perf_counter() - started) * 1000)
            runs.append(
                {
                    "p50_ms": _percentile(times, 0.5),
                    "p95_ms": _percentile(times, 0.95),
                    "max_ms": max(times),
                }
            )
        # Where the time goes, once: counting in SQL, then masking and the page.
        form = PeriodForm(query)
        assert form.is_valid(), form.errors
        period = form.cleaned_data["period"]
        records = ActivityRecord.objects.in_territory(loaded["territory"])
        records = records.between(period.start, period.end)
        sql_times, displayed_times = [], []
        for _ in range(PARTS_REPEATS):
            started = time.perf_counter()
            counts = activity_statistics.count_activities(records)
            sql_times.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            activity_statistics.displayed(records, single_organisation=False)
            displayed_times.append((time.perf_counter() - started) * 1000)
        sql_ms, displayed_ms = statistics.median(sql_times), statistics.median(displayed_times)
        # The competent baseline: same answers, one GROUP BY per breakdown.
        baseline = plain_group_by(records)
        kinds = {key[0]: value[0] for key, value in baseline["kind"].items()}
        assert kinds == {k: v[0] for k, v in counts.by["kind"].items()}, "baseline disagrees"
        assert sum(value[0] for value in baseline["commune_id"].values()) == counts.records
        baseline_times = []
        for _ in range(PARTS_REPEATS):
            started = time.perf_counter()
            plain_group_by(records)
            baseline_times.append((time.perf_counter() - started) * 1000)
        baseline_ms = statistics.median(baseline_times)
        baseline_spread = [min(baseline_times), max(baseline_times)]
        sql_spread = [min(sql_times), max(sql_times)]
        p95s = [run["p95_ms"] for run in runs]
        results.append(
            {
                "scenario": label,
                "records_counted": counts.records,
                "queries": len(queries),
                "runs": runs,
                "p95_spread_ms": [min(p95s), max(p95s)],
                "p95_median_ms": statistics.median(p95s),
                "sql_ms": sql_ms,
                "sql_spread_ms": sql_spread,
                "baseline_ms": baseline_ms,
                "baseline_spread_ms": baseline_spread,
                "baseline_queries": len(baseline),
                "sql_and_masking_ms": displayed_ms,
            }
        )
        print(
            f"  {label}: {counts.records} enregistrements, {len(queries)} "
            f"requêtes SQL, p95 {min(p95s):.0f}–{max(p95s):.0f} ms (SQL {sql_ms:.0f} ms, "
            f"avec le masquage {displayed_ms:.0f} ms ; GROUP BY par tableau {baseline_ms:.0f} ms)",
            flush=True,
        )
    return results


def run(backend: str, *, quick: bool, requests: int) -> dict[str, Any]:
    setup_django(backend)
    count = QUICK_RECORDS if quick else RECORDS
    print(f"[accompagnements · {backend}] {count} enregistrements…", flush=True)
    loaded = load(count)
    print(f"[accompagnements · {backend}] {requests} requêtes × {RUNS} séries…", flush=True)
    return {
        "backend": backend,
        "server_version": server_version(),
        "records": count,
        "organisations": ORGANISATIONS,
        "places": PLACES,
        "communes": loaded["communes"],
        "load_seconds": loaded["load_seconds"],
        "requests": requests,
        "warmup": WARMUP,
        "scenarios": measure(loaded, requests),
    }


# --- The section of docs/benchmarks.md ------------------------------------------------------------


def render(results: Sequence[dict[str, Any]]) -> str:
    lines = [
        SECTION_START,
        "## Benchmarks of the activity statistics (issue 13)",
        "",
        f"Figures of the last run: **{dt.datetime.now():%Y-%m-%d %H:%M}**, seed {SEED}. "
        "Rewritten by `.venv/bin/python -m bench.activities_bench --backend postgresql "
        "--backend sqlite --write-doc` (source: `bench/activities_bench.py`), between its "
        "markers only.",
        "",
        "The coordinator's page `/espace/accompagnements/territoire/<slug>/` of one territory "
        f"holding {RECORDS:,} accompaniments (60 structures, 120 places, the 49 communes of "
        "Grenoble-Alpes Métropole, three years), requested through Django's test client "
        "(middleware, permission, SQL, disclosure control of every table, template). "
        f"{RUNS} runs of {REQUESTS} timed requests after {WARMUP} of warm-up; target: "
        f"p95 under {TARGET_P95_MS:.0f} ms on PostgreSQL.",
        "",
        "| Database | Period | Records counted | SQL queries | p50 (ms) | p95 (ms), 3 runs "
        "| max (ms) | SQL (ms) | SQL + masking (ms) | Baseline: GROUP BY per table (ms) "
        "| Target |",
        "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for result in results:
        name = f"{result['backend']} {result['server_version'].split()[0]}"
        for item in result["scenarios"]:
            p50 = statistics.median(run["p50_ms"] for run in item["runs"])
            p95s = ", ".join(f"{run['p95_ms']:.0f}" for run in item["runs"])
            worst = max(run["max_ms"] for run in item["runs"])
            met = "yes" if max(run["p95_ms"] for run in item["runs"]) < TARGET_P95_MS else "no"
            if result["backend"] != "postgresql":
                met += " (not required)"
            lines.append(
                f"| {name} | {item['scenario']} | {item['records_counted']:,} | "
                f"{item['queries']} | {p50:.0f} | {p95s} | {worst:.0f} | {item['sql_ms']:.0f} | "
                f"{item['sql_and_masking_ms']:.0f} | {item['baseline_ms']:.0f} "
                f"({item['baseline_spread_ms'][0]:.0f}–{item['baseline_spread_ms'][1]:.0f}) | "
                f"{met} |"
            )
    lines += [
        "",
        f"« SQL » is the grouping-sets query and the count of people with a file, "
        f"« SQL + masking » adds the names and the disclosure control of every table (linear "
        f"programs of `aiguillage/disclosure.py`): medians of {PARTS_REPEATS} calls apart "
        "from the requests. The rest of a request is Django: session, middleware, template. "
        "With 100,000 records few counts are small, so masking costs a few milliseconds; a "
        "small structure's page has more small counts but small tables. The SQLite rows are "
        "for information: the target is PostgreSQL's.",
        "",
        "« Baseline » is what a competent developer writes without grouping sets: one ORM "
        "`values(column).annotate(Count, Sum)` per breakdown (the same columns, the same "
        "index, themes by the same bit mask), then the people with a file; the bench first "
        "checks that it gives the same counts, then times it like « SQL » (median of "
        f"{PARTS_REPEATS} calls, min–max in brackets).",
        "",
        "How it is fast: every breakdown is one `GROUP BY GROUPING SETS` over the period's rows "
        "(one scan on PostgreSQL; a `UNION ALL` of `GROUP BY` on SQLite), themes are grouped by "
        "their bit mask (`themes_mask`, at most a few hundred combinations) and split into "
        "themes in Python, and an index on (structure, date) serves the period. Loading the "
        f"data took {results[0]['load_seconds']:.0f} s ({results[0]['backend']}). "
        "See docs/activities.md.",
        SECTION_END,
    ]
    return "\n".join(lines) + "\n"


def write_doc(results: Sequence[dict[str, Any]]) -> None:
    """Replace this benchmark's own section of docs/benchmarks.md, or append it."""
    text = DOC_PATH.read_text(encoding="utf-8")
    section = render(results)
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        after = rest.split(SECTION_END, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip() + "\n\n" + section
    DOC_PATH.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark des statistiques d'accompagnements.")
    parser.add_argument("--backend", choices=BACKENDS, action="append", required=True)
    parser.add_argument("--quick", action="store_true", help="10 000 enregistrements, pour essayer")
    parser.add_argument(
        "--requests", type=int, default=REQUESTS, help="requêtes mesurées par série"
    )
    parser.add_argument("--json", type=Path, help="écrire les résultats dans ce fichier JSON")
    parser.add_argument("--write-doc", action="store_true", help="réécrire la section du doc")
    args = parser.parse_args(argv)
    if args.requests < 30:
        parser.error("au moins 30 requêtes par série")
    if len(args.backend) > 1:
        # Django is set up once per process: one backend per child process.
        import subprocess
        import tempfile

        results = []
        for backend in args.backend:
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                command = [sys.executable, "-m", "bench.activities_bench", "--backend", backend]
                command += ["--json", out.name, "--requests", str(args.requests)]
                command += ["--quick"] if args.quick else []
                subprocess.run(command, check=True, cwd=REPO)
                results.append(json.loads(Path(out.name).read_text(encoding="utf-8")))
    else:
        results = [run(args.backend[0], quick=args.quick, requests=args.requests)]
    if args.json:
        payload = results[0] if len(results) == 1 else results
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    if args.write_doc:
        if args.quick:
            parser.error("--write-doc ne s'utilise pas avec --quick")
        write_doc(sorted(results, key=lambda result: result["backend"] != "postgresql"))
        print(f"{DOC_PATH.relative_to(REPO)} : section des accompagnements réécrite.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
