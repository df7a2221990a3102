"""Inviting colleagues by e-mail: the rules of the actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aiguillage.accounts import actions
from aiguillage.accounts.actions import AccountError
from aiguillage.accounts.models import Invitation, Membership, Role, User
from aiguillage.journal.models import JournalEntry
from tests import factories

pytestmark = pytest.mark.django_db


def _invite(owner, organisation, email="Nouvelle.Collegue@Exemple.fr", role=Role.MEMBER):
    return actions.invite_colleague(organisation=organisation, email=email, role=role, actor=owner)


def test_invitation_is_stored_lower_case_with_its_validity_and_journaled(
    owner, organisation, settings
):
    settings.INVITATION_VALIDITY_DAYS = 14
    before = timezone.now()

    invitation = _invite(owner, organisation)

    assert invitation.email == "nouvelle.collegue@exemple.fr"
    assert invitation.invited_by == owner
    assert len(invitation.token) >= 40
    assert before + dt.timedelta(days=14) <= invitation.expires_at
    assert invitation.expires_at <= timezone.now() + dt.timedelta(days=14)
    entry = JournalEntry.objects.get(event="invitation_sent")
    assert entry.actor == owner
    assert entry.object_id == str(invitation.public_id)
    assert entry.data == {"organisation": str(organisation.public_id), "role": "member"}


def test_invitation_email_leaves_only_on_commit(
    owner, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _invite(owner, organisation)
    assert mailoutbox == []
    assert len(callbacks) == 1

    callbacks[0]()

    assert [message.to for message in mailoutbox] == [["nouvelle.collegue@exemple.fr"]]


def test_reinviting_a_pending_address_resends_instead_of_duplicating(
    owner, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _invite(owner, organisation)
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        second = _invite(
            owner, organisation, email="nouvelle.collegue@exemple.fr", role=Role.MANAGER
        )

    assert second.pk == first.pk
    assert second.token == first.token
    assert second.role == Role.MANAGER
    assert second.expires_at > timezone.now() + dt.timedelta(days=13)
    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 2
    assert JournalEntry.objects.filter(event="invitation_resent").count() == 1


def test_reinviting_after_expiry_creates_a_new_link(owner, organisation):
    first = _invite(owner, organisation)
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))

    second = _invite(owner, organisation)

    assert second.pk != first.pk
    assert second.token != first.token


def test_inviting_a_member_is_refused(owner, organisation, colleague_read_only):
    with pytest.raises(AccountError, match="fait déjà partie de la structure"):
        _invite(owner, organisation, email=colleague_read_only.email.upper())


@pytest.mark.parametrize(
    ("email", "role", "message"),
    [
        ("pas-une-adresse", Role.MEMBER, "adresse e-mail valide"),
        ("ok@exemple.fr", "chef", "Choisissez un rôle"),
    ],
)
def test_invitation_with_bad_input_is_refused(owner, organisation, email, role, message):
    with pytest.raises(AccountError, match=message):
        _invite(owner, organisation, email=email, role=role)
    assert not Invitation.objects.exists()


def test_existing_account_accepts_with_the_invited_role(owner, organisation):
    invited = factories.UserFactory(email="nouvelle.collegue@exemple.fr")
    invitation = _invite(owner, organisation, role=Role.MANAGER)

    membership = actions.accept_invitation(invitation=invitation, actor=invited)

    assert membership.role == Role.MANAGER
    assert membership.organisation == organisation
    invitation.refresh_from_db()
    assert invitation.accepted_by == invited
    assert invitation.accepted_at is not None
    assert not invitation.is_usable
    assert JournalEntry.objects.filter(event="invitation_accepted", actor=invited).exists()


def test_another_account_cannot_accept_someone_elses_invitation(owner, organisation, outsider):
    invitation = _invite(owner, organisation)

    with pytest.raises(AccountError, match="destinée à une autre adresse"):
        actions.accept_invitation(invitation=invitation, actor=outsider)
    assert not Membership.objects.filter(user=outsider, organisation=organisation).exists()


def test_an_invitation_serves_once(owner, organisation):
    invitation = _invite(owner, organisation)
    actions.create_account_from_invitation(
        invitation=invitation, first_name="Inès", last_name="Martin", password="Phrase-longue-2026"
    )

    with pytest.raises(AccountError, match="déjà été utilisée"):
        actions.create_account_from_invitation(
            invitation=invitation, first_name="X", last_name="Y", password="Phrase-longue-2026"
        )


def test_expired_or_cancelled_invitation_cannot_be_accepted(owner, organisation):
    invited = factories.UserFactory(email="nouvelle.collegue@exemple.fr")
    invitation = actions.cancel_invitation(invitation=_invite(owner, organisation), actor=owner)

    with pytest.raises(AccountError, match="expiré"):
        actions.accept_invitation(invitation=invitation, actor=invited)
    assert JournalEntry.objects.filter(event="invitation_cancelled").exists()


def test_new_account_from_invitation_creates_user_and_membership(owner, organisation):
    invitation = _invite(owner, organisation)

    membership = actions.create_account_from_invitation(
        invitation=invitation,
        first_name=" Inès ",
        last_name="Martin",
        password="Phrase-longue-2026",
    )

    user = User.objects.get(email="nouvelle.collegue@exemple.fr")
    assert membership.user == user
    assert (user.first_name, user.last_name) == ("Inès", "Martin")
    assert user.check_password("Phrase-longue-2026")
    assert membership.role == Role.MEMBER
    assert JournalEntry.objects.filter(event="user_created", actor=user).exists()


def test_new_account_is_refused_when_the_address_already_has_one(owner, organisation):
    invitation = _invite(owner, organisation)
    factories.UserFactory(email="nouvelle.collegue@exemple.fr")

    with pytest.raises(AccountError, match="Un compte existe déjà"):
        actions.create_account_from_invitation(
            invitation=invitation, first_name="A", last_name="B", password="Phrase-longue-2026"
        )


def test_accepted_invitation_cannot_be_cancelled_or_resent(owner, organisation):
    invitation = _invite(owner, organisation)
    actions.create_account_from_invitation(
        invitation=invitation, first_name="A", last_name="B", password="Phrase-longue-2026"
    )

    with pytest.raises(AccountError, match="déjà été acceptée"):
        actions.cancel_invitation(invitation=invitation, actor=owner)
    with pytest.raises(AccountError, match="déjà été acceptée"):
        actions.resend_invitation(invitation=invitation, actor=owner)


def test_invitation_email_shows_the_expiry_in_paris_time(
    owner, organisation, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://aiguillage.example"
    owner.first_name = "Nadia"
    owner.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = _invite(owner, organisation)
    # 23:30 UTC on 6 December is 00:30 on 7 December in Paris (UTC+1 in winter).
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=dt.datetime(2099, 12, 6, 23, 30, tzinfo=dt.UTC)
    )

    callbacks[0]()

    message = mailoutbox[0]
    assert "valable jusqu'au 7 décembre 2099 à 00h30" in message.body
    assert (
        message.subject == "Nadia vous invite à rejoindre « Médiathèque du centre » sur Aiguillage"
    )
    assert f"https://aiguillage.example/invitation/{invitation.token}/" in message.body
