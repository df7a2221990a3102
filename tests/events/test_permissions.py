"""Who reaches each event page (``events.permissions``): the organiser's members run the
event; its partner structures and the territory's coordinators read it (403 on changes);
other structures, of this territory or another, get 404; anonymous visitors go to the login
page. A refused POST changes nothing."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from aiguillage.events.models import EventStatus
from aiguillage.events.permissions import can_manage_event, can_view_event

pytestmark = pytest.mark.django_db
READ = ("event_detail",)
WRITE = ("event_edit", "event_cancel", "event_attendance")
LOGIN = reverse(settings.LOGIN_URL)


@pytest.fixture
def people(
    owner,
    colleague_read_only,
    partner_member,
    coordinator,
    staff,
    outsider,
    stranger,
    far_coordinator,
):
    return {
        "owner": owner,
        "colleague": colleague_read_only,
        "partner": partner_member,
        "coordinator": coordinator,
        "staff": staff,
        "outsider": outsider,
        "stranger": stranger,
        "far_coordinator": far_coordinator,
    }


# Who gets what on an event of the library (with the partner structure as partner).
EXPECTED = {
    "owner": {"read": 200, "write": 200},
    "colleague": {"read": 200, "write": 200},
    "partner": {"read": 200, "write": 403},
    "coordinator": {"read": 200, "write": 403},
    "staff": {"read": 200, "write": 403},
    "outsider": {"read": 404, "write": 404},
    "stranger": {"read": 404, "write": 404},
    "far_coordinator": {"read": 404, "write": 404},
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_persona_gets_what_its_rule_says_on_every_event_page(client, people, past_event, who):
    client.force_login(people[who])
    for name in READ + WRITE:
        url = reverse(f"events:{name}", args=[past_event.public_id])
        wanted = EXPECTED[who]["read" if name in READ else "write"]
        assert client.get(url).status_code == wanted, (name, who)


@pytest.mark.parametrize("who", ["partner", "coordinator", "staff", "outsider", "stranger"])
def test_a_refused_post_changes_nothing(client, people, past_event, who):
    client.force_login(people[who])
    for name in WRITE:
        url = reverse(f"events:{name}", args=[past_event.public_id])
        response = client.post(url, {"habitants": "12", "title": "Piraté", "reason": "non"})
        assert response.status_code in (403, 404), (name, who)
    past_event.refresh_from_db()
    assert past_event.status == EventStatus.PLANNED
    assert past_event.title == "Connectons-nous !"
    assert not past_event.attendances.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, past_event):
    urls = [reverse("events:event_list"), reverse("events:event_create")]
    urls += [reverse(f"events:{n}", args=[past_event.public_id]) for n in READ + WRITE]
    urls.append(reverse("events:territory_summary", args=["test"]))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == LOGIN


def test_an_unknown_event_is_a_404(client, owner):
    client.force_login(owner)
    url = reverse("events:event_detail", args=["6f0c9f4e-1f55-4f1e-9a55-0d6c1c2f0a11"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("partner", 200),
        ("coordinator", 200),  # a coordinator without a structure: the territory's events
        ("far_coordinator", 200),
        ("staff", 403),  # no structure, no territory of their own
    ],
)
def test_the_list_needs_a_structure_or_a_coordinated_territory(client, people, who, status):
    client.force_login(people[who])
    assert client.get(reverse("events:event_list")).status_code == status


@pytest.mark.parametrize(("who", "status"), [("owner", 200), ("coordinator", 403)])
def test_creating_needs_a_structure(client, people, who, status):
    client.force_login(people[who])
    assert client.get(reverse("events:event_create")).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("staff", 200),
        ("owner", 403),  # a structure of the territory: it exists, but is not theirs to see
        ("partner", 403),
        ("stranger", 404),
        ("far_coordinator", 404),
    ],
)
def test_the_territory_summary_is_the_coordination_s(client, people, who, status):
    client.force_login(people[who])
    url = reverse("events:territory_summary", args=["test"])
    assert client.get(url).status_code == status


def test_the_predicates_match_the_pages(people, past_event):
    assert can_manage_event(people["colleague"], past_event)
    assert not can_manage_event(people["partner"], past_event)
    assert can_view_event(people["partner"], past_event)
    assert can_view_event(people["coordinator"], past_event)
    assert not can_view_event(people["outsider"], past_event)
    assert not can_view_event(people["far_coordinator"], past_event)


def test_partners_and_coordinators_see_no_button_to_change_the_event(client, people, past_event):
    for who in ("partner", "coordinator"):
        client.force_login(people[who])
        page = client.get(reverse("events:event_detail", args=[past_event.public_id]))
        text = page.content.decode()
        assert reverse("events:event_edit", args=[past_event.public_id]) not in text
        assert reverse("events:event_attendance", args=[past_event.public_id]) not in text
