"""Nobody joins a structure on their own word (issue 11, F1): a coordinator or staff member
who invited themselves would read the files of every person the structure follows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.accounts import actions
from aiguillage.accounts.actions import AccountError
from aiguillage.accounts.models import Invitation, Membership, Role
from aiguillage.jobs.models import OutgoingEmail
from tests import factories


def test_a_coordinator_cannot_invite_themselves_into_a_structure(
    client, coordinator, organisation, owner
):
    client.force_login(coordinator)
    response = client.post(
        reverse("organisations:invitation_create", args=[organisation.public_id]),
        {"email": coordinator.email.upper(), "role": Role.MANAGER},
        follow=True,
    )
    assert "Vous ne pouvez pas vous inviter vous-même" in response.content.decode()
    assert not Invitation.objects.exists()
    assert not Membership.objects.filter(user=coordinator).exists()


def test_staff_cannot_invite_themselves_either(db, staff, organisation):
    with pytest.raises(AccountError, match="vous inviter vous-même"):
        actions.invite_colleague(
            organisation=organisation, email=staff.email, role=Role.MANAGER, actor=staff
        )


def test_an_invitation_one_sent_cannot_be_accepted_by_oneself(db, coordinator, organisation):
    # Even if it reached them (an address changed since, an alias): the rule is on the people.
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=coordinator.email,
        role=Role.MANAGER,
        invited_by=coordinator,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    with pytest.raises(AccountError, match="une invitation que vous avez envoyée"):
        actions.accept_invitation(invitation=invitation, actor=coordinator)
    assert not Membership.objects.filter(user=coordinator).exists()


def test_managers_are_told_of_every_new_member(
    db, owner, organisation, smtp_server, django_capture_on_commit_callbacks
):
    colleague = factories.UserFactory(email="nouvelle@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = actions.invite_colleague(
            organisation=organisation, email=colleague.email, role=Role.MEMBER, actor=owner
        )
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept_invitation(invitation=invitation, actor=colleague)
    told = [envelope for envelope in smtp_server.envelopes if envelope.rcpt_tos == [owner.email]]
    assert len(told) == 1
    body = told[0].content.decode()
    assert "nouvelle@exemple.fr" in body and "a rejoint la structure" in body
    assert not OutgoingEmail.objects.exists()
