"""The admin is for staff support: it reads everything and writes through the actions.

Accounts, coordinators, invitations, and the read-only journal, territories and communes.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.accounts.actions import invite_colleague
from aiguillage.accounts.models import Coordination, Membership, Role, User
from aiguillage.journal.actions import log_event
from aiguillage.journal.models import JournalEntry
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("admin@aiguillage.test", "motdepasse-test")


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:accounts_coordination_changelist",
        "admin:accounts_coordination_add",
        "admin:accounts_invitation_changelist",
        "admin:organisations_organisation_changelist",
        "admin:organisations_organisation_add",
        "admin:organisations_territoryjoinrequest_changelist",
        "admin:territories_territory_changelist",
        "admin:territories_commune_changelist",
        "admin:journal_journalentry_changelist",
    ],
)
def test_admin_lists_and_forms_open(client, superuser, owner, coordinator, url_name):
    client.force_login(superuser)

    assert client.get(reverse(url_name)).status_code == 200


def test_admin_change_pages_open(client, superuser, owner, organisation, territory, coordinator):
    client.force_login(superuser)

    for url in (
        reverse("admin:accounts_user_change", args=[owner.pk]),
        reverse("admin:organisations_organisation_change", args=[organisation.pk]),
        reverse("admin:territories_territory_change", args=[territory.pk]),
        reverse("admin:territories_commune_change", args=[territory.communes.first().pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_journal_is_read_only_in_the_admin(client, superuser, owner):
    entry = log_event("test_event", actor=owner)
    client.force_login(superuser)

    assert client.get(reverse("admin:journal_journalentry_add")).status_code == 403
    assert (
        client.get(reverse("admin:journal_journalentry_delete", args=[entry.pk])).status_code == 403
    )
    detail = client.get(reverse("admin:journal_journalentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()


def test_communes_cannot_be_added_in_the_admin(client, superuser, territory):
    client.force_login(superuser)

    assert client.get(reverse("admin:territories_commune_add")).status_code == 403


def test_staff_creates_an_account_lower_case_and_journaled(client, superuser):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Nouveau.Compte@Exemple.fr",
            "first_name": "Léa",
            "last_name": "Roux",
            "password1": "Phrase-longue-2026",
            "password2": "Phrase-longue-2026",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="nouveau.compte@exemple.fr")
    assert user.check_password("Phrase-longue-2026")
    assert JournalEntry.objects.filter(event="user_created", actor=superuser).exists()


def test_staff_deactivating_an_account_is_journaled_with_the_access_change(
    client, superuser, colleague_read_only
):
    client.force_login(superuser)
    membership = Membership.objects.get(user=colleague_read_only)

    response = client.post(
        reverse("admin:accounts_user_change", args=[colleague_read_only.pk]),
        {
            "email": colleague_read_only.email,
            "first_name": colleague_read_only.first_name,
            "last_name": colleague_read_only.last_name,
            "is_staff": "",
            "is_superuser": "",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": membership.pk,
            "memberships-0-user": colleague_read_only.pk,
            "memberships-0-organisation": membership.organisation_id,
            "memberships-0-role": "manager",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    colleague_read_only.refresh_from_db()
    assert colleague_read_only.is_active is False
    entry = JournalEntry.objects.get(event="user_updated")
    assert entry.data["access"] == {"is_active": {"from": True, "to": False}}
    # The membership inline went through the action too.
    assert Membership.objects.get(pk=membership.pk).role == Role.MANAGER
    assert JournalEntry.objects.filter(event="membership_role_changed", actor=superuser).exists()


def test_staff_appoints_and_removes_a_coordinator(client, superuser, territory):
    person = factories.UserFactory()
    client.force_login(superuser)

    client.post(
        reverse("admin:accounts_coordination_add"), {"user": person.pk, "territory": territory.pk}
    )
    coordination = Coordination.objects.get(user=person)
    client.post(
        reverse("admin:accounts_coordination_delete", args=[coordination.pk]), {"post": "yes"}
    )

    assert not Coordination.objects.filter(user=person).exists()
    events = set(JournalEntry.objects.values_list("event", flat=True))
    assert {"coordinator_appointed", "coordinator_removed"} <= events


def test_invitation_tokens_are_not_shown_in_the_admin(client, superuser, owner, organisation):
    invitation = invite_colleague(
        organisation=organisation, email="a@exemple.fr", role=Role.MEMBER, actor=owner
    )
    client.force_login(superuser)

    page = client.get(reverse("admin:accounts_invitation_change", args=[invitation.pk]))

    assert page.status_code == 200
    assert invitation.token not in page.content.decode()
