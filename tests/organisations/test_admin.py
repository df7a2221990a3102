"""The admin is for staff support: organisations and join requests go through the actions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.accounts.models import Membership, Role, User
from aiguillage.journal.models import JournalEntry
from aiguillage.organisations import actions
from aiguillage.organisations.models import JoinStatus, Organisation
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("admin@aiguillage.test", "motdepasse-test")


def test_admin_refuses_to_demote_the_last_manager(client, superuser, owner, organisation):
    client.force_login(superuser)
    membership = Membership.objects.get(user=owner)

    response = client.post(
        reverse("admin:organisations_organisation_change", args=[organisation.pk]),
        {
            "name": organisation.name,
            "kind": organisation.kind,
            "territory": organisation.territory_id,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": membership.pk,
            "memberships-0-organisation": organisation.pk,
            "memberships-0-user": owner.pk,
            "memberships-0-role": "member",
        },
        follow=True,
    )

    assert "doit garder au moins un responsable" in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).role == Role.MANAGER


def test_staff_creates_an_organisation_through_the_action(client, superuser, territory):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "France services du centre",
            "kind": "service_public",
            "territory": territory.pk,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302
    organisation = Organisation.objects.get(name="France services du centre")
    assert organisation.territory == territory
    assert not organisation.memberships.exists()
    assert JournalEntry.objects.filter(event="organisation_created", actor=superuser).exists()


def test_staff_accepts_join_requests_from_the_admin(client, superuser, territory):
    newcomer = factories.OrganisationFactory(territory=None)
    manager = factories.MembershipFactory(organisation=newcomer, manager=True).user
    join = actions.request_territory_join(organisation=newcomer, territory=territory, actor=manager)
    client.force_login(superuser)

    client.post(
        reverse("admin:organisations_territoryjoinrequest_changelist"),
        {"action": "accept", "_selected_action": [join.pk]},
    )

    join.refresh_from_db()
    assert join.status == JoinStatus.ACCEPTED
    newcomer.refresh_from_db()
    assert newcomer.territory == territory
