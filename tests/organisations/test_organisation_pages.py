"""A structure's page, its creation and its details."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aiguillage.accounts.middleware import SESSION_KEY
from aiguillage.accounts.models import Membership, Role
from aiguillage.journal.models import JournalEntry
from aiguillage.organisations.models import JoinKind, JoinStatus, Organisation, TerritoryJoinRequest
from tests import factories

pytestmark = pytest.mark.django_db


def _detail(organisation) -> str:
    return reverse("organisations:organisation_detail", args=[organisation.public_id])


def _edit(organisation) -> str:
    return reverse("organisations:organisation_edit", args=[organisation.public_id])


def test_member_sees_the_structure_its_territory_and_the_team(
    client, owner, colleague_read_only, organisation
):
    client.force_login(colleague_read_only)

    response = client.get(_detail(organisation))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Médiathèque du centre" in page
    assert "Territoire Métropole de test" in page
    assert owner.display_name in page
    assert colleague_read_only.email in page
    assert "Responsable" in page
    # A plain member sees no management controls.
    assert response.context["can_manage"] is False
    assert reverse("organisations:invitation_create", args=[organisation.public_id]) not in page
    assert f"{reverse('places:manage')}?structure={organisation.public_id}" in page


def test_manager_sees_the_management_controls(client, owner, colleague_read_only, organisation):
    client.force_login(owner)

    response = client.get(_detail(organisation))

    page = response.content.decode()
    assert reverse("organisations:invitation_create", args=[organisation.public_id]) in page
    membership = Membership.objects.get(user=colleague_read_only)
    assert (
        reverse("organisations:member_role", args=[organisation.public_id, membership.pk]) in page
    )
    # The only manager is offered no way to remove themself.
    mine = Membership.objects.get(user=owner)
    assert (
        reverse("organisations:member_remove", args=[organisation.public_id, mine.pk]) not in page
    )


def test_outsider_gets_404_on_a_structure_page(client, outsider, organisation):
    client.force_login(outsider)

    assert client.get(_detail(organisation)).status_code == 404


def test_unknown_structure_is_404(client, owner):
    client.force_login(owner)

    url = reverse("organisations:organisation_detail", args=[uuid.uuid4()])

    assert client.get(url).status_code == 404


def test_coordinator_of_another_territory_gets_404(client, organisation):
    other = factories.CoordinationFactory(
        territory=factories.TerritoryFactory(name="Ailleurs")
    ).user
    client.force_login(other)

    assert client.get(_detail(organisation)).status_code == 404


def test_structure_page_queries_do_not_grow_with_the_team(client, owner, organisation):
    client.force_login(owner)
    client.get(_detail(organisation))
    with CaptureQueriesContext(connection) as small:
        client.get(_detail(organisation))
    factories.MembershipFactory.create_batch(6, organisation=organisation)
    with CaptureQueriesContext(connection) as large:
        client.get(_detail(organisation))

    assert len(large) == len(small)


def test_anyone_logged_in_creates_a_structure_and_becomes_its_manager(client, mailoutbox):
    user = factories.UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("organisations:organisation_create"),
        {"name": "  Association  Clic  ", "kind": "association", "siret": "123 456 789 00012"},
    )

    organisation = Organisation.objects.get(name="Association Clic")
    assert response.status_code == 302
    assert response.url == _detail(organisation)
    assert organisation.siret == "12345678900012"
    assert organisation.territory is None
    membership = Membership.objects.get(user=user, organisation=organisation)
    assert membership.role == Role.MANAGER
    assert client.session[SESSION_KEY] == membership.pk
    assert JournalEntry.objects.filter(event="organisation_created", actor=user).exists()
    assert not TerritoryJoinRequest.objects.exists()


def test_creating_a_structure_may_ask_to_join_a_territory(
    client, territory, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    user = factories.UserFactory()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("organisations:organisation_create"),
            {
                "name": "Association Clic",
                "kind": "association",
                "join_territory": territory.pk,
                "join_message": "Nous aidons aux démarches en ligne.",
            },
        )

    join = TerritoryJoinRequest.objects.get()
    assert (join.kind, join.status, join.territory) == (
        JoinKind.REQUEST,
        JoinStatus.PENDING,
        territory,
    )
    assert join.organisation.territory is None
    assert [message.to for message in mailoutbox] == [[coordinator.email]]
    assert (
        "Nouvelle demande pour rejoindre le territoire Métropole de test" == mailoutbox[0].subject
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "", "kind": "association"}, "Ce champ est obligatoire."),
        ({"name": "Clic", "kind": "club"}, "Sélectionnez un choix valide."),
        ({"name": "Clic", "kind": "association", "siret": "12345"}, "Le SIRET compte 14 chiffres"),
        ({"name": "Clic", "kind": "association", "email": "clic@"}, "adresse e-mail valide"),
    ],
)
def test_structure_creation_with_bad_input_redisplays_in_french(client, data, error):
    client.force_login(factories.UserFactory())

    response = client.post(reverse("organisations:organisation_create"), data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert "Le formulaire contient" in response.content.decode()
    assert not Organisation.objects.filter(name="Clic").exists()


def test_manager_edits_the_structure(client, owner, organisation):
    client.force_login(owner)

    response = client.post(
        _edit(organisation),
        {"name": "Médiathèque centrale", "kind": "bibliotheque", "phone": "04 76 00 00 00"},
    )

    organisation.refresh_from_db()
    assert response.status_code == 302
    assert organisation.name == "Médiathèque centrale"
    assert organisation.phone == "04 76 00 00 00"
    entry = JournalEntry.objects.get(event="organisation_updated")
    assert set(entry.data["fields"]) == {"name", "kind", "phone"}


def test_editing_shows_the_current_values(client, owner, organisation):
    client.force_login(owner)

    response = client.get(_edit(organisation))

    assert 'value="Médiathèque du centre"' in response.content.decode()


def test_plain_member_gets_403_on_the_edit_page(client, colleague_read_only, organisation):
    client.force_login(colleague_read_only)

    assert client.get(_edit(organisation)).status_code == 403


def test_outsider_gets_404_on_the_edit_page(client, outsider, organisation):
    client.force_login(outsider)

    assert client.post(_edit(organisation), {"name": "Piratée", "kind": "autre"}).status_code == 404
    organisation.refresh_from_db()
    assert organisation.name == "Médiathèque du centre"
