"""The public place search shows « Ateliers près de chez vous cette semaine »: the published
sessions of the coming 7 days at the places found or near the searched commune, in one query,
and nothing about the people enrolled."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aiguillage.places.search_sections import SearchedArea
from aiguillage.workshops import actions, rules
from aiguillage.workshops.models import Session
from aiguillage.workshops.search_section import sessions_this_week
from tests import factories
from tests.workshops import factories as wf

pytestmark = pytest.mark.django_db

SEARCH = reverse("places:search")
HEADING = "Ateliers près de chez vous cette semaine"


def _search(client, **params) -> str:
    response = client.get(SEARCH, {"ou": "Grenoble", **params})
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str) -> str:
    found = re.search(r'<section class="search-sessions".*?</section>', html, re.S)
    return found.group(0) if found else ""


def _titles(html: str) -> list[str]:
    titles = re.findall(r'<h3 class="result-title">([^<]+)</h3>', _section(html))
    return [unescape(title) for title in titles]


def test_a_published_session_of_the_week_is_shown_without_anyone_s_name(
    client, owner, organisation, place, territory
):
    session = wf.session(owner, organisation, place=place, days=5, capacity=3, title="Tablette")
    wf.enrol(owner, organisation, session, "Zoubida")

    html = _search(client)

    section = _section(html)
    assert HEADING in section
    assert _titles(html) == ["Tablette"]
    day = rules.day_text(session.starts_at.astimezone(territory.tz).date())
    assert f"{day.capitalize()}, 14\u00a0h – 16\u00a0h" in section
    assert reverse("places:place_detail", args=[place.public_id]) in section
    assert "Médiathèque Kateb Yacine" in section
    assert "Gratuit" in section and "2 places libres" in section
    assert f'href="{reverse("workshops:public_list", args=[territory.slug])}"' in section
    assert "Zoubida" not in html


@pytest.mark.parametrize("days, shown", [(1, True), (7, True), (8, False), (30, False)])
def test_the_week_is_today_and_the_seven_days_after_it(
    client, owner, organisation, place, days, shown
):
    wf.session(owner, organisation, place=place, days=days)

    assert (_titles(_search(client)) == ["Premiers pas sur ordinateur"]) is shown


def test_tomorrow_is_named(client, owner, organisation, place, territory):
    session = wf.session(owner, organisation, place=place, days=1, title="Demain")

    day = rules.day_text(session.starts_at.astimezone(territory.tz).date())
    assert f"Demain, {day}, 14\u00a0h – 16\u00a0h" in _section(_search(client))


def test_cancelled_unpublished_and_past_sessions_are_left_out(client, owner, organisation, place):
    cancelled = wf.session(owner, organisation, place=place, days=2, title="Annulée")
    actions.cancel_session(actor=owner, session=cancelled)
    wf.session(owner, organisation, place=place, days=3, title="Cachée", is_published=False)
    past = wf.session(owner, organisation, place=place, days=4, title="Passée")
    wf.shift_to_past([past])

    html = _search(client)

    assert HEADING not in html
    for title in ("Annulée", "Cachée", "Passée"):
        assert title not in html


def test_a_session_of_another_territory_is_left_out(client, owner, organisation, place):
    elsewhere = factories.TerritoryFactory(name="Voisin", slug="voisin", siren="200000998")
    host = factories.OrganisationFactory(name="Ailleurs", territory=elsewhere)
    author = factories.MembershipFactory(organisation=host, manager=True).user
    # Same coordinates as the place of this territory: only the territory differs.
    there = factories.PlaceFactory(territory=elsewhere, organisation=host, nom="Là-bas")
    wf.session(author, host, place=there, days=2, title="D'ailleurs")
    wf.session(owner, organisation, place=place, days=2, title="D'ici")

    assert _titles(_search(client)) == ["D'ici"]


def test_a_session_near_the_commune_shows_even_when_no_place_fits_the_criteria(
    client, owner, organisation, place
):
    wf.session(owner, organisation, place=place, days=2, title="Tout près")

    html = _search(client, services="parentalite")

    assert "Aucun lieu ne correspond" in html
    assert _titles(html) == ["Tout près"]


def test_sessions_come_by_start_then_distance_ten_at_most(
    client, owner, organisation, place, territory
):
    farther = factories.PlaceFactory(
        territory=territory, organisation=organisation, nom="Plus loin", latitude=45.23
    )
    wf.session(owner, organisation, place=farther, days=2, title="Loin, même heure")
    wf.session(owner, organisation, place=place, days=2, title="Près, même heure")
    wf.session(owner, organisation, place=farther, days=1, title="La veille")
    for days in range(3, 7):
        for hour in (9, 11):
            wf.session(owner, organisation, place=place, days=days, hour=hour, title=f"J{days}")

    titles = _titles(_search(client))

    assert titles[:3] == ["La veille", "Près, même heure", "Loin, même heure"]
    assert len(titles) == 10


def test_a_cycle_s_session_counts_the_cycle_s_seats(client, owner, organisation, place):
    cycle = wf.cycle(owner, organisation, place=place, sessions=2, first_day=3, capacity=1)
    wf.enrol(owner, organisation, cycle, "Ali")

    section = _section(_search(client))

    assert "Complet" in section
    assert "Séance d'un cycle : on s'inscrit pour tout le cycle" in section


def test_only_the_first_page_of_results_shows_the_section(client, owner, organisation, place):
    wf.session(owner, organisation, place=place, days=2)
    for index in range(25):
        factories.PlaceFactory(territory=place.territory, nom=f"Lieu {index}")

    assert HEADING in _search(client)
    assert HEADING not in _search(client, page="2")


def test_the_htmx_results_carry_the_section(client, owner, organisation, place):
    wf.session(owner, organisation, place=place, days=2, title="Par htmx")

    response = client.get(
        SEARCH, {"ou": "Grenoble"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )

    assert "Par htmx" in _section(response.content.decode())


def test_the_section_is_one_query_whatever_the_number_of_sessions(
    owner, organisation, place, territory, django_assert_num_queries
):
    for days in range(1, 6):
        session = wf.session(owner, organisation, place=place, days=days)
        wf.enrol(owner, organisation, session, f"Personne {days}")
    wf.cycle(owner, organisation, place=place, sessions=2, first_day=2)
    area = SearchedArea(
        place_ids=(place.pk,), latitude=45.1824, longitude=5.7155,
        territory_id=territory.pk, tz=territory.tz,
    )  # fmt: skip

    with django_assert_num_queries(1):
        template, context = sessions_this_week(area, timezone.now())

    # Five stand-alone sessions and the cycle's first one (its second is in nine days).
    assert len(context["rows"]) == 6


def test_the_search_page_costs_one_query_more_whatever_the_number_of_sessions(
    client, owner, organisation, place
):
    wf.session(owner, organisation, place=place, days=1)
    _search(client)  # the search index is built once
    with CaptureQueriesContext(connection) as one:
        _search(client)
    for days in range(2, 7):
        wf.session(owner, organisation, place=place, days=days)
    with CaptureQueriesContext(connection) as six:
        html = _search(client)

    assert len(_titles(html)) == 6
    assert len(six) == len(one)
    assert sum("workshops_session" in query["sql"] for query in six.captured_queries) == 1
    assert Session.objects.count() == 6
