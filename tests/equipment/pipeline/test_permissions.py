"""Who reaches each page of the pipeline: anonymous visitors, members of the partner
structures (the lead and the collector), a structure of the territory that is not a partner,
the territory's coordinator, a structure of another territory, and staff.

Outsiders get 404 (existence hidden); the coordinator and staff read everything and get 403
on every page or POST that changes something, like the workshops' organiser pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from aiguillage.equipment import exchange_actions
from aiguillage.equipment.models import Collection, Device, Donor, Exchange

pytestmark = pytest.mark.django_db
PERSONAS = ["anonymous", "partner", "collector", "outsider", "coordinator", "stranger", "staff"]


@pytest.fixture
def world(programme, donor, collection, device, partner, refurbisher_org):
    contact = donor.contacts.create(name="Claire Martin", phone="04 79 00 00 00")
    exchange = exchange_actions.record_exchange(
        actor=partner, programme=programme, partner=refurbisher_org, direction="recu",
        on=dt.date(2026, 2, 1), quantity=4,
    )  # fmt: skip
    return {
        "programme": {"public_id": programme.public_id},
        "donor": {"public_id": donor.public_id},
        "contact": {"public_id": donor.public_id, "contact_id": contact.pk},
        "collection": {"public_id": collection.public_id},
        "device": {"public_id": device.public_id},
        "exchange": {"public_id": exchange.public_id},
        None: {},
    }


def _status(request, persona: str, method: str, url: str) -> int:
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.post(url, {}) if method == "post" else client.get(url)
    if response.status_code == 302 and "/connexion/" in response["Location"]:
        return 401  # sent to the login page
    return response.status_code


# Expected status per persona, in PERSONAS order.
LIST = [401, 200, 200, 200, 200, 200, 200]  # one's own programmes (maybe none)
READ = [401, 200, 200, 404, 200, 404, 200]
WRITE = [401, 200, 200, 404, 403, 404, 403]
WRITE_POST = [401, 400, 400, 404, 403, 404, 403]  # an empty POST: the form says what is missing
CASES = [
    ("programme_list", None, "get", LIST),
    ("programme_home", "programme", "get", READ),
    ("donor_list", "programme", "get", READ),
    ("donor_create", "programme", "get", WRITE),
    ("donor_create", "programme", "post", WRITE_POST),
    ("donor_detail", "donor", "get", READ),
    ("donor_edit", "donor", "get", WRITE),
    ("donor_edit", "donor", "post", WRITE_POST),
    ("contact_create", "donor", "get", WRITE),
    ("contact_create", "donor", "post", WRITE_POST),
    ("contact_edit", "contact", "get", WRITE),
    ("contact_edit", "contact", "post", WRITE_POST),
    ("collection_list", "programme", "get", READ),
    ("collection_create", "programme", "get", WRITE),
    ("collection_create", "programme", "post", WRITE_POST),
    ("collection_detail", "collection", "get", READ),
    ("collection_receipt", "collection", "get", READ),
    ("device_register", "collection", "get", WRITE),
    ("device_register", "collection", "post", WRITE_POST),
    ("device_list", "programme", "get", READ),
    ("device_detail", "device", "get", READ),
    ("device_move", "device", "post", WRITE_POST),
    ("device_move", "device", "get", [401, 405, 405, 405, 405, 405, 405]),
    ("exchange_list", "programme", "get", READ),
    ("exchange_create", "programme", "get", WRITE),
    ("exchange_create", "programme", "post", WRITE_POST),
    ("exchange_device_register", "exchange", "get", WRITE),
    ("exchange_device_register", "exchange", "post", WRITE_POST),
    ("stock_stats", "programme", "get", READ),
    ("stock_stats_csv", "programme", "get", READ),
]


@pytest.mark.parametrize(("name", "key", "method", "expected"), CASES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reaches_what_it_may(request, world, name, key, method, expected, persona):
    url = reverse(f"equipment:{name}", kwargs=world[key])
    assert _status(request, persona, method, url) == expected[PERSONAS.index(persona)]


def test_every_pipeline_route_is_covered_here():
    from aiguillage.equipment.urls_pipeline import urlpatterns

    assert {p.name for p in urlpatterns} == {name for name, *_ in CASES}


@pytest.mark.parametrize("persona", ["coordinator", "staff"])
def test_readers_change_nothing_with_a_full_post(request, world, persona, device, donor):
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    before = (Collection.objects.count(), Device.objects.count(), Exchange.objects.count())
    posts = [
        (
            "device_move",
            world["device"],
            {"to": "recycle", "recycled_reason": "x", "recycler": "y"},
        ),
        ("donor_edit", world["donor"], {"name": "Renommé", "kind": "entreprise"}),
        ("device_register", world["collection"], {"device_type": "portable"}),
        ("exchange_create", world["programme"], {"direction": "donne", "quantity": 1}),
    ]
    for name, kwargs, data in posts:
        response = client.post(reverse(f"equipment:{name}", kwargs=kwargs), data)
        assert response.status_code == 403, name
    device.refresh_from_db()
    assert device.state == "collecte"
    assert Donor.objects.get(pk=donor.pk).name == "Conseil départemental"
    assert (Collection.objects.count(), Device.objects.count(), Exchange.objects.count()) == before


def test_the_coordinator_sees_no_form(client, world, coordinator, device, programme):
    client.force_login(coordinator)
    home = client.get(reverse("equipment:programme_home", kwargs=world["programme"]))
    assert "Enregistrer une collecte" not in home.content.decode()
    assert "consultation seule" in home.content.decode()
    page = client.get(reverse("equipment:device_detail", kwargs=world["device"])).content.decode()
    assert reverse("equipment:device_move", kwargs=world["device"]) not in page
    assert "Étape suivante" not in page


def test_the_partner_sees_the_forms(client, world, partner):
    client.force_login(partner)
    page = client.get(reverse("equipment:device_detail", kwargs=world["device"])).content.decode()
    assert reverse("equipment:device_move", kwargs=world["device"]) in page


def test_programme_list_shows_only_ones_programmes(client, world, programme, outsider, partner):
    client.force_login(outsider)
    assert "Pratique" not in client.get(reverse("equipment:programme_list")).content.decode()
    client.force_login(partner)
    assert "Pratique" in client.get(reverse("equipment:programme_list")).content.decode()


def test_a_malformed_contact_of_another_donor_is_404(client, world, partner, programme):
    other = Donor.objects.create(programme=programme, name="Autre", kind="entreprise")
    contact = other.contacts.create(name="X", phone="1")
    client.force_login(partner)
    url = reverse("equipment:contact_edit", kwargs={**world["donor"], "contact_id": contact.pk})
    assert client.get(url).status_code == 404
