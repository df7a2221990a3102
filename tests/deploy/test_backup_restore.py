"""deploy/backup.sh and deploy/restore.sh against a real PostgreSQL server (docs/deploy.md).

A scratch database is migrated and given a few rows, backed up, restored into another scratch
database, and compared. The server is PG_SERVER_URL (default postgres@127.0.0.1:5432), whatever
database the rest of the suite runs on; every scratch database is dropped at the end.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from aiguillage.shared_data import REPOSITORY_ROOT

SERVER_URL = os.environ.get("PG_SERVER_URL", "postgresql://postgres@127.0.0.1:5432").rstrip("/")
BACKUP = REPOSITORY_ROOT / "deploy" / "backup.sh"
RESTORE = REPOSITORY_ROOT / "deploy" / "restore.sh"
# Tables written by the migrations themselves, and the one this test adds.
COMPARED_TABLES = ("django_migrations", "django_content_type", "auth_permission", "backup_probe")
DAY = 24 * 3600


@dataclass
class Server:
    url: str
    major: int
    pg_bin: str | None

    def database_url(self, name: str) -> str:
        return f"{self.url}/{name}"

    def connect(self, name: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.database_url(name), autocommit=True)


@pytest.fixture(scope="module")
def server() -> Server:
    # `make test` needs the PostgreSQL server anyway (.ci/run starts it): no server is a failure.
    with psycopg.connect(f"{SERVER_URL}/postgres", connect_timeout=3) as connection:
        number = int(connection.execute("SHOW server_version_num").fetchone()[0])
    major = number // 10000
    # pg_dump must be at least as new as the server: Debian installs each version here.
    folder = Path(f"/usr/lib/postgresql/{major}/bin")
    return Server(SERVER_URL, major, str(folder) if (folder / "pg_dump").exists() else None)


def drop(server: Server, name: str) -> None:
    with server.connect() as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def scratch_name() -> str:
    return f"aiguillage_test_backup_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def migrated(server: Server) -> Iterator[str]:
    """A database with every migration applied, copied by the tests (migrating takes seconds)."""
    name = scratch_name()
    try:
        with server.connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=REPOSITORY_ROOT,
            env={**os.environ, "DATABASE_URL": server.database_url(name)},
            check=True,
            timeout=120,
        )
        yield name
    finally:
        drop(server, name)


@pytest.fixture
def scratch_databases(server: Server) -> Iterator[Callable[..., str]]:
    """Names of new databases (copies of `template`, empty, or not created), all dropped."""
    names: list[str] = []

    def new(template: str | None = None, create: bool = True) -> str:
        names.append(scratch_name())
        if create:
            copy = f' TEMPLATE "{template}"' if template else ""
            with server.connect() as connection:
                connection.execute(f'CREATE DATABASE "{names[-1]}"{copy}')
        return names[-1]

    try:
        yield new
    finally:
        for name in names:
            drop(server, name)


def run(script: Path, *arguments: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(script), *arguments],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def tools(server: Server) -> dict[str, str]:
    return {"PG_BIN": server.pg_bin} if server.pg_bin else {}


def snapshot(server: Server, name: str) -> dict[str, list[tuple]]:
    with server.connect(name) as connection:
        tables = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            " ORDER BY table_name"
        ).fetchall()
        rows = {"tables": tables}
        for table in COMPARED_TABLES:
            rows[table] = connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
    return rows


def with_password(url: str) -> str:
    # The server trusts local connections and ignores it: this exercises its removal from the
    # URL (it goes through PGPASSWORD), with a character that must be decoded.
    return re.sub(r"^(postgres(?:ql)?://[^:@/]+)@", r"\1:not%40used@", url)


def test_a_backup_restores_into_a_new_database_with_the_same_rows(
    server, migrated, scratch_databases, tmp_path
):
    source = scratch_databases(template=migrated)
    with server.connect(source) as connection:
        connection.execute(
            "INSERT INTO django_content_type (app_label, model) VALUES ('sauvegarde', 'épreuve')"
        )
        connection.execute("CREATE TABLE backup_probe (id bigserial PRIMARY KEY, label text)")
        connection.execute(
            "INSERT INTO backup_probe (label) VALUES ('Médiathèque'), ('l''Île'), (NULL)"
        )
    media = tmp_path / "media"
    (media / "imports").mkdir(parents=True)
    (media / "imports" / "lieux.csv").write_text("nom\nMédiathèque\n", encoding="utf-8")
    backups = tmp_path / "backups"
    backups.mkdir()
    too_old = backups / "aiguillage-20000101-000000.dump"
    recent = backups / "aiguillage-20000102-000000.dump"
    unrelated = backups / "notes.txt"
    for path, age_days in ((too_old, 31), (recent, 29), (unrelated, 400)):
        path.write_text("")
        os.utime(path, (time.time() - age_days * DAY,) * 2)

    backup = run(
        BACKUP,
        str(backups),
        DATABASE_URL=with_password(server.database_url(source)),
        BACKUP_KEEP_DAYS="30",
        STORAGE_BACKEND="filesystem",
        MEDIA_ROOT=str(media),
        **tools(server),
    )
    assert backup.returncode == 0, backup.stderr

    dumps = sorted(path for path in backups.glob("aiguillage-2*.dump") if path != recent)
    assert len(dumps) == 1 and re.fullmatch(r"aiguillage-\d{8}-\d{6}\.dump", dumps[0].name)
    dump = dumps[0]
    assert dump.stat().st_mode & 0o077 == 0, "a dump holds personal data: owner only"
    assert not too_old.exists() and recent.exists() and unrelated.exists()
    assert not list(backups.glob("*.partial"))
    (archive,) = backups.glob("aiguillage-media-*.tar.gz")
    with tarfile.open(archive) as files:
        assert "./imports/lieux.csv" in files.getnames()

    target = scratch_databases(create=False)  # restore.sh creates it
    restore = run(
        RESTORE, str(dump), server.database_url(target), PYTHON=sys.executable, **tools(server)
    )
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "correspond au code" in restore.stdout

    restored = snapshot(server, target)
    assert restored == snapshot(server, source)
    assert len(restored["django_migrations"]) > 10
    assert ("sauvegarde", "épreuve") in {row[1:] for row in restored["django_content_type"]}
    # Sequences come back too: the next row does not collide with a restored one.
    with server.connect(target) as connection:
        (next_id,) = connection.execute(
            "INSERT INTO backup_probe (label) VALUES ('après') RETURNING id"
        ).fetchone()
    assert next_id == 4

    # A database that is not empty is never overwritten.
    again = run(
        RESTORE, str(dump), server.database_url(target), PYTHON=sys.executable, **tools(server)
    )
    assert again.returncode == 1
    assert "n'est pas vide" in again.stderr
    assert len(snapshot(server, target)["backup_probe"]) == 4


def test_a_restored_dump_older_than_the_code_is_reported(
    server, migrated, scratch_databases, tmp_path
):
    source = scratch_databases(template=migrated)
    with server.connect(source) as connection:
        # As if the dump had been made before the latest migration of an app was written.
        connection.execute(
            "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations)"
        )
    backup = run(
        BACKUP,
        str(tmp_path),
        DATABASE_URL=server.database_url(source),
        BACKUP_MEDIA="no",
        **tools(server),
    )
    assert backup.returncode == 0, backup.stderr
    (dump,) = tmp_path.glob("aiguillage-*.dump")
    assert not list(tmp_path.glob("aiguillage-media-*"))

    target = scratch_databases()  # exists and is empty: accepted
    restore = run(
        RESTORE, str(dump), server.database_url(target), PYTHON=sys.executable, **tools(server)
    )
    assert restore.returncode == 3, restore.stdout + restore.stderr
    assert "1 migration(s) manquent" in restore.stderr
    assert "manage.py migrate" in restore.stderr


def test_the_scripts_refuse_what_they_cannot_do(tmp_path):
    no_url = run(BACKUP, str(tmp_path), DATABASE_URL="", BACKUP_KEEP_DAYS="7")
    assert no_url.returncode == 1 and "DATABASE_URL" in no_url.stderr
    bad_retention = run(BACKUP, str(tmp_path), DATABASE_URL=SERVER_URL, BACKUP_KEEP_DAYS="0")
    assert bad_retention.returncode == 1 and "BACKUP_KEEP_DAYS" in bad_retention.stderr
    usage = run(RESTORE, "only-one-argument")
    assert usage.returncode == 2 and "deploy/restore.sh DUMP TARGET_DATABASE_URL" in usage.stderr
    missing = run(RESTORE, str(tmp_path / "absent.dump"), f"{SERVER_URL}/x")
    assert missing.returncode == 1 and "introuvable" in missing.stderr
    assert not list(tmp_path.iterdir())
