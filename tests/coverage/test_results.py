"""The results page: a table sorted by query string (no JavaScript), CSV export, map data."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.coverage.actions import start_coverage_run
from aiguillage.coverage.engine import CoverageSettings
from aiguillage.journal.models import JournalEntry
from aiguillage.referrals.models import Referral
from aiguillage.territories.models import Commune
from tests import factories


def _detail(run, **query):
    url = reverse("coverage:run_detail", args=[run.territory.slug, run.public_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _row_names(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row">([^<]+)</th>', body)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("commune", ["Échirolles", "Grenoble", "Vif"]),
        ("-commune", ["Vif", "Grenoble", "Échirolles"]),
        ("-population", ["Grenoble", "Échirolles", "Vif"]),
        ("population", ["Vif", "Échirolles", "Grenoble"]),
        ("-sans-aide", ["Échirolles", "Vif", "Grenoble"]),  # Échirolles: 5.6 km by road
    ],
)
def test_table_is_sorted_by_the_chosen_column(client, coordinator, finished_run, sort, expected):
    client.force_login(coordinator)
    page = client.get(_detail(finished_run, besoin="demarches", tri=sort)).content.decode()
    assert _row_names(page) == expected


def test_sorted_column_is_announced_and_its_link_reverses_the_order(
    client, coordinator, finished_run
):
    client.force_login(coordinator)
    page = client.get(_detail(finished_run, besoin="demarches", tri="-population")).content
    page = page.decode()
    link = '<a href="?besoin=demarches&amp;creneau=tout-moment&amp;tri=population"'
    assert f'aria-sort="descending">{link}' in page
    assert page.count("aria-sort=") == 1


def test_unknown_choices_fall_back_to_the_defaults(client, coordinator, finished_run):
    client.force_login(coordinator)
    response = client.get(_detail(finished_run, besoin="nimporte", creneau="jamais", tri="x"))
    assert response.status_code == 200
    assert _row_names(response.content.decode())[0] == "Échirolles"  # most uncovered first


def test_time_window_changes_who_is_covered(client, coordinator, finished_run):
    """The Échirolles library helps with everyday tools Tuesday to Friday, never on Saturday."""
    client.force_login(coordinator)
    weekday = client.get(_detail(finished_run, besoin="quotidien", creneau="semaine-journee"))
    saturday = client.get(_detail(finished_run, besoin="quotidien", creneau="samedi"))
    assert "Échirolles : " not in weekday.content.decode().split('id="communes-sans-aide"')[1][:600]
    assert "Échirolles : " in saturday.content.decode().split('id="communes-sans-aide"')[1][:600]


def test_csv_export_has_every_need_window_and_commune(client, coordinator, finished_run):
    client.force_login(coordinator)
    url = reverse("coverage:run_csv", args=[finished_run.territory.slug, finished_run.public_id])
    response = client.get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["code INSEE", "commune", "besoin", "créneau"]
    assert "à moins de 5 km par la route (estimation)" in rows[0]
    assert len(rows) == 1 + (3 + 1) * 2 * 4  # communes and total × needs × windows
    assert any(row[1] == "Vif" and row[2] == "Aide aux démarches administratives" for row in rows)
    assert JournalEntry.objects.filter(event="coverage_exported").count() == 1


def test_map_data_has_the_uncovered_cells_and_the_places(client, coordinator, finished_run):
    client.force_login(coordinator)
    url = reverse("coverage:run_map", args=[finished_run.territory.slug, finished_run.public_id])
    layer = client.get(url + "?besoin=demarches&creneau=tout-moment").json()
    assert layer["cells"], "Vif's cells are beyond 5 km"
    south, west, north, east, people, shade = layer["cells"][0]
    assert south < north and west < east and people > 0 and 0 <= shade <= 4
    assert any(cell[0] < 45.07 for cell in layer["cells"])  # Vif, far south
    # Nobody is uncovered around the place in Grenoble's centre.
    assert not any(45.17 < cell[0] < 45.19 and 5.70 < cell[1] < 5.73 for cell in layer["cells"])
    assert [place["name"] for place in layer["places"]] == ["Centre social Chorier"]
    assert len(layer["outlines"]) == 3


def test_results_page_links_the_map_to_the_chosen_need_and_window(
    client, coordinator, finished_run
):
    client.force_login(coordinator)
    page = client.get(_detail(finished_run, besoin="quotidien", creneau="samedi")).content.decode()
    assert "carte.json?besoin=quotidien&amp;creneau=samedi" in page
    assert 'aria-hidden="true" data-js-coverage-map' in page


def test_observed_referrals_are_shown_beside_the_estimate_and_small_counts_masked(
    client, coordinator, finished_run, organisation
):
    vif = Commune.objects.get(insee_code="38545")
    place = finished_run.territory.places.filter(is_published=True).first()
    for _ in range(2):
        make_referral(finished_run.territory, organisation, place, vif)
    client.force_login(coordinator)
    page = client.get(_detail(finished_run, besoin="demarches")).content.decode()
    assert "Orientations reçues (observé)" in page
    assert "&lt; 5" in page


def make_referral(territory, organisation, place, commune):
    user = factories.MembershipFactory(organisation=organisation).user
    Referral.objects.create(
        territory=territory,
        sender_organisation=organisation,
        sent_by=user,
        receiver_organisation=organisation,
        place=place,
        origin_commune=commune,
        last_activity_at=timezone.now(),
    )


def test_overview_lists_past_runs_with_a_fixed_number_of_queries(
    client, coordinator, finished_run, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url = reverse("coverage:overview", args=[finished_run.territory.slug])
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert "Analyses précédentes" in page
    assert finished_run.get_status_display() in page


def test_two_runs_are_compared_commune_by_commune(
    client, coordinator, finished_run, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        second = start_coverage_run(
            actor=coordinator,
            territory=finished_run.territory,
            settings=CoverageSettings(
                cell_size_m=500, needs=("demarches", "quotidien"), uncovered_beyond_m=10_000
            ),
        )
    client.force_login(coordinator)
    url = reverse("coverage:compare", args=[finished_run.territory.slug])
    response = client.get(url, {"avant": finished_run.public_id, "apres": second.public_id})
    page = response.content.decode()
    assert "Ce champ est obligatoire" not in page  # need and window take their defaults
    differences = response.context["differences"]
    assert differences[0].insee == ""  # the territory first
    vif = next(row for row in differences if row.name == "Vif")
    assert vif.before > 0 and vif.after == vif.before  # 15 km from help either way
    echirolles = next(row for row in differences if row.name == "Échirolles")
    assert echirolles.after == 0 < echirolles.before  # within 10 km, not within 5
    assert "pas les mêmes réglages" in page
