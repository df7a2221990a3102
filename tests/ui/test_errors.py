"""Error pages are in French, never a raw 500, and never touch the database for a 5xx."""

from __future__ import annotations

import json

from django.test import RequestFactory

from aiguillage.ui.errors import server_error

TOO_MANY = "&".join(f"critere{index}=1" for index in range(1_001))


def test_more_than_a_thousand_parameters_get_a_french_400_page(client, db):
    response = client.get(f"/lieux/?{TOO_MANY}")
    assert response.status_code == 400
    assert "Demande illisible" in response.content.decode()


def test_more_than_a_thousand_parameters_get_a_json_400_on_the_api(client, db):
    response = client.get(f"/api/v1/lieux?{TOO_MANY}")
    assert response.status_code == 400
    assert "Trop de paramètres" in response.json()["erreur"]


def test_a_thousand_parameters_are_still_read(client, db):
    just_enough = "&".join(f"critere{index}=1" for index in range(1_000))
    assert client.get(f"/lieux/?{just_enough}").status_code == 200


def test_a_missing_page_says_so_in_french(client, db, settings):
    settings.DEBUG = False
    response = client.get("/nexiste-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_a_refused_page_says_so_in_french(client, db, owner, settings):
    settings.DEBUG = False
    client.force_login(owner)
    response = client.get("/espace/imports/")
    assert response.status_code == 403
    assert "Accès réservé" in response.content.decode()
    assert "Réservé à la coordination du territoire." in response.content.decode()


def test_an_unexpected_error_gets_a_french_500_page_without_the_database(
    db, django_assert_num_queries
):
    request = RequestFactory().get("/lieux/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Une erreur est survenue" in response.content.decode()
    api = server_error(RequestFactory().get("/api/v1/lieux"))
    assert api.status_code == 500 and "Erreur interne" in json.loads(api.content)["detail"]


def test_a_large_body_sent_to_the_login_page_is_refused_unread(client, db):
    response = client.post(
        "/connexion/",
        data=b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(45_000_000),
    )
    assert response.status_code == 413
    assert "Envoi trop volumineux : 2,5 Mo au plus ici." in response.content.decode()


def test_a_large_body_to_the_api_gets_json(client, db):
    response = client.generic(
        "POST", "/api/v1/lieux", b"x", CONTENT_LENGTH="3000000", content_type="text/plain"
    )
    assert response.status_code == 413
    assert "trop volumineux" in json.loads(response.content)["erreur"]


def test_the_import_page_accepts_large_files(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        "/espace/imports/",
        data=b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(45_000_000),
    )
    assert response.status_code != 413


def test_a_refused_page_is_logged_in_one_line_without_traceback(client, owner, settings):
    import io
    import logging

    from aiguillage.log_filters import NoTracebackBelow500

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(NoTracebackBelow500())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        settings.DEBUG = False
        client.force_login(owner)
        assert client.get("/espace/imports/").status_code == 403
    finally:
        logger.removeHandler(handler)
    logged = stream.getvalue()
    assert "Forbidden" in logged
    assert "Traceback" not in logged
