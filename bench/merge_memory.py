"""Memory and transaction time of the duplicate merging (``places.dedup_actions``), issue 11.

After an import, ``merge_duplicates`` finds the territory's duplicates and merges each group
in its own short transaction. This benchmark checks the two promises of issue 11: bounded
memory and bounded transaction time, i.e. how long a concurrent writer (a login) can be
kept waiting on SQLite.

- **Data.** N places in one territory holding the communes they fall in (loaded with
  ``territories.actions.load_territory``), imported with the project's importer
  (``importing.start_import`` + ``run_import``) from two standard v1.0.2 CSV files: the
  synthetic places of ``bench.synthetic`` (source ``bench-synthetique``), then a second
  source holding a copy of 12 % of them (``DUPLICATE_SHARE`` of the N rows) with the kind of
  differences real sources show (letter case, abbreviations, qualifiers, a typo, a building
  complement or a PO box in the address, coordinates moved by up to ``MAX_OFFSET_M`` metres,
  5 % without coordinates). The merge must find them: each planted pair is checked after it.
- **Measure.** Each merge runs in a fresh process (``--measure``) that holds nothing else:
  ``VmRSS``/``VmHWM`` of /proc/self/status before and after ``merge_duplicates``, wall and CPU
  time, and each call of ``dedup_actions._merge_group`` (one transaction) timed by wrapping
  it. On SQLite the write lock is taken at ``BEGIN IMMEDIATE`` (``transaction_mode`` in
  config/settings.py) and released at ``COMMIT``: the time between the two is how long
  another writer can be blocked. A separate run of each size traces allocations with
  ``tracemalloc`` (slower, so its times are not used).
- **Concurrent writer.** During every timed run, another process writes what a login writes
  (a session row and ``last_login``, one transaction) every ``WRITER_INTERVAL_S`` seconds,
  with the busy timeout of the settings, and logs each write's latency and error.
- **Sizes.** 10,000, 50,000 and 100,000 places on SQLite, ``REPEATS`` times each
  (interleaved, each from the same copy of the database), then 100,000 once on PostgreSQL.

Databases of their own: ``var/bench/merge.sqlite3`` and ``aiguillage_bench_merge`` on the
benchmark PostgreSQL server (``bench.database``), both recreated at each run.

Run alone: ``.venv/bin/python -m bench.merge_memory [--quick] [--json PATH]``.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import gc
import json
import math
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from bench import database, search_bench, synthetic

FULL_SIZES = (10_000, 50_000, 100_000)
QUICK_SIZES = (10_000,)
REPEATS = 3
SEED = 20250320
DUPLICATE_SHARE = 0.12  # of the N places: second copies of another place
UNLOCATED_SHARE = 0.05  # of the copies: no coordinates (shown at the commune's centre)
MAX_OFFSET_M = 60.0
SECOND_SOURCE = "bench-seconde-source"
FILE_DATE = date(2025, 3, 1)
WRITER_INTERVAL_S = 0.1
WRITER_WARMUP_WRITES = 5
WRITER_TAIL_S = 1.0
WRITER_EMAIL = "bench-merge@example.invalid"
MEASURE_TIMEOUT_S = 1_800
SQLITE_PATH = database.WORK_DIR / "merge.sqlite3"
POSTGRES_NAME = "aiguillage_bench_merge"  # never the application's database
SNAPSHOT_DIR = database.WORK_DIR / "merge-snapshots"
DOC_PATH = database.REPO / "docs" / "benchmarks-load.md"
SECTION_TITLE = "## Duplicate merging: memory and transaction time (issue 11)"
ANALYSIS_START = "<!-- MERGE ANALYSIS: kept by bench.run_all -->"
ANALYSIS_END = "<!-- /MERGE ANALYSIS -->"


# --- Databases -----------------------------------------------------------------------------


def database_url(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    if backend == "postgresql":
        return f"{database.POSTGRES_SERVER_URL}/{POSTGRES_NAME}"
    raise ValueError(f"unknown backend {backend!r} (expected one of {database.BACKENDS})")


def child_env(backend: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(backend),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "ENVIRONMENT": "dev",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }


def _sqlite_files(path: Path) -> list[Path]:
    return [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]


def recreate(backend: str) -> None:
    """An empty database for this benchmark alone, whatever a previous run left."""
    if backend == "sqlite":
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        for path in _sqlite_files(SQLITE_PATH):
            path.unlink(missing_ok=True)
        return
    if not POSTGRES_NAME.startswith("aiguillage_bench_merge"):
        raise SystemExit("Refus : la base du benchmark doit s'appeler aiguillage_bench_merge…")
    with psycopg.connect(f"{database.POSTGRES_SERVER_URL}/postgres", autocommit=True) as admin:
        name = sql.Identifier(POSTGRES_NAME)
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))


def setup_django(backend: str) -> None:
    """Point this process at a fresh benchmark database and migrate it (before any model)."""
    recreate(backend)
    os.environ.update(child_env(backend))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def save_snapshot(name: str) -> Path:
    """Copy of the SQLite file, WAL folded in first, so that every run starts from it."""
    from django.db import connection, connections

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connections.close_all()
    SNAPSHOT_DIR.mkdir(parents=True, exist_ok=True)
    target = SNAPSHOT_DIR / f"{name}.sqlite3"
    shutil.copyfile(SQLITE_PATH, target)
    return target


def restore_snapshot(snapshot: Path) -> None:
    from django.db import connections

    connections.close_all()
    for path in _sqlite_files(SQLITE_PATH):
        path.unlink(missing_ok=True)
    shutil.copyfile(snapshot, SQLITE_PATH)


# --- Places with planted duplicates --------------------------------------------------------

# How a second source writes the same kind of place (the first word or words of the name).
KIND_SPELLINGS: dict[str, str] = {
    "Médiathèque": "Médiathèque municipale",
    "Centre social": "Ctre social",
    "Mairie": "Commune de",
    "France Services": "Espace France Services",
    "Espace public numérique": "EPN",
    "Association Connexions": "Asso Connexions",
    "CCAS": "Centre communal d'action sociale",
    "Tiers-lieu": "Tiers lieu",
    "Maison de quartier": "Maison du quartier",
    "Fablab": "Fab Lab",
}
NAME_QUALIFIERS = (" - Espace numérique", " (antenne)", " – accueil du public", " / France")
STREET_SPELLINGS: dict[str, str] = {
    "rue": "R.",
    "place": "Pl.",
    "avenue": "Av.",
    "boulevard": "Bd",
    "allée": "All.",
}
ADDRESS_COMPLEMENTS = (", Bâtiment B", " - BP 12", ", 1er étage", " CS 60022")


def _without_accents(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _typo(text: str, rng: random.Random) -> str:
    """Two neighbouring letters swapped in one word of four letters or more."""
    words = text.split(" ")
    long_words = [i for i, word in enumerate(words) if len(word) >= 4 and word.isalpha()]
    if not long_words:
        return text
    index = rng.choice(long_words)
    word = words[index]
    at = rng.randrange(1, len(word) - 2)
    words[index] = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return " ".join(words)


def _other_name(name: str, rng: random.Random) -> str:
    variant = rng.randrange(5)
    if variant == 0:
        return name.upper()
    if variant == 1:
        return name + rng.choice(NAME_QUALIFIERS)
    if variant == 2:
        for kind, spelling in KIND_SPELLINGS.items():
            if name.startswith(kind):
                return spelling + name[len(kind) :]
        return name
    if variant == 3:
        return _typo(name, rng)
    return _without_accents(name)


def _other_address(address: str, rng: random.Random) -> str:
    variant = rng.randrange(5)
    if variant == 0:
        return address.upper()
    if variant == 1:
        for street, spelling in STREET_SPELLINGS.items():
            if f" {street} " in address:
                return address.replace(f" {street} ", f" {spelling} ", 1)
        return address
    if variant == 2:
        return address + rng.choice(ADDRESS_COMPLEMENTS)
    if variant == 3:
        number, _, rest = address.partition(" ")
        return f"{number}, {rest}"
    return address


def _moved(latitude: float, longitude: float, rng: random.Random) -> tuple[float, float]:
    """A point at most ``MAX_OFFSET_M`` away, uniformly in the disc."""
    distance = MAX_OFFSET_M * math.sqrt(rng.random())
    angle = 2 * math.pi * rng.random()
    metres_per_degree_lon = synthetic.METRES_PER_DEGREE * math.cos(math.radians(latitude))
    return (
        round(latitude + distance * math.cos(angle) / synthetic.METRES_PER_DEGREE, 7),
        round(longitude + distance * math.sin(angle) / metres_per_degree_lon, 7),
    )


def second_copy(record: Any, rng: random.Random) -> Any:
    """The same place as another source describes it: same source id, other source."""
    latitude, longitude = record.latitude, record.longitude
    if rng.random() < UNLOCATED_SHARE:
        latitude = longitude = None
    elif latitude is not None and longitude is not None:
        latitude, longitude = _moved(latitude, longitude, rng)
    return dataclasses.replace(
        record,
        source=SECOND_SOURCE,
        nom=_other_name(record.nom, rng),
        adresse=_other_address(record.adresse, rng),
        latitude=latitude,
        longitude=longitude,
        # A second source often knows less: the kept place is the most complete one.
        telephone=record.telephone if rng.random() < 0.5 else "",
        horaires=record.horaires if rng.random() < 0.6 else "",
        date_maj=record.date_maj - timedelta(days=rng.randint(30, 400)),
    )


def planted_records(
    communes: Sequence[synthetic.CommuneData], count: int
) -> tuple[list[Any], list[Any]]:
    """``count`` places: the synthetic ones, then second copies of ``DUPLICATE_SHARE`` of
    them (the copies count in ``count``)."""
    copies = round(count * DUPLICATE_SHARE)
    originals = synthetic.synthetic_records(communes, count - copies, SEED)
    rng = random.Random(SEED + count)
    picked = sorted(rng.sample(range(len(originals)), copies))
    return originals, [second_copy(originals[index], rng) for index in picked]


def import_places(territory: Any, files: Sequence[tuple[str, Sequence[Any]]]) -> dict[str, Any]:
    """Write each list of records as a standard CSV and import it with the project's importer."""
    from aiguillage.places import formats
    from aiguillage.places.importing import run_import, start_import
    from aiguillage.places.models import ImportStatus

    report: dict[str, Any] = {"created": 0, "rejected": 0, "seconds": 0.0}
    for name, records in files:
        path = database.WORK_DIR / name
        with path.open("w", encoding="utf-8", newline="") as out:
            formats.write_standard_csv(records, out, default_date=FILE_DATE)
        started = time.perf_counter()
        run = run_import(
            run=start_import(actor=None, filename=name, territory=territory), path=path
        )
        report["seconds"] += time.perf_counter() - started
        if run.status == ImportStatus.FAILED:
            raise SystemExit(f"Import de {name} en échec : {run.error}")
        report["created"] += run.created
        report["rejected"] += run.rejected
        path.unlink()
    return report


# --- The measuring child -------------------------------------------------------------------


def _proc_status_kib(field: str) -> int:
    """A ``kB`` line of /proc/self/status (VmRSS, VmHWM), in KiB."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} missing from /proc/self/status")


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of every core since boot, from /proc/stat (user to steal;
    guest time is already counted in user)."""
    fields = [int(v) for v in Path("/proc/stat").read_text(encoding="utf-8").split()[1:9]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


class GroupClock:
    """Times each call of ``_merge_group``: from the call, from the moment ``BEGIN`` returned
    (SQLite: the write lock is held from there), to the return (after ``COMMIT``)."""

    def __init__(self, merge_group: Callable[..., int]) -> None:
        self.merge_group = merge_group
        self.calls: list[tuple[float, float, float, int]] = []  # called, locked, ended, size
        self.locked_at: float | None = None

    def __call__(
        self, execute: Callable, statement: str, params: Any, many: bool, context: Any
    ) -> Any:
        result = execute(statement, params, many, context)
        if statement.startswith("BEGIN"):
            self.locked_at = time.perf_counter()
        return result

    def timed(self, **kwargs: Any) -> int:
        self.locked_at = None
        called = time.perf_counter()
        try:
            return self.merge_group(**kwargs)
        finally:
            ended = time.perf_counter()
            locked = self.locked_at if self.locked_at is not None else called
            self.calls.append((called, locked, ended, len(list(kwargs["keys"]))))


def _percentile_ms(seconds: Sequence[float], share: float) -> float:
    return search_bench._percentile(seconds, share) * 1000 if seconds else 0.0


def _transactions(clock: GroupClock, started: float, ended: float) -> dict[str, Any]:
    held = [end - locked for _, locked, end, _ in clock.calls]
    waited = [locked - called for called, locked, _, _ in clock.calls]
    first = clock.calls[0][0] if clock.calls else ended
    last = clock.calls[-1][2] if clock.calls else ended
    sizes = collections.Counter(size for *_, size in clock.calls)
    return {
        "transactions": len(clock.calls),
        "groups_of_3_or_more": sum(count for size, count in sizes.items() if size >= 3),
        "held_p50_ms": _percentile_ms(held, 0.50),
        "held_p99_ms": _percentile_ms(held, 0.99),
        "held_max_ms": max(held, default=0.0) * 1000,
        "held_over_100ms": sum(1 for value in held if value > 0.1),
        "waited_max_ms": max(waited, default=0.0) * 1000,
        "find_seconds": first - started,
        "merge_phase_seconds": last - first,
        # Share of the merging phase during which the write lock was held.
        "held_share": sum(held) / (last - first) if last > first else 0.0,
    }


def planted_check() -> dict[str, int]:
    """How many planted pairs ended in one place, and how many merges no planted pair explains."""
    from aiguillage.places.models import Place, PlaceSource

    root = {
        pk: merged_into or pk
        for pk, merged_into in Place.objects.values_list("pk", "merged_into_id").iterator()
    }
    by_source: dict[str, dict[str, int]] = collections.defaultdict(dict)
    for source, source_id, place_id in PlaceSource.objects.values_list(
        "source", "source_id", "place_id"
    ).iterator():
        by_source[source][source_id] = place_id
    originals, copies = by_source[synthetic.SOURCE], by_source[SECOND_SOURCE]
    found = sum(1 for key, place in copies.items() if root[originals[key]] == root[place])
    merged = sum(1 for pk, kept in root.items() if kept != pk)
    return {"planted": len(copies), "planted_found": found, "merged": merged}


def measure_here(trace: bool) -> dict[str, Any]:
    """In this (fresh) process: merge every territory's duplicates, measured."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from aiguillage.places import dedup, dedup_actions
    from aiguillage.places.models import Place

    # Connect and run one query first: the baseline includes the driver and Django's set-up.
    places = Place.objects.count()
    gc.collect()
    rss_before, hwm_before = _proc_status_kib("VmRSS"), _proc_status_kib("VmHWM")
    clock = GroupClock(dedup_actions._merge_group)
    dedup_actions._merge_group = clock.timed
    blocked_pairs, pair_counts = dedup._blocked_pairs, []

    def counted_pairs(*args: Any) -> set[tuple[int, int]]:
        pairs = blocked_pairs(*args)
        pair_counts.append(len(pairs))
        return pairs

    dedup._blocked_pairs = counted_pairs
    if trace:
        tracemalloc.start()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    ticks_before = _machine_ticks()
    started_at, started = time.time(), time.perf_counter()
    with connection.execute_wrapper(clock):
        merged = dedup_actions.merge_duplicates(actor=None)
    ended, ended_at = time.perf_counter(), time.time()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    ticks_after = _machine_ticks()
    traced_peak = tracemalloc.get_traced_memory()[1] if trace else None
    tracemalloc.stop()
    dedup_actions._merge_group, dedup._blocked_pairs = clock.merge_group, blocked_pairs
    hwm_after, rss_after = _proc_status_kib("VmHWM"), _proc_status_kib("VmRSS")
    options = settings.DATABASES["default"].get("OPTIONS", {})
    cpu_seconds = (cpu_after.ru_utime - cpu_before.ru_utime) + (
        cpu_after.ru_stime - cpu_before.ru_stime
    )
    busy, total = (after - before for after, before in zip(ticks_after, ticks_before, strict=True))
    machine_cores = (os.cpu_count() or 1) * busy / total if total else 0.0
    return {
        "places": places,
        "merged_returned": merged,
        "traced": trace,
        "started_at": started_at,
        "ended_at": ended_at,
        "wall_seconds": ended - started,
        "cpu_seconds": cpu_seconds,
        # Cores busy on the whole machine during the merge, and the part this process took.
        "machine_cores": machine_cores,
        "other_cores": max(0.0, machine_cores - cpu_seconds / (ended - started)),
        "rss_before_kib": rss_before,
        "hwm_before_kib": hwm_before,
        "rss_after_kib": rss_after,
        "hwm_after_kib": hwm_after,
        "tracemalloc_peak_bytes": traced_peak,
        "pairs_scored": sum(pair_counts),
        "busy_timeout_s": options.get("timeout"),
        "transaction_mode": options.get("transaction_mode", ""),
        **_transactions(clock, started, ended),
        **planted_check(),
    }


def measure_in_child(backend: str, *, trace: bool) -> dict[str, Any]:
    """``measure_here`` in a new process: the building process holds far more memory."""
    out = database.WORK_DIR / "merge-memory-child.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.merge_memory", "--measure", str(out)]
    if trace:
        command.append("--trace")
    subprocess.run(
        command, cwd=database.REPO, env=child_env(backend), check=True, timeout=MEASURE_TIMEOUT_S
    )
    return json.loads(out.read_text(encoding="utf-8"))


# --- The concurrent writer -----------------------------------------------------------------


def writer_main(log_path: Path, stop_path: Path, max_seconds: float) -> int:
    """Write what a login writes every ``WRITER_INTERVAL_S`` s until ``stop_path`` exists;
    one JSON line per write: when it started, how long it took, its error if any."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError, transaction
    from django.utils import timezone

    users = get_user_model().objects
    user = users.get(email=WRITER_EMAIL)
    deadline = time.monotonic() + max_seconds
    next_write = time.monotonic()
    with log_path.open("a", encoding="utf-8") as log:
        while not stop_path.exists() and time.monotonic() < deadline:
            time.sleep(max(0.0, next_write - time.monotonic()))
            at, started = time.time(), time.perf_counter()
            error = ""
            try:
                # django.contrib.auth.login with database sessions: a new session row and
                # the user's last_login, here in one transaction.
                with transaction.atomic():
                    session = SessionStore()
                    session["_auth_user_id"] = str(user.pk)
                    session.create()
                    users.filter(pk=user.pk).update(last_login=timezone.now())
            except OperationalError as exception:
                error = str(exception)
            took = time.perf_counter() - started
            log.write(json.dumps({"at": at, "ms": took * 1000, "error": error}) + "\n")
            log.flush()
            # A write kept waiting does not make the next ones burst: back to the rhythm.
            next_write = max(next_write + WRITER_INTERVAL_S, time.monotonic())
    return 0


class Writer:
    LOG = database.WORK_DIR / "merge-writer.jsonl"
    STOP = database.WORK_DIR / "merge-writer.stop"

    def __init__(self, backend: str) -> None:
        self.env = child_env(backend)
        self.process: subprocess.Popen[bytes] | None = None

    def writes(self) -> list[dict[str, Any]]:
        if not self.LOG.exists():
            return []
        lines = self.LOG.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def start(self) -> None:
        self.LOG.unlink(missing_ok=True)
        self.STOP.unlink(missing_ok=True)
        command = [sys.executable, "-m", "bench.merge_memory", "--writer", str(self.LOG)]
        command += ["--stop", str(self.STOP), "--max-seconds", str(MEASURE_TIMEOUT_S)]
        self.process = subprocess.Popen(command, cwd=database.REPO, env=self.env)
        deadline = time.monotonic() + 60
        while len(self.writes()) < WRITER_WARMUP_WRITES and time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("Le processus d'écriture s'est arrêté sans écrire.")
            time.sleep(0.1)
        if len(self.writes()) < WRITER_WARMUP_WRITES:
            raise SystemExit("Aucune écriture du processus concurrent après 60 s.")

    def stop(self) -> None:
        if self.process is None:
            return
        self.STOP.touch()
        try:
            # A write may still be waiting for the lock, up to the busy timeout (20 s).
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def summary(self, started_at: float, merging_at: float, ended_at: float) -> dict[str, Any]:
        """The writes that overlapped the merge, those that overlapped its merging phase
        (after finding, when groups are written), and those before it (the baseline)."""
        writes = self.writes()

        def overlapping(start: float) -> list[dict[str, Any]]:
            return [w for w in writes if w["at"] <= ended_at and w["at"] + w["ms"] / 1000 >= start]

        during, merging = overlapping(started_at), overlapping(merging_at)
        before = [w for w in writes if w["at"] + w["ms"] / 1000 < started_at]
        failed = [w for w in during if w["error"]]
        return {
            "writes": len(during),
            "failed": len(failed),
            "locked": sum(1 for w in failed if "locked" in w["error"]),
            "errors": dict(collections.Counter(w["error"] for w in failed)),
            **_latencies("", during),
            **_latencies("merging_", merging),
            "before_writes": len(before),
            "before_max_ms": max((w["ms"] for w in before), default=0.0),
        }


def _latencies(prefix: str, writes: Sequence[dict[str, Any]]) -> dict[str, float]:
    seconds = [w["ms"] / 1000 for w in writes]
    return {
        f"{prefix}count": len(seconds),
        f"{prefix}p50_ms": _percentile_ms(seconds, 0.50),
        f"{prefix}p99_ms": _percentile_ms(seconds, 0.99),
        f"{prefix}max_ms": max(seconds, default=0.0) * 1000,
        f"{prefix}over_1s": sum(1 for value in seconds if value > 1),
    }


def timed_run(backend: str) -> dict[str, Any]:
    """One merge in a fresh process, with the concurrent writer running around it."""
    writer = Writer(backend)
    load_before = os.getloadavg()
    writer.start()
    try:
        result = measure_in_child(backend, trace=False)
        time.sleep(WRITER_TAIL_S)
    finally:
        writer.stop()
    merging_at = result["started_at"] + result["find_seconds"]
    result["writer"] = writer.summary(result["started_at"], merging_at, result["ended_at"])
    result["load_average"] = [load_before, os.getloadavg()]
    return result


# --- One database --------------------------------------------------------------------------


def build(communes: Sequence[synthetic.CommuneData], sizes: Sequence[int]) -> dict[str, Any]:
    """Load the communes the places fall in, and the login the writer uses."""
    from django.contrib.auth import get_user_model

    from bench.index_memory import load_every_commune

    planted = {count: planted_records(communes, count) for count in sizes}
    needed = {r.code_insee for originals, _ in planted.values() for r in originals}
    used = [commune for commune in communes if commune.insee_code in needed]
    territory, communes_seconds = load_every_commune(used)
    get_user_model().objects.create_user(email=WRITER_EMAIL)
    return {
        "territory": territory,
        "planted": planted,
        "communes": len(used),
        "communes_seconds": communes_seconds,
    }


def load_size(built: dict[str, Any], count: int) -> dict[str, Any]:
    originals, copies = built["planted"][count]
    print(f"[fusion] import de {count:,} lieux ({len(copies):,} en double)…", flush=True)
    report = import_places(
        built["territory"],
        [(f"merge-{count}-a.csv", originals), (f"merge-{count}-b.csv", copies)],
    )
    if report["created"] != count or report["rejected"]:
        raise SystemExit(f"Import incomplet : {report}")
    database.analyze()
    return {"places": count, "planted": len(copies), "import": report}


def run_backend(backend: str, *, quick: bool) -> dict[str, Any]:
    """SQLite: every size, ``REPEATS`` times, interleaved, plus one traced run per size.
    PostgreSQL: the largest size once."""
    setup_django(backend)
    sizes = QUICK_SIZES if quick else FULL_SIZES
    if backend == "postgresql":
        sizes = sizes[-1:]
    repeats = REPEATS if backend == "sqlite" else 1
    communes = synthetic.france_communes()
    print(f"[fusion] {backend} : communes et lieux synthétiques…", flush=True)
    built = build(communes, sizes)
    entries = {}
    snapshots: dict[int, Path] = {}
    empty = save_snapshot("empty") if backend == "sqlite" else None
    for count in sizes:
        if empty is not None:
            restore_snapshot(empty)
        entries[count] = load_size(built, count)
        entries[count]["runs"] = []
        if backend == "sqlite":
            snapshots[count] = save_snapshot(str(count))
    from django.db import connections

    connections.close_all()
    try:
        for repeat in range(repeats):
            for count in sizes:
                if count in snapshots:
                    restore_snapshot(snapshots[count])
                print(f"[fusion] {backend}, {count:,} lieux, run {repeat + 1}/{repeats}…")
                entries[count]["runs"].append(timed_run(backend))
        for count in snapshots:
            restore_snapshot(snapshots[count])
            print(f"[fusion] {backend}, {count:,} lieux, run tracé (tracemalloc)…", flush=True)
            entries[count]["traced"] = measure_in_child(backend, trace=True)
    finally:
        shutil.rmtree(SNAPSHOT_DIR, ignore_errors=True)
    return {
        "backend": backend,
        "server_version": database.server_version(),
        "communes": built["communes"],
        "communes_seconds": built["communes_seconds"],
        "sizes": list(entries.values()),
    }


# --- Both databases, tables ----------------------------------------------------------------


def run(*, quick: bool) -> dict[str, Any]:
    """Each database in its own process (Django binds one database per process)."""
    started, clock = datetime.now(), time.perf_counter()
    load_before = os.getloadavg()
    backends = []
    for backend in database.BACKENDS:
        out = database.WORK_DIR / f"merge-memory-{backend}.json"
        out.unlink(missing_ok=True)
        command = [sys.executable, "-m", "bench.merge_memory", "--backend", backend]
        command += ["--json", str(out)] + (["--quick"] if quick else [])
        subprocess.run(command, cwd=database.REPO, check=True)
        backends.append(json.loads(out.read_text(encoding="utf-8")))
    return {
        "started": started.isoformat(timespec="minutes"),
        "minutes": (time.perf_counter() - clock) / 60,
        "quick": quick,
        "cores": os.cpu_count(),
        "load_average": [load_before, os.getloadavg()],
        "backends": backends,
    }


def _mib(kib: float) -> float:
    return kib / 1024


def _spread(values: Sequence[float], digits: int = 1) -> str:
    if len(values) == 1:
        return f"{values[0]:,.{digits}f}"
    middle = statistics.median(values)
    return f"{middle:,.{digits}f} ({min(values):,.{digits}f}–{max(values):,.{digits}f})"


def _label(result: dict[str, Any]) -> str:
    return f"{result['backend']} {result['server_version'].split()[0]}"


def _rows(result: dict[str, Any]) -> list[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    return [(_label(b), entry, entry["runs"]) for b in result["backends"] for entry in b["sizes"]]


def memory_table(result: dict[str, Any]) -> str:
    lines = [
        "| Database | Places | Runs | Planted duplicates found / planted | Merged in all "
        "| Wall s | of which finding s | CPU s | RSS before → peak (MiB) | Peak growth MiB "
        "| tracemalloc peak MiB | Other processes (cores) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, entry, runs in _rows(result):
        first = runs[0]
        traced = entry.get("traced")
        peak = f"{traced['tracemalloc_peak_bytes'] / 2**20:,.0f}" if traced else "—"
        before = statistics.median(_mib(r["rss_before_kib"]) for r in runs)
        lines.append(
            f"| {label} | {entry['places']:,} | {len(runs)} "
            f"| {first['planted_found']:,} / {first['planted']:,} | {first['merged']:,} "
            f"| {_spread([r['wall_seconds'] for r in runs])} "
            f"| {_spread([r['find_seconds'] for r in runs])} "
            f"| {_spread([r['cpu_seconds'] for r in runs])} "
            f"| {before:,.0f} → {_spread([_mib(r['hwm_after_kib']) for r in runs], 0)} "
            f"| {_spread([_mib(r['hwm_after_kib'] - r['rss_before_kib']) for r in runs], 0)} "
            f"| {peak} | {_spread([r['other_cores'] for r in runs], 2)} |"
        )
    return "\n".join(lines)


def transaction_table(result: dict[str, Any]) -> str:
    lines = [
        "| Database | Places | Transactions (groups of 3+) | Held p50 ms | Held p99 ms "
        "| Held max ms | Held > 100 ms | Lock held, share of the merging phase "
        "| Writes during the merge | of which in the merging phase "
        "| Failed (« database is locked ») | Writer p50 / p99 ms, merging phase | Writer max ms "
        "| Writes > 1 s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]
    for label, entry, runs in _rows(result):
        first = runs[0]
        writers = [r["writer"] for r in runs]
        share = f"{_spread([100 * r['held_share'] for r in runs], 0)} %"
        if label.startswith("postgresql"):
            share = "n/a (row locks)"
        lines.append(
            f"| {label} | {entry['places']:,} "
            f"| {first['transactions']:,} ({first['groups_of_3_or_more']:,}) "
            f"| {_spread([r['held_p50_ms'] for r in runs])} "
            f"| {_spread([r['held_p99_ms'] for r in runs])} "
            f"| {_spread([r['held_max_ms'] for r in runs])} "
            f"| {_spread([r['held_over_100ms'] for r in runs], 0)} "
            f"| {share} "
            f"| {_spread([w['writes'] for w in writers], 0)} "
            f"| {_spread([w['merging_count'] for w in writers], 0)} "
            f"| {_spread([w['failed'] for w in writers], 0)} "
            f"| {_spread([w['merging_p50_ms'] for w in writers])} / "
            f"{_spread([w['merging_p99_ms'] for w in writers])} "
            f"| {_spread([w['max_ms'] for w in writers], 0)} "
            f"| {_spread([w['over_1s'] for w in writers], 0)} |"
        )
    return "\n".join(lines)


def checks(result: dict[str, Any]) -> str:
    lines = []
    for backend in result["backends"]:
        lines.append(
            f"- {_label(backend)}: {backend['communes']:,} communes loaded in "
            f"{backend['communes_seconds']:.0f} s with `load_territory`."
        )
        for entry in backend["sizes"]:
            runs = entry["runs"]
            timeouts = {f"{r['busy_timeout_s']} s" for r in runs if r["busy_timeout_s"]}
            errors: collections.Counter[str] = collections.Counter()
            for r in runs:
                errors.update(r["writer"]["errors"])
            traced = entry.get("traced")
            traced_text = (
                f"; traced run {traced['wall_seconds']:.0f} s, {traced['merged']:,} merged"
                if traced
                else ""
            )
            merged_per_run = ", ".join(f"{r['merged']:,}" for r in runs)
            loads = ", ".join(f"{r['load_average'][0][0]:.1f}" for r in runs)
            lines.append(
                f"  - {entry['places']:,} places: imported in {entry['import']['seconds']:.0f} s "
                f"(2 files, {entry['import']['created']:,} created); merged per run "
                f"{merged_per_run}{traced_text}; "
                f"{runs[0]['pairs_scored']:,} pairs of places within reach scored; longest "
                f"wait for the lock before a group {max(r['waited_max_ms'] for r in runs):.0f} ms; "
                f"busy timeout {', '.join(sorted(timeouts)) or 'n/a'}; writer errors "
                f"{dict(errors) or 'none'}; load average (1 min) before each run: {loads}."
            )
    return "\n".join(lines)


def print_result(result: dict[str, Any]) -> None:
    print()
    print(memory_table(result))
    print()
    print(transaction_table(result))
    print()
    print(checks(result))


def kept_analysis(path: Path = DOC_PATH) -> str:
    """The hand-written analysis of this section, kept when its figures are rewritten."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    start, end = text.find(ANALYSIS_START), text.find(ANALYSIS_END)
    if start == -1 or end == -1:
        return ""
    return text[start + len(ANALYSIS_START) : end].strip()


def render_section(result: dict[str, Any]) -> str:
    """The section of docs/benchmarks-load.md, appended after the load benchmark's page."""
    analysis = kept_analysis() or "_No analysis written yet._"
    start, end = result["load_average"]
    return f"""{SECTION_TITLE}

Figures of the run of **{result["started"].replace("T", " ")}**, {result["minutes"]:.0f} minutes
(`bench/merge_memory.py`). Load average (1/5/15 min) at the start:
{"/".join(f"{v:.2f}" for v in start)}; at the end: {"/".join(f"{v:.2f}" for v in end)}. The
machine has {result["cores"]} cores and is shared: other processes (test runs, servers) ran at
the same time, which the wall times and the writer's latencies include.

Each cell gives the median of the runs and, in brackets, the lowest and highest. *Wall s* is
`merge_duplicates` alone; *finding* is the part before the first group is merged (reading the
compared columns, `dedup.find_duplicates`). RSS is `VmRSS` after Django's set-up and one
query, then `VmHWM` (peak) after the merge, in a fresh process; *peak growth* is the
difference. *tracemalloc peak* comes from one more run with tracing on.

{memory_table(result)}

*Held* is, for each group, the time from `BEGIN IMMEDIATE` returning (SQLite takes its write
lock there) to the end of `COMMIT`: the longest another writer can be kept waiting by that
group. On PostgreSQL it is the whole transaction, which locks only the group's rows. The
writer logs in (a session row and `last_login`, one transaction) every
{WRITER_INTERVAL_S * 1000:.0f} ms from another process with the busy timeout of the settings,
while the merge runs; a write kept waiting does not queue the next ones.

{transaction_table(result)}

Checks:

{checks(result)}

**Data.** N places in one territory holding the communes they fall in, imported with the
project's importer from two standard CSV files: the synthetic places of `bench.synthetic`
(seed {SEED}), then a second source with a copy of {DUPLICATE_SHARE * 100:.0f} % of the N rows
(letter case, abbreviations such as « Ctre social » or « Av. », qualifiers, a swapped pair of
letters, accents dropped, a building complement or PO box in the address, coordinates moved by
up to {MAX_OFFSET_M:.0f} m, {UNLOCATED_SHARE * 100:.0f} % without coordinates). *Planted duplicates
found*: pairs whose two places end in one after the merge; *merged in all* also counts merges
no planted pair explains.

How to rerun: `.venv/bin/python -m bench.merge_memory [--quick] [--json out.json]` (12 to 18
minutes here, depending on what else runs; `--quick`: 10,000 places only, about 2 minutes).
`make bench` and `.venv/bin/python -m bench.run_all --load-only` run it after the load
benchmarks and rewrite this section, keeping its analysis.

### Analysis of the merge benchmark

{ANALYSIS_START}
{analysis}
{ANALYSIS_END}
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mémoire et transactions de la fusion.")
    parser.add_argument("--quick", action="store_true", help="10 000 lieux seulement")
    parser.add_argument("--json", type=Path, help="écrire le résultat dans ce fichier JSON")
    parser.add_argument(
        "--backend", choices=database.BACKENDS, help="une base seulement (sans tableau)"
    )
    # Internal: the measuring process and the concurrent writer.
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--writer", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stop", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--max-seconds", type=float, default=600, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    database.WORK_DIR.mkdir(parents=True, exist_ok=True)
    if args.measure:
        result = measure_here(args.trace)
        args.measure.write_text(json.dumps(result, indent=2), encoding="utf-8")
        return 0
    if args.writer:
        return writer_main(args.writer, args.stop, args.max_seconds)
    if args.backend:
        result = run_backend(args.backend, quick=args.quick)
    else:
        result = run(quick=args.quick)
        print_result(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
