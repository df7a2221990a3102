"""« Lancer l'analyse »: a background job with a progress bar, stored with its parameters."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from aiguillage.coverage.actions import RUN_SILENCE_LIMIT, start_coverage_run
from aiguillage.coverage.engine import CoverageSettings, DemandParameters
from aiguillage.coverage.models import CoverageRun, CoverageRunStatus
from aiguillage.coverage.storage import analysis_of


def test_launching_runs_the_analysis_and_shows_its_results(
    client, coordinator, coverage_territory, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = reverse("coverage:run_start", args=[coverage_territory.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "cell_size_m": "500",
                "distance_basis": "route",
                "detour_factor": "1,3",
                "uncovered_beyond_km": "5",
            },
        )
    run = CoverageRun.objects.get()
    assert response["Location"] == reverse(
        "coverage:run_detail", args=[coverage_territory.slug, run.public_id]
    )
    assert run.status == CoverageRunStatus.DONE
    assert run.progress == 100
    assert run.author == coordinator
    assert run.settings["cell_size_m"] == 500
    assert run.parameters == DemandParameters().to_dict()
    # Vif has no place helping with paperwork within 5 km: its people are uncovered.
    vif = next(
        row
        for row in run.table["communes"]
        if row["insee"] == "38545" and row["need"] == "demarches" and row["window"] == "tout-moment"
    )
    assert vif["people_in_difficulty"] > 0
    assert vif["uncovered"] == vif["people_in_difficulty"]
    assert (Path(settings.MEDIA_ROOT) / run.result_file).exists()
    page = client.get(response["Location"]).content.decode()
    assert 'id="tableau"' in page
    assert "Vif" in page


def test_progress_fragment_keeps_polling_while_the_run_works(client, coordinator, finished_run):
    CoverageRun.objects.filter(pk=finished_run.pk).update(
        status=CoverageRunStatus.RUNNING, progress=40, message="Calcul des tableaux"
    )
    client.force_login(coordinator)
    url = reverse("coverage:run_detail", args=[finished_run.territory.slug, finished_run.public_id])
    page = client.get(url).content.decode()
    assert 'id="run-progress"' in page
    assert 'value="40"' in page
    assert "Actualiser la page" in page  # works without JavaScript
    fragment = client.get(url + "?fragment=progress", HTTP_HX_REQUEST="true")
    assert "every 1s" in fragment.content.decode()
    assert "Calcul des tableaux" in fragment.content.decode()
    assert "HX-Refresh" not in fragment


def test_finished_run_fragment_asks_for_a_full_reload(client, coordinator, finished_run):
    client.force_login(coordinator)
    url = reverse("coverage:run_detail", args=[finished_run.territory.slug, finished_run.public_id])
    fragment = client.get(url + "?fragment=progress", HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    assert "every 1s" not in fragment.content.decode()


def test_a_second_launch_while_one_runs_is_refused(client, coordinator, finished_run):
    CoverageRun.objects.filter(pk=finished_run.pk).update(status=CoverageRunStatus.RUNNING)
    client.force_login(coordinator)
    url = reverse("coverage:run_start", args=[finished_run.territory.slug])
    response = client.post(
        url,
        {
            "cell_size_m": "500",
            "distance_basis": "route",
            "detour_factor": "1,3",
            "uncovered_beyond_km": "5",
        },
    )
    assert response.status_code == 302
    assert CoverageRun.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Une analyse de ce territoire est déjà en cours" in page


def test_a_run_silent_for_too_long_is_closed_and_a_new_one_starts(
    client, coordinator, finished_run, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - RUN_SILENCE_LIMIT * 2
    CoverageRun.objects.filter(pk=finished_run.pk).update(
        status=CoverageRunStatus.RUNNING, updated_at=long_ago
    )
    client.force_login(coordinator)
    url = reverse("coverage:run_start", args=[finished_run.territory.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "cell_size_m": "1000",
                "distance_basis": "vol-oiseau",
                "detour_factor": "1",
                "uncovered_beyond_km": "2",
            },
        )
    finished_run.refresh_from_db()
    assert finished_run.status == CoverageRunStatus.FAILED
    assert "interrompue" in finished_run.error
    latest = CoverageRun.objects.first()
    assert latest.status == CoverageRunStatus.DONE
    assert latest.settings["distance_basis"] == "vol-oiseau"


def test_bad_settings_are_refused_in_french(client, coordinator, coverage_territory):
    client.force_login(coordinator)
    url = reverse("coverage:run_start", args=[coverage_territory.slug])
    response = client.post(
        url,
        {
            "cell_size_m": "500",
            "distance_basis": "route",
            "detour_factor": "0,5",
            "uncovered_beyond_km": "5",
        },
    )
    assert not CoverageRun.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Saisissez une valeur entre 1 et 3." in page


def test_stored_analysis_reads_back_with_the_same_table(finished_run):
    analysis = analysis_of(finished_run)
    assert analysis.table.to_dict() == finished_run.table
    assert analysis.grid.cell_count == finished_run.summary["cells"]


def test_a_run_that_fails_says_so(coordinator, territory, django_capture_on_commit_callbacks):
    territory.communes.all().delete()  # nothing to analyse: trying again cannot help
    with django_capture_on_commit_callbacks(execute=True):
        start_coverage_run(actor=coordinator, territory=territory, settings=CoverageSettings())
    run = CoverageRun.objects.get()
    assert run.status == CoverageRunStatus.FAILED
    assert "aucune commune" in run.error
    assert "Échec après" not in run.error  # given up at once, not after retries
