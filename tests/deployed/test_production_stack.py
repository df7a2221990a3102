"""The deployed configuration, for real: gunicorn with 2 web processes and task workers on
PostgreSQL, DEBUG off, static files collected. A coordinator's day goes through it, then a
worker is killed with ``kill -9`` in the middle of an import and another one finishes it."""

from __future__ import annotations

import datetime as dt
import email
import random
import re
import secrets
import signal
import subprocess
import sys
import time

import pytest
import requests

from aiguillage.shared_data import REPOSITORY_ROOT
from tests.deployed.stack import (
    TcpRelay,
    csrf_token,
    form_values,
    logged_in_session,
    wait_until,
)

pytestmark = pytest.mark.deployed

TERRITORY = "grenoble-alpes-metropole"
COORDINATOR = "coordination@demo.aiguillage.fr"
CSV_HEADER = (
    "id,pivot,nom,commune,code_postal,code_insee,adresse,complement_adresse,latitude,longitude,"
    "typologie,telephone,courriels,site_web,horaires,presentation_resume,presentation_detail,"
    "source,itinerance,structure_parente,date_maj,services,publics_specifiquement_adresses,"
    "prise_en_charge_specifique,frais_a_charge,dispositif_programmes_nationaux,"
    "formations_labels,autres_formations_labels,modalites_acces,modalites_accompagnement,"
    "fiche_acces_libre,prise_rdv\n"
)


def places_file(rows: int, *, prefix: str, bad_every: int = 10, seed: int = 9) -> bytes:
    """A national-standard CSV of distinct places in Grenoble; every tenth row lacks a name."""
    chance = random.Random(seed)
    lines = [CSV_HEADER]
    for index in range(rows):
        name = "" if index % bad_every == 0 else f"Point {secrets.token_hex(5)} {index}"
        latitude = 45.13 + chance.random() * 0.12
        longitude = 5.65 + chance.random() * 0.14
        lines.append(
            f"{prefix}-{index},00000000000000,{name},Grenoble,38000,38185,{index} rue de test,,"
            f"{latitude:.5f},{longitude:.5f},,,,,Mo-Fr 09:00-12:00,,,Test,,,2024-01-01,"
            "Aide aux démarches administratives,,,,,,,,,,\n"
        )
    return "".join(lines).encode()


def upload(session: requests.Session, base: str, content: bytes, name: str) -> str:
    page = session.get(f"{base}/espace/imports/", timeout=30)
    response = session.post(
        f"{base}/espace/imports/",
        data={"territory": TERRITORY, "csrfmiddlewaretoken": csrf_token(page.text)},
        files={"file": (name, content, "text/csv")},
        headers={"Referer": f"{base}/espace/imports/"},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[:3000]
    return re.search(r"/espace/imports/([0-9a-f-]{36})/", response.headers["Location"]).group(1)


def start_coverage_run(
    session: requests.Session, base: str, *, cell_size_m: int
) -> tuple[str, str]:
    """Launch an analysis from the coverage page; returns the run's public id and URL."""
    page = session.get(f"{base}/espace/couverture/{TERRITORY}/", timeout=30)
    started = session.post(
        f"{base}/espace/couverture/{TERRITORY}/lancer/",
        data={
            "cell_size_m": str(cell_size_m),
            "distance_basis": "route",
            "detour_factor": "1,3",
            "uncovered_beyond_km": "5",
            "csrfmiddlewaretoken": csrf_token(page.text),
        },
        headers={"Referer": page.url},
        allow_redirects=False,
        timeout=30,
    )
    assert started.status_code == 302
    url = started.headers["Location"]
    return url.rstrip("/").rsplit("/", 1)[1], url


def import_state(stack, public_id: str) -> dict:
    columns = ("status", "total", "processed", "created", "updated", "unchanged", "rejected")
    row = stack.sql(
        f"SELECT {', '.join(columns)}, error FROM places_importrun WHERE public_id = %s",
        [public_id],
    )[0]
    return dict(zip((*columns, "error"), row, strict=True))


def test_check_deploy_is_clean_with_the_production_settings(stack):
    # The stack runs over plain HTTP; the real deployment keeps HTTPS and secure cookies.
    output = stack.manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**stack.env, "SECURE_SSL_REDIRECT": "true", "SECURE_COOKIES": "true"},
    )
    assert "no issues" in output


def test_a_coordinators_day_on_the_production_stack(stack, smtp):
    base = stack.start_web("web", processes=2)
    stack.start_worker("worker-1")

    # Health: liveness, and readiness with the database, migrations and a live worker.
    assert requests.get(f"{base}/sante/", timeout=5).json() == {"statut": "ok"}
    ready = wait_until(
        lambda: (
            (answer := requests.get(f"{base}/sante/pret/", timeout=5)).json()["verifications"][
                "file_des_taches"
            ]["workers_actifs"]
            and answer
        ),
        timeout=30,
        what="a live worker in /sante/pret/",
    )
    assert ready.status_code == 200
    assert ready.json()["verifications"]["migrations"] == {"ok": True, "en_attente": 0}

    # Static files: hashed names, compressed, cached for a year.
    home = requests.get(f"{base}/", timeout=10)
    assert home.status_code == 200
    stylesheet = re.search(r'href="(/static/ui/css/aiguillage\.[0-9a-f]{12}\.css)"', home.text)
    assert stylesheet, "the page links no hashed stylesheet"
    css = requests.get(base + stylesheet.group(1), headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert css.status_code == 200
    assert css.headers["Content-Encoding"] in ("gzip", "br")
    assert "max-age=315360000" in css.headers["Cache-Control"]
    leaflet = re.search(
        r"/static/vendor/leaflet/leaflet\.[0-9a-f]{12}\.js",
        requests.get(f"{base}/lieux/?ou=Grenoble", timeout=10).text,
    )
    assert leaflet and requests.get(base + leaflet.group(0), timeout=10).status_code == 200

    # The public search, served by the production processes.
    api = requests.get(
        f"{base}/api/v1/lieux", params={"latitude": 45.19, "longitude": 5.72}, timeout=10
    )
    assert api.status_code == 200 and api.json()["count"] > 0
    page = requests.get(f"{base}/lieux/", params={"ou": "Grenoble (38000)"}, timeout=10)
    assert page.status_code == 200 and "lieux trouvés" in page.text
    first = re.search(r'href="(/lieux/[0-9a-f-]{36}/)"', page.text)
    assert first and requests.get(base + first.group(1), timeout=10).status_code == 200

    # An e-mail leaves through the worker and reaches the SMTP server.
    anonymous = requests.Session()
    form = anonymous.get(f"{base}/mot-de-passe/oublie/", timeout=10)
    reset = anonymous.post(
        f"{base}/mot-de-passe/oublie/",
        data={"email": COORDINATOR, "csrfmiddlewaretoken": csrf_token(form.text)},
        headers={"Referer": f"{base}/mot-de-passe/oublie/"},
        allow_redirects=False,
        timeout=10,
    )
    assert reset.status_code == 302
    wait_until(lambda: smtp.envelopes, timeout=30, what="the password reset e-mail")
    message = email.message_from_bytes(smtp.envelopes[-1].content)
    assert smtp.envelopes[-1].rcpt_tos == [COORDINATOR]
    assert (
        f"http://127.0.0.1:{base.rsplit(':', 1)[1]}/" in message.get_payload(decode=True).decode()
    )

    # An uploaded import, finished by the worker, reported on the page.
    session = logged_in_session(base, COORDINATOR)
    public_id = upload(session, base, places_file(300, prefix="day"), "lieux.csv")
    state = wait_until(
        lambda: (s := import_state(stack, public_id))["status"] == "done" and s,
        timeout=60,
        what="the import to finish",
    )
    assert state["total"] == state["processed"] == 300
    assert state["created"] == 270 and state["rejected"] == 30
    report = session.get(f"{base}/espace/imports/{public_id}/", timeout=10).text
    assert "Terminé" in report and "270 lieux créés" in report

    # A coverage run, computed by the worker.
    run_id, run_url = start_coverage_run(session, base, cell_size_m=500)
    wait_until(
        lambda: (
            stack.sql("SELECT status FROM coverage_coveragerun WHERE public_id = %s", [run_id])
            == [("done",)]
        ),
        timeout=240,
        what="the coverage run",
    )
    result = session.get(base + run_url, timeout=30)
    assert result.status_code == 200 and 'id="tableau"' in result.text
    stack.stop_all()


def test_an_import_survives_its_worker_killed_with_kill_9(stack):
    base = stack.start_web("web-kill", processes=2)
    stack.start_worker("worker-a")
    session = logged_in_session(base, COORDINATOR)
    rows = 6_000
    public_id = upload(session, base, places_file(rows, prefix="kill", seed=21), "gros-fichier.csv")

    wait_until(
        lambda: import_state(stack, public_id)["processed"] >= 300,
        timeout=60,
        what="the import to commit its first batches",
    )
    stack.kill("worker-a", signal.SIGKILL)
    interrupted = import_state(stack, public_id)
    assert interrupted["status"] == "running", interrupted
    assert 0 < interrupted["processed"] < rows, interrupted

    # Another worker notices the dead one (no heartbeat), takes the task up and finishes it.
    started = time.monotonic()
    stack.start_worker("worker-b")
    done = wait_until(
        lambda: (s := import_state(stack, public_id))["status"] in ("done", "failed") and s,
        timeout=120,
        what="the second worker to finish the import",
    )
    took = time.monotonic() - started
    assert done["status"] == "done", done
    # Every row accounted for exactly once.
    assert done["total"] == done["processed"] == rows
    assert done["created"] + done["updated"] + done["unchanged"] + done["rejected"] == rows
    assert done["rejected"] == rows // 10 and done["created"] == rows - rows // 10
    # Nothing doubled: one place, one source record and one history row per accepted row.
    [(sources, distinct_ids, places)] = stack.sql(
        "SELECT count(*), count(DISTINCT source_id), count(DISTINCT place_id) "
        "FROM places_placesource WHERE source_id LIKE 'kill-%%'"
    )
    assert sources == distinct_ids == places == done["created"]
    [(history,)] = stack.sql(
        "SELECT count(*) FROM places_placechange WHERE place_id IN "
        "(SELECT place_id FROM places_placesource WHERE source_id LIKE 'kill-%%')"
    )
    assert history == done["created"]
    [(run_pk,)] = stack.sql("SELECT id FROM places_importrun WHERE public_id = %s", [public_id])
    [(claims,)] = stack.sql(
        "SELECT worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE task_path LIKE '%%import_places' AND (args_kwargs->'args'->>0)::int = %s",
        [run_pk],
    )
    assert len(claims) == 2  # claimed by the killed worker, then by the second one
    print(f"import of {rows} rows finished {took:.1f} s after the second worker started")
    stack.stop_all()


def test_a_place_edited_through_one_web_process_is_found_changed_by_another(stack):
    first = stack.start_web("web-a", processes=1)
    second = stack.start_web("web-b", processes=1)
    centre = {"latitude": 45.19, "longitude": 5.72, "limit": 200}
    before = requests.get(f"{second}/api/v1/lieux", params=centre, timeout=10).json()
    place = next(item for item in before["results"] if item["horaires"])
    public_id = place["url"].rstrip("/").rsplit("/", 1)[1]
    # Sunday 03:30 next week: only the new hours open then.
    today = dt.date.today()
    sunday = today + dt.timedelta(days=(6 - today.weekday()) % 7 or 7)
    night = {**centre, "ouvert_a": f"{sunday.isoformat()}T03:30:00"}
    assert public_id not in {
        item["url"]
        for item in requests.get(f"{second}/api/v1/lieux", params=night).json()["results"]
        if item["ouvert"]
    }

    session = logged_in_session(first, COORDINATOR)
    edit_url = f"{first}/espace/lieux/{public_id}/modifier/"
    form = session.get(edit_url, timeout=10)
    assert form.status_code == 200
    values = [(k, v) for k, v in form_values(form.text, "") if k != "horaires"]
    values.append(("horaires", "Su 03:00-04:00"))
    saved = session.post(
        edit_url, data=values, headers={"Referer": edit_url}, allow_redirects=False, timeout=10
    )
    assert saved.status_code == 302, saved.text[:3000]

    after = requests.get(f"{second}/api/v1/lieux", params=night, timeout=10).json()
    found = {item["url"]: item for item in after["results"]}
    assert place["url"] in found
    assert found[place["url"]]["horaires"] == "Su 03:00-04:00"
    assert found[place["url"]]["ouvert"] is True
    stack.stop_all()


def test_a_database_restart_gives_a_french_503_then_recovers_by_itself(stack):
    relay = TcpRelay()
    relay.start()
    through_relay = stack.database_url.replace(":5432/", f":{relay.port}/")
    stack.env["DATABASE_URL"] = through_relay
    try:
        base = stack.start_web("web-restart", processes=2)
    finally:
        stack.env["DATABASE_URL"] = stack.database_url
    search = {"ou": "Grenoble (38000)"}
    assert requests.get(f"{base}/lieux/", params=search, timeout=10).status_code == 200

    relay.cut()  # PostgreSQL goes away: kept connections break, new ones are refused
    page = requests.get(f"{base}/lieux/", params=search, timeout=30)
    assert page.status_code == 503
    assert "Service momentanément indisponible" in page.text
    assert page.headers["Retry-After"] == "30"
    api = requests.get(f"{base}/api/v1/lieux", params={"latitude": 45.19, "longitude": 5.72})
    assert api.status_code == 503
    assert "indisponible" in api.json()["detail"]
    readiness = requests.get(f"{base}/sante/pret/", timeout=30)
    assert readiness.status_code == 503
    assert readiness.json()["verifications"]["base_de_donnees"]["ok"] is False

    relay.start()  # PostgreSQL is back: nothing is restarted on our side
    for _ in range(4):  # every web process finds its way back
        assert requests.get(f"{base}/lieux/", params=search, timeout=30).status_code == 200
        assert requests.get(f"{base}/sante/pret/", timeout=30).status_code in (200, 503)
    assert requests.get(f"{base}/sante/pret/", timeout=30).json()["verifications"][
        "base_de_donnees"
    ] == {"ok": True}
    relay.cut()
    stack.stop_all()


def test_a_coverage_run_survives_its_worker_killed_with_kill_9(stack):
    base = stack.start_web("web-coverage", processes=1)
    stack.start_worker("worker-c")
    session = logged_in_session(base, COORDINATOR)
    run_id, run_url = start_coverage_run(session, base, cell_size_m=200)

    def state() -> tuple:
        query = "SELECT status, progress FROM coverage_coveragerun WHERE public_id = %s"
        return stack.sql(query, [run_id])[0]

    wait_until(lambda: state()[0] == "running", timeout=60, what="the run to start")
    stack.kill("worker-c", signal.SIGKILL)
    assert state()[0] == "running"

    stack.start_worker("worker-d")
    wait_until(lambda: state()[0] in ("done", "failed"), timeout=240, what="the run to end")
    assert state() == ("done", 100)
    result = session.get(base + run_url, timeout=30)
    assert result.status_code == 200 and 'id="tableau"' in result.text
    stack.stop_all()


@pytest.mark.parametrize(
    "secret",
    ["court", "a" * 60, "django-insecure-" + "x1y2z3" * 10],
    ids=["short", "repetitive", "django-insecure"],
)
def test_a_weak_secret_key_stops_startup(stack, secret):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPOSITORY_ROOT,
        env={**stack.env, "SECRET_KEY": secret},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr
