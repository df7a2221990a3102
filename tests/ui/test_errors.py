"""Error pages are in French, never a raw 500, and never touch the database for a 5xx."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory, override_settings

from aiguillage.ui.errors import csrf_failure, permission_denied, server_error

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


# --- Every error page: French, the site's header, a way back (DEBUG off) ----------------

HEADER = '<header class="site-header">'


def _page(response) -> str:
    return response.content.decode()


@override_settings(DEBUG=False)
def test_a_missing_page_has_the_header_and_ways_back(client, db):
    response = client.get("/nexiste-pas/", HTTP_REFERER="http://testserver/lieux/?c=1")
    page = _page(response)
    assert response.status_code == 404
    assert HEADER in page and "Trouver de l'aide" in page
    assert '<a href="http://testserver/lieux/?c=1">Revenir à la page précédente</a>' in page
    assert "Revenir à l'accueil" in page
    # Only signed-in people have a « Mon espace » to go to.
    assert "Aller à « Mon espace »" not in page


@override_settings(DEBUG=False)
def test_the_way_back_never_leads_to_another_site(client, db):
    page = _page(client.get("/nexiste-pas/", HTTP_REFERER="https://ailleurs.example/piege"))
    assert "ailleurs.example" not in page
    assert "Revenir à la page précédente" not in page


@override_settings(DEBUG=False)
def test_a_missing_api_address_gets_french_json(client, db):
    response = client.get("/api/v1/nexiste-pas")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("Adresse inconnue")


@override_settings(DEBUG=False)
def test_a_page_refused_by_its_view_explains_and_leads_to_my_space(client, owner):
    client.force_login(owner)  # a member of a structure, not a coordinator
    response = client.get("/espace/imports/", HTTP_REFERER="http://testserver/espace/")
    page = _page(response)
    assert response.status_code == 403
    assert HEADER in page
    assert "Réservé à la coordination du territoire." in page
    assert '<a href="/mon-espace/">Aller à « Mon espace »</a>' in page
    assert '<a href="http://testserver/espace/">Revenir à la page précédente</a>' in page
    assert "Forbidden" not in page


def test_a_refusal_on_the_api_is_french_json(db):
    request = RequestFactory().get("/api/v1/lieux")
    response = permission_denied(request, PermissionDenied("Réservé aux partenaires."))
    assert response.status_code == 403
    assert json.loads(response.content)["detail"] == "Réservé aux partenaires."
    response = permission_denied(request, PermissionDenied())
    assert json.loads(response.content)["detail"] == "Accès refusé."


@override_settings(DEBUG=False)
def test_a_request_for_an_unknown_host_gets_a_french_400(client, db):
    response = client.get("/lieux/", HTTP_HOST="ailleurs.example")
    page = _page(response)
    assert response.status_code == 400
    assert "Demande illisible" in page and HEADER in page
    assert "Revenir à l'accueil" in page


@override_settings(DEBUG=False)
def test_a_bad_request_on_the_api_gets_french_json(client, db):
    response = client.get("/api/v1/lieux", HTTP_HOST="ailleurs.example")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Demande illisible")


@override_settings(DEBUG=False)
def test_a_form_sent_without_its_token_gets_a_french_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/connexion/", {"username": "a@b.fr"}, HTTP_REFERER="http://testserver/connexion/"
    )
    page = _page(response)
    assert response.status_code == 403
    assert "Formulaire expiré" in page and HEADER in page
    assert "CSRF" not in page
    assert '<a href="http://testserver/connexion/">Revenir à la page précédente</a>' in page


def test_a_form_refused_on_the_api_is_french_json(db):
    response = csrf_failure(RequestFactory().post("/api/v1/lieux"), reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert json.loads(response.content)["detail"].startswith("Formulaire expiré")


@override_settings(DEBUG=False)
def test_the_500_page_has_the_header_and_ways_back_without_the_database(
    db, django_assert_num_queries
):
    request = RequestFactory().get("/lieux/", HTTP_REFERER="http://testserver/lieux/?page=2")
    with django_assert_num_queries(0):
        page = server_error(request).content.decode()
    assert HEADER in page and 'href="/mon-espace/">Mon espace</a>' in page
    assert '<a href="http://testserver/lieux/?page=2">Revenir à la page précédente</a>' in page


@pytest.mark.parametrize("path", ["/nexiste-pas/", "/api/v1/nexiste-pas"])
@override_settings(DEBUG=False)
def test_no_error_is_answered_in_english(client, db, path):
    body = _page(client.get(path))
    assert "Not Found" not in body and "The requested resource" not in body
