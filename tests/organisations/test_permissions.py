"""Every structure and territory page, for every persona: outsiders 404, low roles 403."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from aiguillage.accounts.models import Invitation, Membership
from aiguillage.organisations.models import JoinKind, TerritoryJoinRequest
from tests import factories

pytestmark = pytest.mark.django_db

# (url name, method, needs the manager role)
STRUCTURE_PAGES = [
    ("organisations:organisation_detail", "get", False),
    ("organisations:organisation_edit", "get", True),
    ("organisations:organisation_edit", "post", True),
    ("organisations:member_role", "post", True),
    ("organisations:invitation_create", "get", True),
    ("organisations:invitation_create", "post", True),
    ("organisations:invitation_resend", "post", True),
    ("organisations:invitation_cancel", "post", True),
    ("organisations:territory_join", "get", True),
    ("organisations:territory_join", "post", True),
    ("organisations:territory_invitation_accept", "post", True),
    ("organisations:territory_invitation_decline", "get", True),
    ("organisations:territory_invitation_decline", "post", True),
]
TERRITORY_PAGES = [
    ("organisations:territory_detail", "get"),
    ("organisations:join_request_accept", "post"),
    ("organisations:join_request_decline", "get"),
    ("organisations:join_request_decline", "post"),
    ("organisations:territory_invite_organisation", "get"),
    ("organisations:territory_invite_organisation", "post"),
    ("organisations:territory_create_organisation", "get"),
    ("organisations:territory_create_organisation", "post"),
]


@pytest.fixture
def objects(owner, colleague_read_only, organisation, territory):
    """One object of each kind a structure page points to."""
    invitation = Invitation.objects.create(
        organisation=organisation,
        email="x@exemple.fr",
        invited_by=owner,
        expires_at="2099-01-01T00:00:00Z",
    )
    other_territory = factories.TerritoryFactory(name="Voisin")
    territory_invitation = TerritoryJoinRequest.objects.create(
        organisation=organisation,
        territory=other_territory,
        kind=JoinKind.INVITATION,
        created_by=owner,
    )
    newcomer = factories.OrganisationFactory(territory=None)
    request = TerritoryJoinRequest.objects.create(
        organisation=newcomer, territory=territory, kind=JoinKind.REQUEST, created_by=owner
    )
    return {
        "membership": Membership.objects.get(user=colleague_read_only),
        "invitation": invitation,
        "territory_invitation": territory_invitation,
        "request": request,
    }


def _structure_url(name: str, organisation, objects) -> str:
    extra = {
        "organisations:member_role": [objects["membership"].pk],
        "organisations:invitation_resend": [objects["invitation"].public_id],
        "organisations:invitation_cancel": [objects["invitation"].public_id],
        "organisations:territory_invitation_accept": [objects["territory_invitation"].public_id],
        "organisations:territory_invitation_decline": [objects["territory_invitation"].public_id],
    }.get(name, [])
    return reverse(name, args=[organisation.public_id, *extra])


def _territory_url(name: str, territory, objects) -> str:
    extra = {
        "organisations:join_request_accept": [objects["request"].public_id],
        "organisations:join_request_decline": [objects["request"].public_id],
    }.get(name, [])
    return reverse(name, args=[territory.slug, *extra])


@pytest.mark.parametrize(("name", "method", "manager_only"), STRUCTURE_PAGES)
def test_outsider_gets_404_on_structure_pages(
    client, outsider, organisation, objects, name, method, manager_only
):
    client.force_login(outsider)

    response = getattr(client, method)(_structure_url(name, organisation, objects))

    assert response.status_code == 404


@pytest.mark.parametrize(("name", "method", "manager_only"), STRUCTURE_PAGES)
def test_plain_member_gets_403_on_manager_pages(
    client, colleague_read_only, organisation, objects, name, method, manager_only
):
    client.force_login(colleague_read_only)

    response = getattr(client, method)(_structure_url(name, organisation, objects))

    if manager_only:
        assert response.status_code == 403
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(("name", "method", "manager_only"), STRUCTURE_PAGES)
def test_anonymous_visitor_is_sent_to_login_from_structure_pages(
    client, organisation, objects, name, method, manager_only
):
    response = getattr(client, method)(_structure_url(name, organisation, objects))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_unknown_structure_is_404_for_a_manager_too(client, owner):
    client.force_login(owner)

    assert (
        client.get(reverse("organisations:organisation_edit", args=[uuid.uuid4()])).status_code
        == 404
    )


@pytest.mark.parametrize(("name", "method"), TERRITORY_PAGES)
def test_member_of_a_territory_structure_gets_403_on_coordination_pages(
    client, outsider, territory, objects, name, method
):
    client.force_login(outsider)

    response = getattr(client, method)(_territory_url(name, territory, objects))

    assert response.status_code == 403


@pytest.mark.parametrize(("name", "method"), TERRITORY_PAGES)
def test_unrelated_person_gets_404_on_coordination_pages(client, territory, objects, name, method):
    client.force_login(factories.UserFactory())

    response = getattr(client, method)(_territory_url(name, territory, objects))

    assert response.status_code == 404


@pytest.mark.parametrize(("name", "method"), [page for page in TERRITORY_PAGES if page[1] == "get"])
def test_coordinator_opens_coordination_pages(
    client, coordinator, territory, objects, name, method
):
    client.force_login(coordinator)

    assert client.get(_territory_url(name, territory, objects)).status_code == 200
