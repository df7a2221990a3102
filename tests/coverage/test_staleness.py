"""A run goes « à actualiser » when places change after it; a nightly command re-runs it."""

from __future__ import annotations

from django.core.management import call_command
from django.urls import reverse

from aiguillage.coverage.models import CoverageRun, CoverageRunStatus
from aiguillage.places.actions import update_place
from aiguillage.places.models import Place
from aiguillage.shared_data import REPOSITORY_ROOT


def test_a_fresh_run_is_up_to_date(client, coordinator, finished_run):
    assert finished_run.changed_places_count() == 0
    client.force_login(coordinator)
    page = client.get(reverse("coverage:overview", args=[finished_run.territory.slug]))
    assert "À actualiser" not in page.content.decode()


def test_changing_a_place_marks_the_run_to_refresh_with_a_button(client, coordinator, finished_run):
    place = Place.objects.get(nom="Centre social Chorier")
    update_place(actor=coordinator, place=place, values={"horaires": "Sa 09:00-12:00"})
    assert finished_run.changed_places_count() == 1
    client.force_login(coordinator)
    for url in (
        reverse("coverage:overview", args=[finished_run.territory.slug]),
        reverse("coverage:run_detail", args=[finished_run.territory.slug, finished_run.public_id]),
    ):
        page = client.get(url).content.decode()
        assert "À actualiser" in page
        assert "1 lieu a changé" in page
    detail = client.get(
        reverse("coverage:run_detail", args=[finished_run.territory.slug, finished_run.public_id])
    ).content.decode()
    assert "Relancer l'analyse avec les mêmes réglages" in detail


def test_refresh_button_reruns_with_the_same_settings(
    client, coordinator, finished_run, django_capture_on_commit_callbacks
):
    place = Place.objects.get(nom="Centre social Chorier")
    update_place(actor=coordinator, place=place, values={"horaires": "Sa 09:00-12:00"})
    client.force_login(coordinator)
    url = reverse("coverage:run_start", args=[finished_run.territory.slug])
    settings = finished_run.settings
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "cell_size_m": str(int(settings["cell_size_m"])),
                "distance_basis": settings["distance_basis"],
                "detour_factor": "1,3",
                "uncovered_beyond_km": "5",
            },
        )
    latest = CoverageRun.objects.first()
    assert latest.pk != finished_run.pk and latest.status == CoverageRunStatus.DONE
    assert latest.changed_places_count() == 0


def test_command_reruns_only_out_of_date_territories(
    coordinator, finished_run, capsys, django_capture_on_commit_callbacks
):
    call_command("run_coverage", "--wet-run")
    assert CoverageRun.objects.count() == 1  # nothing changed
    place = Place.objects.get(nom="Centre social Chorier")
    update_place(actor=coordinator, place=place, values={"horaires": "Sa 09:00-12:00"})
    call_command("run_coverage")
    assert "analyse à relancer" in capsys.readouterr().out
    assert CoverageRun.objects.count() == 1  # a dry run changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_coverage", "--territory", finished_run.territory.siren, "--wet-run")
    latest = CoverageRun.objects.first()
    assert CoverageRun.objects.count() == 2
    assert latest.status == CoverageRunStatus.DONE
    assert latest.settings == finished_run.settings


def test_the_command_is_scheduled():
    schedule = (REPOSITORY_ROOT / "deploy" / "schedule").read_text()
    assert "manage.py run_coverage --wet-run" in schedule
