"""Staff add accounts to structures from the admin through ``add_member`` (issue 11): never
their own account, and the structure's managers are told, as when an invitation is accepted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.accounts import actions
from aiguillage.accounts.actions import AccountError
from aiguillage.accounts.models import Membership, Role, User
from aiguillage.organisations.actions import create_organisation
from aiguillage.organisations.models import OrganisationKind
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(
        "admin@aiguillage.test", "motdepasse-test", first_name="Camille", last_name="Support"
    )


def _self_refusal(staff, organisation) -> str:
    with pytest.raises(AccountError) as invited:
        actions.invite_colleague(
            organisation=organisation, email=staff.email, role=Role.MANAGER, actor=staff
        )
    return str(invited.value)


def _add_through_the_admin(client, superuser, user, organisation, role=Role.MEMBER):
    """The user change page, as staff fill it in: the account unchanged, one new membership."""
    client.force_login(superuser)
    return client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "is_active": "on",
            "is_staff": "on" if user.is_staff else "",
            "is_superuser": "on" if user.is_superuser else "",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": user.pk,
            "memberships-0-organisation": organisation.pk,
            "memberships-0-role": role,
        },
        follow=True,
    )


def test_staff_cannot_add_themselves_to_a_structure(staff, organisation, owner, mailoutbox):
    with pytest.raises(AccountError) as added:
        actions.add_member(organisation=organisation, user=staff, role=Role.MANAGER, actor=staff)

    assert str(added.value) == _self_refusal(staff, organisation)
    assert "vous inviter vous-même" in str(added.value)
    assert not Membership.objects.filter(user=staff).exists()
    assert mailoutbox == []


def test_staff_cannot_join_a_structure_through_the_admin_inline(
    client, superuser, organisation, owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _add_through_the_admin(client, superuser, superuser, organisation, Role.MANAGER)

    assert response.status_code == 200
    assert "Vous ne pouvez pas vous inviter vous-même" in response.content.decode()
    assert not Membership.objects.filter(user=superuser).exists()
    assert mailoutbox == []


def test_managers_are_told_when_staff_add_someone(
    staff, organisation, owner, colleague_read_only, mailoutbox, django_capture_on_commit_callbacks
):
    newcomer = factories.UserFactory(email="nouvelle@exemple.fr")

    with django_capture_on_commit_callbacks(execute=True):
        actions.add_member(organisation=organisation, user=newcomer, role=Role.MEMBER, actor=staff)

    # The managers only: not the plain member, not the newcomer.
    assert [message.to for message in mailoutbox] == [[owner.email]]
    body = mailoutbox[0].body
    assert "nouvelle@exemple.fr" in body and "a rejoint la structure" in body
    assert f"ajouté·e par {staff.display_name}" in body
    assert organisation.name in mailoutbox[0].subject


def test_managers_are_told_when_staff_add_someone_through_the_admin(
    client, superuser, organisation, owner, mailoutbox, django_capture_on_commit_callbacks
):
    newcomer = factories.UserFactory(email="nouvelle@exemple.fr")

    with django_capture_on_commit_callbacks(execute=True):
        response = _add_through_the_admin(client, superuser, newcomer, organisation)

    assert response.status_code == 200
    assert Membership.objects.filter(user=newcomer, organisation=organisation).exists()
    assert [message.to for message in mailoutbox] == [[owner.email]]
    # Who added the newcomer, not an older invitation.
    assert "Camille Support" in mailoutbox[0].body


def test_nothing_is_sent_when_the_addition_is_refused(
    owner, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(AccountError, match="fait déjà partie"):
            actions.add_member(organisation=organisation, user=owner, role=Role.MEMBER, actor=owner)
    assert mailoutbox == []


def test_whoever_creates_a_structure_still_becomes_its_manager(
    territory, mailoutbox, django_capture_on_commit_callbacks
):
    founder = factories.UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        organisation = create_organisation(
            values={"name": "Espace numérique du parc", "kind": OrganisationKind.DIGITAL},
            actor=founder,
        )

    assert Membership.objects.get(organisation=organisation).user == founder
    assert mailoutbox == []  # nobody else to tell


def test_a_structure_that_follows_people_is_not_founded_again(
    staff, organisation, owner, colleague_read_only
):
    # Its members gone, a structure still holds the files of the people it follows.
    from aiguillage.people.actions import create_person

    create_person(
        actor=owner,
        organisation=organisation,
        values={"first_name": "Jo"},
        purposes=["accompagnement"],
        explained_text="x",
    )
    Membership.objects.filter(organisation=organisation).delete()

    with pytest.raises(AccountError, match="vous inviter vous-même"):
        actions.add_member(organisation=organisation, user=staff, role=Role.MANAGER, actor=staff)
