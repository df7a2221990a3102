"""A person in several structures chooses the one the pages act for."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.accounts.middleware import SESSION_KEY
from aiguillage.accounts.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_structures(owner, other_organisation):
    second = factories.MembershipFactory(user=owner, organisation=other_organisation)
    return Membership.objects.get(user=owner, organisation__name="Médiathèque du centre"), second


def test_dashboard_offers_the_switch_only_with_several_structures(client, owner, organisation):
    client.force_login(owner)

    response = client.get(reverse("accounts:dashboard"))

    assert response.context["switch_form"] is None
    assert "Changer de structure" not in response.content.decode()


def test_switching_sets_the_current_membership(client, owner, two_structures):
    first, second = two_structures
    client.force_login(owner)
    assert "Changer de structure" in client.get(reverse("accounts:dashboard")).content.decode()

    response = client.post(
        reverse("accounts:switch_organisation"),
        {"membership": second.pk, "next": reverse("accounts:dashboard")},
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:dashboard")
    assert client.session[SESSION_KEY] == second.pk
    page = client.get(reverse("accounts:dashboard"))
    assert page.context["current_membership"] == second
    assert "Vous agissez maintenant pour « Centre social du sud »" in page.content.decode()


def test_switching_to_someone_elses_membership_is_refused(client, owner, outsider, two_structures):
    foreign = Membership.objects.get(user=outsider)
    client.force_login(owner)

    response = client.post(
        reverse("accounts:switch_organisation"), {"membership": foreign.pk}, follow=True
    )

    assert SESSION_KEY not in client.session
    assert "Choisissez une de vos structures" in response.content.decode()


def test_switching_never_redirects_to_another_site(client, owner, two_structures):
    client.force_login(owner)

    response = client.post(
        reverse("accounts:switch_organisation"),
        {"membership": two_structures[1].pk, "next": "https://exemple.com/piege"},
    )

    assert response.url == reverse("accounts:dashboard")


def test_switching_needs_a_post(client, owner, two_structures):
    client.force_login(owner)

    assert client.get(reverse("accounts:switch_organisation")).status_code == 405
