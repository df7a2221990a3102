"""Managers change their colleagues' roles and remove them; a structure keeps one manager."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.accounts import actions
from aiguillage.accounts.actions import AccountError
from aiguillage.accounts.models import Membership, Role
from aiguillage.journal.models import JournalEntry
from tests import factories

pytestmark = pytest.mark.django_db


def _membership(user, organisation) -> Membership:
    return Membership.objects.get(user=user, organisation=organisation)


def _role_url(membership) -> str:
    return reverse(
        "organisations:member_role", args=[membership.organisation.public_id, membership.pk]
    )


def _remove_url(membership) -> str:
    return reverse(
        "organisations:member_remove", args=[membership.organisation.public_id, membership.pk]
    )


def test_manager_promotes_a_member_and_the_journal_keeps_both_roles(
    client, owner, colleague_read_only, organisation
):
    membership = _membership(colleague_read_only, organisation)
    client.force_login(owner)

    response = client.post(_role_url(membership), {"role": "manager"})

    assert response.status_code == 302
    assert _membership(colleague_read_only, organisation).role == Role.MANAGER
    entry = JournalEntry.objects.get(event="membership_role_changed")
    assert entry.actor == owner
    assert entry.data["from"] == "member"
    assert entry.data["to"] == "manager"


def test_the_last_manager_cannot_be_demoted(client, owner, organisation):
    membership = _membership(owner, organisation)
    client.force_login(owner)

    response = client.post(_role_url(membership), {"role": "member"}, follow=True)

    assert "doit garder au moins un responsable" in response.content.decode()
    assert _membership(owner, organisation).role == Role.MANAGER


def test_a_manager_may_step_down_once_another_manager_exists(
    owner, colleague_read_only, organisation
):
    actions.change_member_role(
        membership=_membership(colleague_read_only, organisation), role=Role.MANAGER, actor=owner
    )

    actions.change_member_role(
        membership=_membership(owner, organisation), role=Role.MEMBER, actor=owner
    )

    assert _membership(owner, organisation).role == Role.MEMBER


def test_unknown_role_is_refused_with_a_french_message(
    client, owner, colleague_read_only, organisation
):
    client.force_login(owner)

    response = client.post(
        _role_url(_membership(colleague_read_only, organisation)), {"role": "chef"}, follow=True
    )

    assert "Choisissez un rôle dans la liste." in response.content.decode()
    assert _membership(colleague_read_only, organisation).role == Role.MEMBER


def test_plain_member_gets_403_on_role_change(client, owner, colleague_read_only, organisation):
    client.force_login(colleague_read_only)

    response = client.post(
        _role_url(_membership(colleague_read_only, organisation)), {"role": "manager"}
    )

    assert response.status_code == 403
    assert _membership(colleague_read_only, organisation).role == Role.MEMBER


def test_outsider_gets_404_on_role_change(client, owner, outsider, organisation):
    client.force_login(outsider)

    response = client.post(_role_url(_membership(owner, organisation)), {"role": "member"})

    assert response.status_code == 404


def test_membership_of_another_structure_is_404(
    client, owner, outsider, organisation, other_organisation
):
    client.force_login(owner)
    foreign = _membership(outsider, other_organisation)
    url = reverse("organisations:member_role", args=[organisation.public_id, foreign.pk])

    assert client.post(url, {"role": "member"}).status_code == 404


def test_manager_removes_a_member_after_confirming(
    client, owner, colleague_read_only, organisation
):
    membership = _membership(colleague_read_only, organisation)
    client.force_login(owner)

    confirm = client.get(_remove_url(membership))
    removed = client.post(_remove_url(membership))

    assert "Retirer" in confirm.content.decode()
    assert removed.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    entry = JournalEntry.objects.get(event="membership_removed")
    assert entry.data == {"user": colleague_read_only.pk, "role": "member"}


def test_the_last_manager_cannot_be_removed(owner, organisation):
    with pytest.raises(AccountError, match="au moins un responsable"):
        actions.remove_member(membership=_membership(owner, organisation), actor=owner)
    assert Membership.objects.filter(user=owner, organisation=organisation).exists()


def test_the_last_manager_cannot_leave_through_the_page(client, owner, organisation):
    client.force_login(owner)

    response = client.post(_remove_url(_membership(owner, organisation)))

    assert response.status_code == 200
    assert "doit garder au moins un responsable" in response.content.decode()
    assert Membership.objects.filter(user=owner, organisation=organisation).exists()


def test_a_member_may_leave_the_structure(client, colleague_read_only, organisation):
    client.force_login(colleague_read_only)

    response = client.post(_remove_url(_membership(colleague_read_only, organisation)))

    assert response.status_code == 302
    assert response.url == reverse("accounts:dashboard")
    assert not Membership.objects.filter(
        user=colleague_read_only, organisation=organisation
    ).exists()


def test_plain_member_gets_403_when_removing_a_colleague(
    client, owner, colleague_read_only, organisation
):
    client.force_login(colleague_read_only)

    response = client.post(_remove_url(_membership(owner, organisation)))

    assert response.status_code == 403
    assert Membership.objects.filter(user=owner, organisation=organisation).exists()


def test_outsider_gets_404_when_removing(client, outsider, colleague_read_only, organisation):
    client.force_login(outsider)

    assert (
        client.get(_remove_url(_membership(colleague_read_only, organisation))).status_code == 404
    )


def test_staff_may_manage_any_team(client, staff, colleague_read_only, organisation):
    client.force_login(staff)

    client.post(_role_url(_membership(colleague_read_only, organisation)), {"role": "manager"})

    assert _membership(colleague_read_only, organisation).role == Role.MANAGER


def test_coordinator_sees_a_team_but_cannot_change_roles(
    client, coordinator, colleague_read_only, organisation
):
    client.force_login(coordinator)

    page = client.get(reverse("organisations:organisation_detail", args=[organisation.public_id]))
    response = client.post(
        _role_url(_membership(colleague_read_only, organisation)), {"role": "manager"}
    )

    assert page.status_code == 200
    assert colleague_read_only.email in page.content.decode()
    assert response.status_code == 403


def test_add_member_refuses_a_second_membership(owner, organisation):
    with pytest.raises(AccountError, match="fait déjà partie"):
        actions.add_member(organisation=organisation, user=owner, role=Role.MEMBER, actor=owner)


def test_add_member_adds_an_existing_account(staff, organisation):
    user = factories.UserFactory()

    membership = actions.add_member(
        organisation=organisation, user=user, role=Role.MANAGER, actor=staff
    )

    assert membership.role == Role.MANAGER
    assert JournalEntry.objects.filter(event="membership_added", actor=staff).exists()
