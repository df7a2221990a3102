"""The production configuration, started for real: gunicorn, task workers, PostgreSQL.

Each stack gets its own PostgreSQL database (created, migrated and seeded with the demo,
dropped at the end), its own static and media folders, and a real SMTP server. Processes
run with ENVIRONMENT=production and DEBUG off, exactly as ``deploy/`` starts them.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import requests

from aiguillage.shared_data import REPOSITORY_ROOT

PG_SERVER_URL = os.environ.get("PG_SERVER_URL", "postgresql://postgres@127.0.0.1:5432")
DEMO_PASSWORD = "demo-aiguillage-2026"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], object], *, timeout: float, what: str) -> object:
    """Poll ``condition`` until it returns something true; fail with ``what`` after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}")


class ProductionStack:
    def __init__(self, workdir: Path, smtp_port: int, **extra_env: str) -> None:
        self.workdir = workdir
        self.database = f"aiguillage_e2e_{secrets.token_hex(4)}"
        self.database_url = f"{PG_SERVER_URL}/{self.database}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "ENVIRONMENT": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url,
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "5",
            "WORKER_HEARTBEAT_SECONDS": "1",
            "WORKER_STALE_SECONDS": "4",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            **extra_env,
        }
        # Nothing of the test process leaks in (browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
        for name in (
            "TASK_BACKEND",
            "EMAIL_BACKEND",
            "PORT",
            "SITE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        ):
            self.env.pop(name, None)

    # --- database --------------------------------------------------------------
    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(f"{PG_SERVER_URL}/postgres", autocommit=True)

    def sql(self, query: str, params: list | tuple = ()) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            return connection.execute(query, params).fetchall()

    def create_database(self) -> None:
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{self.database}"')

    def drop_database(self) -> None:
        with self._admin() as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [self.database],
            )
            admin.execute(f'DROP DATABASE IF EXISTS "{self.database}"')

    # --- processes -------------------------------------------------------------
    def manage(self, *args: str, env: dict | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPOSITORY_ROOT,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr[-3000:]}"
        return result.stdout

    def prepare(self) -> None:
        """Create, migrate and seed the database; collect the static files."""
        self.create_database()
        # The demo seeder is installed outside production only; its data serve production.
        dev = {**self.env, "ENVIRONMENT": "dev", "TASK_BACKEND": "database"}
        self.manage("migrate", "--noinput", env=dev)
        self.manage("seed_demo", env=dev)
        self.manage("collectstatic", "--noinput", "-v", "0")

    def _start(self, name: str, command: list[str], **env: str) -> subprocess.Popen:
        with (self.workdir / f"{name}.log").open("w") as log:
            process = subprocess.Popen(
                command,
                cwd=REPOSITORY_ROOT,
                env={**self.env, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[name] = process
        return process

    def start_web(self, name: str = "web", *, processes: int = 2) -> str:
        port = free_port()
        self._start(
            name,
            [GUNICORN, "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
            PORT=str(port),
            WEB_CONCURRENCY=str(processes),
            SITE_URL=f"http://127.0.0.1:{port}",
        )
        base = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            try:
                return requests.get(f"{base}/sante/", timeout=10).status_code == 200
            except requests.RequestException:  # not listening yet, or still loading
                return False

        wait_until(answers, timeout=60, what=f"{name} to answer")
        return base

    def start_worker(self, name: str) -> subprocess.Popen:
        return self._start(
            name,
            [sys.executable, "manage.py", "run_worker", "--no-reload", "--interval", "0.2"],
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(name)
        os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.processes):
            process = self.processes[name]
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            self.processes.pop(name)

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def logged_in_session(base: str, email: str, password: str = DEMO_PASSWORD) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/connexion/", timeout=10)
    token = csrf_token(page.text)
    response = session.post(
        f"{base}/connexion/",
        data={"username": email, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/connexion/"},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:2000]
    return session


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def host_of(url: str) -> str:
    return urlsplit(url).netloc


class _FormReader(HTMLParser):
    """The values a browser would submit for the form whose action matches."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = attributes.get("action", "") in ("", self.action)
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            if kind not in ("submit", "button", "file"):
                self.fields.append(
                    (name, attributes.get("value", "on" if kind == "checkbox" else ""))
                )
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.fields.append((self._select, attributes.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


def form_values(html: str, action: str = "") -> list[tuple[str, str]]:
    reader = _FormReader(action)
    reader.feed(html)
    return reader.fields


class TcpRelay:
    """A TCP relay to PostgreSQL that can be cut and restored, as a restart would.

    Cutting closes every relayed connection and stops listening (new connections are
    refused), exactly what the application sees while PostgreSQL restarts.
    """

    def __init__(self, target_port: int = 5432) -> None:
        self.target_port = target_port
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            if self._listener is not None:
                # shutdown wakes the thread blocked in accept(); close alone would not.
                try:
                    self._listener.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                self._listener.close()
                self._listener = None
            for connection in self._sockets:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                connection.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            server = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for side in (source, target):
                try:
                    side.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
