"""The invitation journey end to end with the test client: invite, e-mail, link, join."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.accounts import actions
from aiguillage.accounts.middleware import SESSION_KEY
from aiguillage.accounts.models import Invitation, Membership, Role, User
from tests import factories
from tests.second_factor import code_for_key, key_from_setup_page, recovery_codes_of

pytestmark = pytest.mark.django_db


def _invite_url(organisation) -> str:
    return reverse("organisations:invitation_create", args=[organisation.public_id])


def _link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/invitation/[^/\s]+/)", message.body).group(1)


def _invitation(owner, organisation, email="ines.martin@exemple.fr", role=Role.MEMBER):
    return actions.invite_colleague(organisation=organisation, email=email, role=role, actor=owner)


def test_newcomer_is_invited_creates_an_account_and_lands_in_the_structure(
    client, owner, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _invite_url(organisation), {"email": "Ines.Martin@Exemple.fr", "role": "member"}
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ines.martin@exemple.fr"]
    link = _link_path(mailoutbox[0])
    client.logout()

    form_page = client.get(link)
    assert form_page.status_code == 200
    assert "Créez votre compte" in form_page.content.decode()

    mismatch = client.post(
        link,
        {
            "first_name": "Inès",
            "last_name": "Martin",
            "password1": "Phrase-longue-2026",
            "password2": "Autre-phrase-2026",
        },
    )
    assert "Les deux mots de passe ne sont pas identiques." in mismatch.content.decode()
    assert not User.objects.filter(email="ines.martin@exemple.fr").exists()

    joined = client.post(
        link,
        {
            "first_name": "Inès",
            "last_name": "Martin",
            "password1": "Phrase-longue-2026",
            "password2": "Phrase-longue-2026",
        },
    )
    assert joined.status_code == 302
    assert joined.url == reverse("organisations:organisation_detail", args=[organisation.public_id])
    user = User.objects.get(email="ines.martin@exemple.fr")
    membership = Membership.objects.get(user=user, organisation=organisation)
    assert membership.role == Role.MEMBER
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session[SESSION_KEY] == membership.pk
    # Before the structure's page, the newcomer protects the account with a second factor.
    setup = client.get(joined.url, follow=True)
    assert setup.redirect_chain[-1][0].startswith(reverse("accounts:second_factor_setup"))
    assert "Bienvenue dans la structure « Médiathèque du centre »" in setup.content.decode()
    key = key_from_setup_page(setup.content.decode())
    activated = client.post(
        setup.redirect_chain[-1][0], {"code": code_for_key(key), "next": joined.url}
    )
    assert len(recovery_codes_of(activated.content.decode())) == 10
    page = client.get(joined.url)
    assert page.status_code == 200
    assert "<h1>Médiathèque du centre" in page.content.decode()

    client.logout()
    used = client.get(link)
    assert used.status_code == 410
    assert "Cette invitation a déjà été utilisée" in used.content.decode()


def test_weak_password_is_refused_in_french(client, owner, organisation):
    invitation = _invitation(owner, organisation)

    response = client.post(
        reverse("accounts:invitation", args=[invitation.token]),
        {"first_name": "Inès", "last_name": "Martin", "password1": "123", "password2": "123"},
    )

    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in response.content.decode()
    assert not Membership.objects.filter(
        organisation=organisation, user__email=invitation.email
    ).exists()


def test_person_with_an_account_logs_in_then_accepts(client, owner, organisation):
    invited = factories.UserFactory(email="ines.martin@exemple.fr")
    invitation = _invitation(owner, organisation, role=Role.MANAGER)
    link = reverse("accounts:invitation", args=[invitation.token])

    anonymous = client.get(link)
    assert "Se connecter pour accepter" in anonymous.content.decode()
    assert f"{reverse('accounts:login')}?next={link}" in anonymous.content.decode()

    login = client.post(
        f"{reverse('accounts:login')}?next={link}",
        {"username": "INES.MARTIN@exemple.fr", "password": "motdepasse-test", "next": link},
    )
    assert login.status_code == 302
    assert login.url == link
    confirm = client.get(link)
    assert "Rejoindre la structure" in confirm.content.decode()
    assert not Membership.objects.filter(user=invited, organisation=organisation).exists()

    accepted = client.post(link)

    assert accepted.status_code == 302
    assert Membership.objects.get(user=invited, organisation=organisation).role == Role.MANAGER


def test_someone_logged_in_with_another_address_is_asked_to_log_out(
    client, owner, organisation, outsider
):
    invitation = _invitation(owner, organisation)
    link = reverse("accounts:invitation", args=[invitation.token])
    client.force_login(outsider)

    page = client.get(link)
    posted = client.post(link)

    assert "destinée à une autre adresse" in page.content.decode()
    assert posted.status_code == 200
    assert not Membership.objects.filter(user=outsider, organisation=organisation).exists()
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_unknown_invitation_link_is_a_french_404(client):
    response = client.get(reverse("accounts:invitation", args=["pas-un-vrai-jeton"]))

    assert response.status_code == 404
    assert "Invitation introuvable" in response.content.decode()


def test_expired_invitation_link_is_a_french_410(client, owner, organisation):
    invitation = _invitation(owner, organisation)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    response = client.get(reverse("accounts:invitation", args=[invitation.token]))

    assert response.status_code == 410
    assert "Cette invitation n'est plus valable" in response.content.decode()


def test_invite_page_refuses_an_address_already_member(
    client, owner, organisation, colleague_read_only
):
    client.force_login(owner)

    response = client.post(
        _invite_url(organisation), {"email": colleague_read_only.email, "role": "member"}
    )

    assert response.status_code == 200
    assert "Cette personne fait déjà partie de la structure." in response.content.decode()
    assert not Invitation.objects.exists()


def test_invite_page_rejects_a_malformed_address(client, owner, organisation):
    client.force_login(owner)

    response = client.post(_invite_url(organisation), {"email": "ines@", "role": "member"})

    assert response.status_code == 200
    assert "Saisissez une adresse e-mail valide" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invite_page_shows_the_form_to_managers(client, owner, organisation):
    client.force_login(owner)

    response = client.get(_invite_url(organisation))

    assert response.status_code == 200
    assert "Adresse e-mail de votre collègue" in response.content.decode()


def test_plain_member_gets_403_on_the_invite_page(client, colleague_read_only, organisation):
    client.force_login(colleague_read_only)

    assert client.get(_invite_url(organisation)).status_code == 403
    assert (
        client.post(_invite_url(organisation), {"email": "a@b.fr", "role": "member"}).status_code
        == 403
    )


def test_outsider_gets_404_on_the_invite_page(client, outsider, organisation):
    client.force_login(outsider)

    assert client.get(_invite_url(organisation)).status_code == 404


def test_coordinator_of_the_territory_may_invite_into_a_structure(
    client, coordinator, organisation
):
    client.force_login(coordinator)

    response = client.post(
        _invite_url(organisation), {"email": "ines@exemple.fr", "role": "manager"}
    )

    assert response.status_code == 302
    assert Invitation.objects.get().role == Role.MANAGER


def test_manager_resends_and_cancels_a_pending_invitation(
    client, owner, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = _invitation(owner, organisation)
    client.force_login(owner)
    args = [organisation.public_id, invitation.public_id]

    detail = reverse("organisations:organisation_detail", args=[organisation.public_id])
    assert "Invitations en attente" in client.get(detail).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("organisations:invitation_resend", args=args))
    client.post(reverse("organisations:invitation_cancel", args=args))

    assert len(mailoutbox) == 1
    assert not Invitation.objects.get(pk=invitation.pk).is_usable
    page = client.get(detail)
    assert "Invitations en attente" not in page.content.decode()


def test_plain_member_gets_403_when_cancelling_an_invitation(
    client, owner, colleague_read_only, organisation
):
    invitation = _invitation(owner, organisation)
    client.force_login(colleague_read_only)

    response = client.post(
        reverse(
            "organisations:invitation_cancel", args=[organisation.public_id, invitation.public_id]
        )
    )

    assert response.status_code == 403
    assert Invitation.objects.get(pk=invitation.pk).is_usable
