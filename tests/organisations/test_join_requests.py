"""How a structure joins a territory: its request, or the coordinator's invitation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.accounts.models import Invitation, Role
from aiguillage.journal.models import JournalEntry
from aiguillage.organisations import actions
from aiguillage.organisations.actions import OrganisationError
from aiguillage.organisations.models import JoinKind, JoinStatus, Organisation, TerritoryJoinRequest
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(db):
    """A structure registered on the platform, in no territory yet."""
    return factories.OrganisationFactory(name="Association Clic", territory=None)


@pytest.fixture
def newcomer_manager(newcomer):
    return factories.MembershipFactory(
        organisation=newcomer, manager=True, user__email="resp@clic.fr"
    ).user


@pytest.fixture
def pending_request(newcomer, newcomer_manager, territory):
    return actions.request_territory_join(
        organisation=newcomer, territory=territory, message="Bonjour", actor=newcomer_manager
    )


def _territory_page(territory) -> str:
    return reverse("organisations:territory_detail", args=[territory.slug])


# --- The structure asks -----------------------------------------------------------


def test_manager_asks_to_join_and_coordinators_are_emailed(
    client,
    newcomer,
    newcomer_manager,
    territory,
    coordinator,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(newcomer_manager)
    url = reverse("organisations:territory_join", args=[newcomer.public_id])
    assert "Métropole de test" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"territory": territory.pk, "message": "Nous aidons."})

    assert response.status_code == 302
    join = TerritoryJoinRequest.objects.get()
    assert (join.kind, join.status, join.message) == (
        JoinKind.REQUEST,
        JoinStatus.PENDING,
        "Nous aidons.",
    )
    assert join.created_by == newcomer_manager
    assert [message.to for message in mailoutbox] == [[coordinator.email]]
    assert "Nous aidons." in mailoutbox[0].body
    assert _territory_page(territory) in mailoutbox[0].body
    assert JournalEntry.objects.filter(event="territory_join_requested").exists()


def test_a_second_pending_request_to_the_same_territory_is_refused(
    client, pending_request, newcomer, newcomer_manager, territory
):
    client.force_login(newcomer_manager)

    response = client.post(
        reverse("organisations:territory_join", args=[newcomer.public_id]),
        {"territory": territory.pk},
    )

    assert response.status_code == 200
    assert "Une demande est déjà en attente pour ce territoire." in response.content.decode()
    assert TerritoryJoinRequest.objects.count() == 1


def test_a_structure_cannot_ask_for_its_own_territory(owner, organisation, territory):
    with pytest.raises(OrganisationError, match="fait déjà partie de ce territoire"):
        actions.request_territory_join(organisation=organisation, territory=territory, actor=owner)


def test_join_form_requires_a_territory(client, newcomer, newcomer_manager):
    client.force_login(newcomer_manager)

    response = client.post(reverse("organisations:territory_join", args=[newcomer.public_id]), {})

    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not TerritoryJoinRequest.objects.exists()


def test_plain_member_gets_403_on_the_join_request(client, colleague_read_only, organisation):
    client.force_login(colleague_read_only)

    url = reverse("organisations:territory_join", args=[organisation.public_id])

    assert client.get(url).status_code == 403


def test_outsider_gets_404_on_the_join_request(client, outsider, newcomer):
    client.force_login(outsider)

    url = reverse("organisations:territory_join", args=[newcomer.public_id])

    assert client.get(url).status_code == 404


# --- The coordinator decides ------------------------------------------------------


def test_coordinator_accepts_a_request_and_managers_are_emailed(
    client,
    coordinator,
    pending_request,
    newcomer,
    territory,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(coordinator)
    assert "Association Clic" in client.get(_territory_page(territory)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "organisations:join_request_accept",
                args=[territory.slug, pending_request.public_id],
            )
        )

    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.territory == territory
    pending_request.refresh_from_db()
    assert pending_request.status == JoinStatus.ACCEPTED
    assert pending_request.decided_by == coordinator
    assert [message.to for message in mailoutbox] == [["resp@clic.fr"]]
    assert mailoutbox[0].subject == (
        "Votre demande pour rejoindre le territoire Métropole de test a été acceptée"
    )
    assert JournalEntry.objects.filter(event="territory_join_accepted", actor=coordinator).exists()


def test_declining_needs_a_reason_which_is_emailed(
    client,
    coordinator,
    pending_request,
    territory,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(coordinator)
    url = reverse(
        "organisations:join_request_decline", args=[territory.slug, pending_request.public_id]
    )

    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 200
    assert "Ce champ est obligatoire." in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Votre structure est hors du territoire."})

    assert response.status_code == 302
    pending_request.refresh_from_db()
    assert pending_request.status == JoinStatus.DECLINED
    assert Organisation.objects.get(pk=pending_request.organisation_id).territory is None
    assert "a été refusée" in mailoutbox[0].subject
    assert "Votre structure est hors du territoire." in mailoutbox[0].body
    entry = JournalEntry.objects.get(event="territory_join_declined")
    assert entry.data["reason"] == "Votre structure est hors du territoire."


def test_the_decline_action_refuses_an_empty_reason(coordinator, pending_request):
    with pytest.raises(OrganisationError, match="Indiquez la raison du refus"):
        actions.decline_join_request(join_request=pending_request, reason=" ", actor=coordinator)


def test_a_decided_request_cannot_be_decided_again(client, coordinator, pending_request, territory):
    actions.accept_join_request(join_request=pending_request, actor=coordinator)
    client.force_login(coordinator)

    response = client.post(
        reverse(
            "organisations:join_request_accept", args=[territory.slug, pending_request.public_id]
        )
    )

    assert response.status_code == 404
    with pytest.raises(OrganisationError, match="déjà reçu une réponse"):
        actions.decline_join_request(join_request=pending_request, reason="Non", actor=coordinator)


def test_member_of_a_territory_structure_gets_403_on_a_decision(
    client, outsider, pending_request, territory
):
    client.force_login(outsider)

    response = client.post(
        reverse(
            "organisations:join_request_accept", args=[territory.slug, pending_request.public_id]
        )
    )

    assert response.status_code == 403
    pending_request.refresh_from_db()
    assert pending_request.status == JoinStatus.PENDING


def test_coordinator_of_another_territory_gets_404_on_a_decision(
    client, pending_request, territory
):
    elsewhere = factories.CoordinationFactory(territory=factories.TerritoryFactory(name="Ailleurs"))
    client.force_login(elsewhere.user)

    response = client.get(
        reverse(
            "organisations:join_request_decline", args=[territory.slug, pending_request.public_id]
        )
    )

    assert response.status_code == 404


def test_accepting_a_request_moves_a_structure_from_its_previous_territory(
    owner, organisation, coordinator
):
    other = factories.TerritoryFactory(name="Voisin")
    join = actions.request_territory_join(organisation=organisation, territory=other, actor=owner)

    actions.accept_join_request(join_request=join, actor=coordinator)

    organisation.refresh_from_db()
    assert organisation.territory == other
    entry = JournalEntry.objects.get(event="territory_join_accepted")
    assert entry.data["previous_territory"] is not None


# --- The coordinator invites ----------------------------------------------------


def test_coordinator_invites_an_existing_structure_and_its_manager_accepts(
    client,
    coordinator,
    newcomer,
    newcomer_manager,
    territory,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(coordinator)
    url = reverse("organisations:territory_invite_organisation", args=[territory.slug])
    assert "Association Clic" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"organisation": newcomer.pk, "message": "Rejoignez-nous !"})
    join = TerritoryJoinRequest.objects.get()
    assert (join.kind, join.status) == (JoinKind.INVITATION, JoinStatus.PENDING)
    assert mailoutbox[0].to == ["resp@clic.fr"]
    assert (
        mailoutbox[0].subject
        == "Le territoire Métropole de test invite votre structure sur Aiguillage"
    )

    client.force_login(newcomer_manager)
    detail = reverse("organisations:organisation_detail", args=[newcomer.public_id])
    assert "Accepter l'invitation" in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "organisations:territory_invitation_accept",
                args=[newcomer.public_id, join.public_id],
            )
        )

    newcomer.refresh_from_db()
    assert newcomer.territory == territory
    assert mailoutbox[1].to == [coordinator.email]
    assert mailoutbox[1].subject == (
        "« Association Clic » a accepté l'invitation du territoire Métropole de test"
    )


def test_manager_declines_a_territory_invitation_without_a_reason(
    client, coordinator, newcomer, newcomer_manager, territory
):
    join = actions.invite_organisation_to_territory(
        organisation=newcomer, territory=territory, actor=coordinator
    )
    client.force_login(newcomer_manager)

    response = client.post(
        reverse(
            "organisations:territory_invitation_decline", args=[newcomer.public_id, join.public_id]
        ),
        {"reason": ""},
    )

    assert response.status_code == 302
    join.refresh_from_db()
    assert join.status == JoinStatus.DECLINED
    newcomer.refresh_from_db()
    assert newcomer.territory is None


def test_plain_member_gets_403_when_answering_a_territory_invitation(
    client, coordinator, newcomer, territory
):
    member = factories.MembershipFactory(organisation=newcomer).user
    join = actions.invite_organisation_to_territory(
        organisation=newcomer, territory=territory, actor=coordinator
    )
    client.force_login(member)

    response = client.post(
        reverse(
            "organisations:territory_invitation_accept", args=[newcomer.public_id, join.public_id]
        )
    )

    assert response.status_code == 403
    newcomer.refresh_from_db()
    assert newcomer.territory is None


def test_inviting_a_structure_that_already_asked_is_refused(
    coordinator, pending_request, newcomer, territory
):
    with pytest.raises(OrganisationError, match="déjà demandé à rejoindre"):
        actions.invite_organisation_to_territory(
            organisation=newcomer, territory=territory, actor=coordinator
        )


def test_asking_while_invited_points_to_the_invitation(
    coordinator, newcomer, newcomer_manager, territory
):
    actions.invite_organisation_to_territory(
        organisation=newcomer, territory=territory, actor=coordinator
    )

    with pytest.raises(OrganisationError, match="acceptez son invitation"):
        actions.request_territory_join(
            organisation=newcomer, territory=territory, actor=newcomer_manager
        )


def test_coordinator_can_only_invite_structures_without_territory(
    client, coordinator, territory, newcomer
):
    elsewhere = factories.OrganisationFactory(territory=factories.TerritoryFactory(name="Voisin"))
    client.force_login(coordinator)

    response = client.post(
        reverse("organisations:territory_invite_organisation", args=[territory.slug]),
        {"organisation": elsewhere.pk},
    )

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not TerritoryJoinRequest.objects.exists()


def test_structure_member_gets_403_on_the_invite_structure_page(client, outsider, territory):
    client.force_login(outsider)

    url = reverse("organisations:territory_invite_organisation", args=[territory.slug])

    assert client.get(url).status_code == 403


# --- The coordinator registers a structure ----------------------------------------


def test_coordinator_registers_a_structure_and_invites_its_manager(
    client, coordinator, territory, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator.first_name = "Camille"
    coordinator.save()
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:territory_create_organisation", args=[territory.slug]),
            {"name": "CCAS d'Échirolles", "kind": "social", "manager_email": "Dir@CCAS.fr"},
        )

    assert response.status_code == 302
    organisation = Organisation.objects.get(name="CCAS d'Échirolles")
    assert organisation.territory == territory
    assert not organisation.memberships.exists()
    join = TerritoryJoinRequest.objects.get(organisation=organisation)
    assert (join.kind, join.status, join.decided_by) == (
        JoinKind.INVITATION,
        JoinStatus.ACCEPTED,
        coordinator,
    )
    invitation = Invitation.objects.get(organisation=organisation)
    assert (invitation.email, invitation.role) == ("dir@ccas.fr", Role.MANAGER)
    assert mailoutbox[0].to == ["dir@ccas.fr"]
    assert (
        mailoutbox[0].subject == "Camille vous invite à gérer « CCAS d'Échirolles » sur Aiguillage"
    )
    assert "responsable" in mailoutbox[0].body


def test_registering_a_structure_with_a_bad_manager_address_creates_nothing(
    client, coordinator, territory
):
    client.force_login(coordinator)

    response = client.post(
        reverse("organisations:territory_create_organisation", args=[territory.slug]),
        {"name": "CCAS", "kind": "social", "manager_email": "dir@"},
    )

    assert response.status_code == 200
    assert "Saisissez une adresse e-mail valide" in response.content.decode()
    assert not Organisation.objects.filter(name="CCAS").exists()


def test_structure_member_gets_403_when_registering_a_structure(client, owner, territory):
    client.force_login(owner)

    url = reverse("organisations:territory_create_organisation", args=[territory.slug])

    assert client.get(url).status_code == 403
