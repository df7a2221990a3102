"""The territory's summary for its coordinators (events per year, people per audience, small
counts masked) and the « Événements à venir » section of the public workshops page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.disclosure import MASKED
from aiguillage.events.actions import cancel_event, create_event, record_event_attendance
from aiguillage.events.statistics import territory_summary
from tests.events.conftest import local, values

pytestmark = pytest.mark.django_db
SUMMARY = reverse("events:territory_summary", args=["test"])
PUBLIC = reverse("workshops:public_list", args=["test"])


@pytest.fixture
def history(owner, outsider, new_event, other_organisation, territory):
    """Last year: a conference (30 habitants, 3 élus) and a cancelled forum; this year: an
    awareness day of the social centre (20 parents); and one event still to come."""
    conference = new_event(days=-380, kind="conference", title="Conférence de lancement")
    record_event_attendance(actor=owner, event=conference, counts={"habitants": 30, "elus": 3})
    cancel_event(actor=owner, event=new_event(days=-370, kind="forum", title="Forum annulé"))
    day = create_event(
        actor=outsider, organisation=other_organisation, values=values(territory, days=-2)
    )
    record_event_attendance(actor=outsider, event=day, counts={"parents": 20})
    new_event(days=30, title="Forum à venir", is_public=True)
    return territory


def test_the_summary_counts_per_year_and_audience_with_small_counts_masked(history):
    summary = territory_summary(history)
    this_year, last_year = local(history, -2, 14).year, local(history, -380, 14).year
    rows = {row.year: row for row in summary.year_rows}
    assert (rows[last_year].events, rows[last_year].counted) == (1, 1)  # cancelled: not counted
    assert rows[this_year].counted == 1
    cells = {row.label: row.cells for row in summary.audience_rows}
    assert set(cells) == {"Habitants", "Parents", "Élus"}
    assert cells["Élus"][summary.years.index(last_year)] == MASKED
    assert cells["Élus"][-1] == MASKED
    # The 3 can be worked out from nothing shown: masking may hide more, never less.
    shown = [c for row in [*summary.audience_rows, summary.total_row] for c in row.cells]
    assert "3" not in shown
    assert summary.total_row.cells[-1] == "53"


def test_the_coordinator_reads_the_summary_page(client, coordinator, history):
    client.force_login(coordinator)
    page = client.get(SUMMARY).content.decode()
    assert "Personnes venues par public" in page
    assert "&lt; 5" in page
    assert "Conférence de lancement" in page or "Forum à venir" in page


def test_the_summary_lists_the_events_of_the_year_asked(client, coordinator, history):
    client.force_login(coordinator)
    year = local(history, -380, 14).year
    page = client.get(SUMMARY, {"annee": year}).content.decode()
    assert "Conférence de lancement" in page and "Forum annulé" in page
    for bad in ("abc", "1900", "9" * 30):
        assert client.get(SUMMARY, {"annee": bad}).status_code == 200


def test_an_empty_territory_s_summary_says_how_events_get_there(client, coordinator):
    client.force_login(coordinator)
    page = client.get(SUMMARY).content.decode()
    assert "Aucun événement noté sur le territoire." in page


def test_the_public_page_lists_published_coming_events_only(client, history, new_event):
    new_event(days=10, title="Journée privée")  # not published
    cancel_event(
        actor=history.events.first().created_by,
        event=new_event(days=12, title="Journée annulée", is_public=True),
    )
    page = client.get(PUBLIC).content.decode()
    assert "Événements à venir" in page
    assert "Forum à venir" in page
    for hidden in ("Journée privée", "Journée annulée", "Conférence de lancement"):
        assert hidden not in page


def test_the_public_page_has_no_event_section_without_events(client, territory):
    assert "Événements à venir" not in client.get(PUBLIC).content.decode()
