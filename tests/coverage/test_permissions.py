"""Coverage pages belong to the territory's coordination: members get 403, others 404."""

from __future__ import annotations

import pytest
from django.urls import reverse


def _pages(run):
    slug, public_id = run.territory.slug, run.public_id
    return [
        reverse("coverage:overview", args=[slug]),
        reverse("coverage:parameters", args=[slug]),
        reverse("coverage:compare", args=[slug]),
        reverse("coverage:run_detail", args=[slug, public_id]),
        reverse("coverage:run_csv", args=[slug, public_id]),
        reverse("coverage:run_map", args=[slug, public_id]),
        reverse("coverage:suggestions", args=[slug, public_id]),
        reverse("coverage:scenario", args=[slug, public_id]),
    ]


def test_coordinator_of_the_territory_opens_every_page(client, coordinator, finished_run):
    client.force_login(coordinator)
    for url in _pages(finished_run):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["owner", "colleague_read_only"])
def test_members_of_the_territorys_structures_get_403(client, request, persona, finished_run):
    client.force_login(request.getfixturevalue(persona))
    for url in _pages(finished_run):
        assert client.get(url).status_code == 403, url
    start = reverse("coverage:run_start", args=[finished_run.territory.slug])
    assert client.post(start, {"cell_size_m": 200}).status_code == 403


def test_coordinator_of_another_territory_gets_404(client, other_coordinator, finished_run):
    client.force_login(other_coordinator)
    for url in _pages(finished_run):
        assert client.get(url).status_code == 404, url
    start = reverse("coverage:run_start", args=[finished_run.territory.slug])
    assert client.post(start, {"cell_size_m": 200}).status_code == 404


def test_a_run_is_not_found_under_another_territorys_address(
    client, other_coordinator, finished_run
):
    client.force_login(other_coordinator)
    url = reverse("coverage:run_detail", args=["ailleurs", finished_run.public_id])
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, finished_run):
    response = client.get(reverse("coverage:overview", args=[finished_run.territory.slug]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_dashboard_links_coordinators_to_the_coverage_page(client, coordinator, territory):
    client.force_login(coordinator)
    response = client.get(reverse("accounts:dashboard"))
    assert reverse("coverage:overview", args=[territory.slug]) in response.content.decode()
