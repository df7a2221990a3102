"""The benchmark databases, kept apart from the dev and test ones.

SQLite: the file var/bench.sqlite3. PostgreSQL: the database ``aiguillage_bench`` on
127.0.0.1:5432 (user postgres, trust authentication), created when missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
from psycopg import sql

REPO = Path(__file__).resolve().parent.parent
BACKENDS: tuple[str, ...] = ("sqlite", "postgresql")
SQLITE_PATH = REPO / "var" / "bench.sqlite3"
POSTGRES_SERVER_URL = os.environ.get(
    "BENCH_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432"
)
POSTGRES_NAME = "aiguillage_bench"
WORK_DIR = REPO / "var" / "bench"


def database_url(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    if backend == "postgresql":
        return f"{POSTGRES_SERVER_URL}/{POSTGRES_NAME}"
    raise ValueError(f"unknown backend {backend!r} (expected one of {BACKENDS})")


def _postgres_admin() -> psycopg.Connection:
    return psycopg.connect(f"{POSTGRES_SERVER_URL}/postgres", autocommit=True)


def recreate(backend: str) -> None:
    """Start from an empty database: the results must not depend on a previous run."""
    if backend == "sqlite":
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return
    with _postgres_admin() as admin:
        name = sql.Identifier(POSTGRES_NAME)
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))


def ensure_exists(backend: str) -> None:
    if backend == "sqlite":
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        return
    with _postgres_admin() as admin:
        found = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [POSTGRES_NAME]
        ).fetchone()
        if not found:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(POSTGRES_NAME)))


def setup_django(backend: str, *, fresh: bool) -> None:
    """Point Django at the benchmark database of ``backend`` and migrate it.

    Must run before anything imports a model. DEBUG is off as on a server: with DEBUG on,
    Django keeps every SQL query in memory, which slows both sides of each comparison.
    """
    if fresh:
        recreate(backend)
    else:
        ensure_exists(backend)
    os.environ["DATABASE_URL"] = database_url(backend)
    os.environ["DEBUG"] = "false"
    os.environ["ENVIRONMENT"] = "dev"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def clear_places() -> None:
    """Delete every place and what hangs on it, without Django's row-by-row cascade."""
    from django.db import connection

    from aiguillage.places.models import ImportRun, Place, PlaceChange, PlaceMerge, PlaceSource

    tables = [model._meta.db_table for model in (PlaceChange, PlaceMerge, PlaceSource, Place)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
    ImportRun.objects.all().delete()


def analyze() -> None:
    """Refresh the planner statistics after a bulk load, as autovacuum (PostgreSQL) or
    ``PRAGMA optimize`` (SQLite) would on a live server."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return str(cursor.fetchone()[0])
