"""GET /api/v1/ateliers: the coming published workshop sessions, nothing about people."""

from __future__ import annotations

import pytest

from aiguillage.workshops.models import Session
from tests import factories
from tests.workshops import factories as wf

pytestmark = pytest.mark.django_db
URL = "/api/v1/ateliers"


@pytest.fixture
def place(territory, organisation):
    return factories.PlaceFactory(
        territory=territory, organisation=organisation, nom="Médiathèque", code_insee="38185"
    )


def test_published_coming_sessions_are_listed_soonest_first(
    client, territory, owner, organisation, place
):
    wf.session(owner, organisation, place=place, days=6, title="Smartphone")
    sooner = wf.session(owner, organisation, place=place, days=2, title="Ordinateur")
    wf.enrol(owner, organisation, sooner, "Zoubida")

    body = client.get(URL, {"territoire": territory.siren}).json()

    assert [r["titre"] for r in body["results"]] == ["Ordinateur", "Smartphone"]
    first = body["results"][0]
    assert first["id"] == str(sooner.public_id) and first["lieu"]["nom"] == "Médiathèque"
    assert first["structure"] == organisation.name and first["gratuit"] is True
    assert first["cycle"] is False and first["type_code"] == "initiation_ordinateur"
    assert "Zoubida" not in str(body)


def test_past_cancelled_unpublished_and_later_sessions_are_left_out(
    client, owner, organisation, place
):
    past = wf.session(owner, organisation, place=place, days=2, title="Passée")
    wf.shift_to_past([past])
    hidden = wf.session(owner, organisation, place=place, days=2, title="Brouillon")
    Session.objects.filter(pk=hidden.pk).update(is_published=False)
    wf.session(owner, organisation, place=place, days=20, title="Dans trois semaines")

    titles = [r["titre"] for r in client.get(URL).json()["results"]]
    assert titles == []
    assert [r["titre"] for r in client.get(URL, {"jours": 30}).json()["results"]] == [
        "Dans trois semaines"
    ]


def test_commune_filter(client, owner, organisation, place, territory):
    elsewhere = factories.PlaceFactory(
        territory=territory, organisation=organisation, nom="Ailleurs", code_insee="38151"
    )
    wf.session(owner, organisation, place=place, days=2, title="Grenoble")
    wf.session(owner, organisation, place=elsewhere, days=2, title="Échirolles")
    titles = [r["titre"] for r in client.get(URL, {"commune": "38151"}).json()["results"]]
    assert titles == ["Échirolles"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"territoire": "999999999"}, "Territoire inconnu"),
        ({"territoire": "abc"}, "Paramètres invalides"),
        ({"jours": 0}, "Paramètres invalides"),
        ({"commune": "Grenoble"}, "Paramètres invalides"),
    ],
)
def test_bad_parameters_answer_400_in_french(client, db, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert message in response.json()["erreur"]
