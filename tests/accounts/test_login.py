"""Logging in by e-mail, case-insensitively; every page needs a login unless opted out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def test_create_user_stores_the_email_lower_case():
    user = User.objects.create_user("Nadia.Responsable@Exemple.FR", "motdepasse-test")

    assert user.email == "nadia.responsable@exemple.fr"


def test_login_ignores_the_case_of_the_email(client):
    user = factories.UserFactory(email="camille@exemple.fr")

    response = client.post(
        reverse("accounts:login"),
        {"username": "  Camille@EXEMPLE.fr ", "password": "motdepasse-test"},
    )

    assert response.status_code == 302
    assert response.url == reverse("ui:home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_a_wrong_password_shows_a_french_error(client):
    factories.UserFactory(email="camille@exemple.fr")

    response = client.post(
        reverse("accounts:login"), {"username": "camille@exemple.fr", "password": "mauvais"}
    )

    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_inactive_account_cannot_log_in(client):
    factories.UserFactory(email="parti@exemple.fr", is_active=False)

    response = client.post(
        reverse("accounts:login"), {"username": "parti@exemple.fr", "password": "motdepasse-test"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_page_links_to_password_reset(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert reverse("accounts:password_reset") in response.content.decode()


@pytest.mark.parametrize(
    "url_name",
    ["accounts:dashboard", "organisations:organisation_create", "accounts:password_change"],
)
def test_anonymous_visitor_is_sent_to_the_login_page(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login") + "?next=")


def test_dashboard_lists_structures_and_coordinated_territories(client, owner, territory):
    factories.CoordinationFactory(user=owner, territory=territory)
    client.force_login(owner)

    response = client.get(reverse("accounts:dashboard"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Médiathèque du centre" in page
    assert reverse("organisations:territory_detail", args=[territory.slug]) in page
    assert f"{reverse('places:manage')}?territoire={territory.slug}" in page
