"""The coordinators' page of a territory: its structures and the pending requests."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aiguillage.organisations import actions
from tests import factories

pytestmark = pytest.mark.django_db


def _page(territory) -> str:
    return reverse("organisations:territory_detail", args=[territory.slug])


def test_coordinator_sees_structures_member_counts_requests_and_places_link(
    client, coordinator, territory, organisation, owner, colleague_read_only, other_organisation
):
    newcomer = factories.OrganisationFactory(name="Association Clic", territory=None)
    manager = factories.MembershipFactory(organisation=newcomer, manager=True).user
    actions.request_territory_join(
        organisation=newcomer, territory=territory, message="Nous aidons.", actor=manager
    )
    client.force_login(coordinator)

    response = client.get(_page(territory))

    page = response.content.decode()
    assert response.status_code == 200
    counts = {org.name: org.member_count for org in response.context["organisations"]}
    assert counts == {"Médiathèque du centre": 2, "Centre social du sud": 0}
    assert [join.organisation for join in response.context["pending_requests"]] == [newcomer]
    assert "« Nous aidons. »" in page
    assert f"{reverse('places:manage')}?territoire={territory.slug}" in page


def test_staff_sees_any_territory_page(client, staff, territory):
    client.force_login(staff)

    assert client.get(_page(territory)).status_code == 200


def test_member_of_a_territory_structure_gets_403(client, owner, territory):
    client.force_login(owner)

    assert client.get(_page(territory)).status_code == 403


def test_unrelated_person_gets_404(client, territory):
    client.force_login(factories.UserFactory())

    assert client.get(_page(territory)).status_code == 404


def test_unknown_territory_is_404(client, coordinator):
    client.force_login(coordinator)

    assert (
        client.get(reverse("organisations:territory_detail", args=["nulle-part"])).status_code
        == 404
    )


def test_territory_page_queries_do_not_grow_with_structures(client, coordinator, territory):
    client.force_login(coordinator)
    factories.OrganisationFactory(territory=territory)
    client.get(_page(territory))
    with CaptureQueriesContext(connection) as small:
        client.get(_page(territory))
    for organisation in factories.OrganisationFactory.create_batch(5, territory=None):
        manager = factories.MembershipFactory(organisation=organisation, manager=True).user
        actions.request_territory_join(
            organisation=organisation, territory=territory, actor=manager
        )
    factories.OrganisationFactory.create_batch(5, territory=territory)

    with CaptureQueriesContext(connection) as large:
        response = client.get(_page(territory))

    assert len(response.context["pending_requests"]) == 5
    assert len(large) == len(small)


def test_dashboard_shows_how_many_requests_wait_for_the_coordinator(client, coordinator, territory):
    newcomer = factories.OrganisationFactory(territory=None)
    manager = factories.MembershipFactory(organisation=newcomer, manager=True).user
    actions.request_territory_join(organisation=newcomer, territory=territory, actor=manager)
    client.force_login(coordinator)

    response = client.get(reverse("accounts:dashboard"))

    assert "1 demande d'adhésion en attente" in response.content.decode()
