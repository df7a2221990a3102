"""GET /api/v1/lieux: filters, distance, open state, OpenAPI, and 400 on bad parameters."""

from __future__ import annotations

import pytest

from tests import factories

URL = "/api/v1/lieux"


@pytest.fixture
def places(territory):
    near = factories.PlaceFactory(
        territory=territory, nom="Proche", latitude=45.1885, longitude=5.7245
    )
    far = factories.PlaceFactory(
        territory=territory,
        nom="Loin",
        latitude=45.1439,
        longitude=5.7192,
        horaires="Sa 09:00-12:00",
        services=["Accès internet et matériel informatique"],
        languages=["ar"],
        prise_en_charge_specifique=["Illettrisme"],
    )
    factories.PlaceFactory(territory=territory, nom="Caché", unpublished=True)
    return near, far


def test_results_are_sorted_by_distance_with_metres(client, places):
    response = client.get(URL, {"latitude": 45.19, "longitude": 5.72})
    assert response.status_code == 200
    data = response.json()
    assert [r["nom"] for r in data["results"]] == ["Proche", "Loin"]
    assert 300 < data["results"][0]["distance_m"] < 500
    assert 5000 < data["results"][1]["distance_m"] < 5500
    assert all(isinstance(r["ouvert"], bool) for r in data["results"])


def test_ouvert_a_keeps_only_places_open_at_that_time(client, places):
    monday = client.get(
        URL, {"latitude": 45.19, "longitude": 5.72, "ouvert_a": "2026-11-23T10:00:00+01:00"}
    )
    assert [(r["nom"], r["ouvert"]) for r in monday.json()["results"]] == [("Proche", True)]
    saturday = client.get(
        URL, {"latitude": 45.19, "longitude": 5.72, "ouvert_a": "2026-11-28T10:00:00"}
    )
    assert [r["nom"] for r in saturday.json()["results"]] == ["Loin"]
    assert saturday.json()["instant"].startswith("2026-11-28T10:00:00+01:00")


def test_filters_services_languages_supports(client, places):
    def names(params):
        return [r["nom"] for r in client.get(URL, params).json()["results"]]

    assert names({"services": "acces"}) == ["Loin"]
    assert names({"services": ["demarches", "acces"]}) == ["Loin", "Proche"]
    assert names({"langues": "ar"}) == ["Loin"]
    assert names({"prise_en_charge": "illettrisme"}) == ["Loin"]
    assert names({"limit": 1, "latitude": 45.19, "longitude": 5.72}) == ["Proche"]


@pytest.mark.parametrize(
    "params",
    [
        {"latitude": "abc", "longitude": 5.7},
        {"latitude": 95, "longitude": 5.7},
        {"latitude": 45.1},
        {"services": "inconnu"},
        {"ouvert_a": "demain"},
        {"limit": 0},
        {"limit": 100000},
        {"territoire": "999999999"},
    ],
)
def test_bad_parameters_get_400_with_a_json_body(client, places, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert "erreur" in response.json()


def test_openapi_document_describes_the_endpoint(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert "/api/v1/lieux" in document["paths"]
    parameters = {p["name"] for p in document["paths"]["/api/v1/lieux"]["get"]["parameters"]}
    assert {"latitude", "longitude", "services", "ouvert_a", "limit"} <= parameters


def test_one_place_by_id_and_404_for_hidden(client, places, territory):
    near, _ = places
    assert client.get(f"{URL}/{near.public_id}").json()["nom"] == "Proche"
    hidden = factories.PlaceFactory(territory=territory, unpublished=True)
    response = client.get(f"{URL}/{hidden.public_id}")
    assert response.status_code == 404
    assert response.json()["erreur"]
