"""E-mails about accounts, organisations and territories.

Actions schedule these functions with ``transaction.on_commit``; they take ids, reload
what they need and send nothing when the situation changed in between. Subjects never
carry personal data beyond a first name.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from aiguillage.accounts.models import Coordination, Invitation, Membership, Role, User
from aiguillage.jobs.mail import queue_emails
from aiguillage.organisations.models import JoinKind, JoinStatus, Organisation, TerritoryJoinRequest
from aiguillage.territories.models import Territory


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(template: str, context: dict, recipients: list[str]) -> int:
    """One message per recipient, so that nobody sees the others' addresses."""
    if not recipients:
        return 0
    subject = " ".join(render_to_string(f"accounts/emails/{template}_subject.txt", context).split())
    body = render_to_string(f"accounts/emails/{template}_body.txt", context)
    return queue_emails(subject, body, recipients)


def _manager_emails(organisation: Organisation) -> list[str]:
    return list(
        Membership.objects.filter(
            organisation=organisation, role=Role.MANAGER, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def _coordinator_emails(territory: Territory) -> list[str]:
    return list(
        Coordination.objects.filter(territory=territory, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def send_invitation(invitation_id: int) -> int:
    """The link to accept an invitation, to the invited address."""
    invitation = (
        Invitation.objects.select_related("organisation__territory", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_usable:
        return 0
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "inviter_first_name": inviter.first_name or "Un ou une collègue",
        "inviter_name": inviter.display_name,
        # A coordinator who created the structure is not one of its members.
        "from_coordination": not Membership.objects.filter(
            user=inviter, organisation=invitation.organisation
        ).exists(),
        "has_account": User.objects.filter(email=invitation.email).exists(),
        "url": absolute_url(reverse("accounts:invitation", args=[invitation.token])),
    }
    return _send("invitation", context, [invitation.email])


def send_new_member(membership_id: int, *, added_by_id: int | None = None) -> int:
    """Every manager of the structure (but the newcomer) learns who joined, by whose invitation
    (or who added them: ``added_by_id``, staff support in the admin)."""
    membership = (
        Membership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
    )
    if membership is None:
        return 0
    if added_by_id is not None:
        added_by = User.objects.filter(pk=added_by_id).first()
        inviter_name = added_by.display_name if added_by else ""
    else:
        invitation = (
            Invitation.objects.select_related("invited_by")
            .filter(organisation=membership.organisation, accepted_by=membership.user)
            .order_by("-accepted_at")
            .first()
        )
        inviter_name = invitation.invited_by.display_name if invitation else ""
    context = {
        "membership": membership,
        "organisation": membership.organisation,
        "inviter_name": inviter_name,
        "added_directly": added_by_id is not None,
        "url": absolute_url(
            reverse("organisations:organisation_detail", args=[membership.organisation.public_id])
        ),
    }
    managers = [
        email
        for email in _manager_emails(membership.organisation)
        if email != membership.user.email
    ]
    return _send("new_member", context, managers)


def _join_request(join_request_id: int) -> TerritoryJoinRequest | None:
    return (
        TerritoryJoinRequest.objects.select_related("organisation", "territory", "created_by")
        .filter(pk=join_request_id)
        .first()
    )


def send_join_request_received(join_request_id: int) -> int:
    """A structure asks to join: its coordinators are told where to answer."""
    join_request = _join_request(join_request_id)
    if join_request is None or join_request.status != JoinStatus.PENDING:
        return 0
    context = {
        "join_request": join_request,
        "url": absolute_url(
            reverse("organisations:territory_detail", args=[join_request.territory.slug])
        ),
    }
    return _send("join_request", context, _coordinator_emails(join_request.territory))


def send_territory_invitation(join_request_id: int) -> int:
    """A coordinator invites a structure: its managers are told where to answer."""
    join_request = _join_request(join_request_id)
    if join_request is None or join_request.status != JoinStatus.PENDING:
        return 0
    context = {
        "join_request": join_request,
        "url": absolute_url(
            reverse("organisations:organisation_detail", args=[join_request.organisation.public_id])
        ),
    }
    return _send("territory_invitation", context, _manager_emails(join_request.organisation))


def send_join_decision(join_request_id: int, reason: str = "") -> int:
    """The answer goes to the side that did not decide: managers for a request,
    coordinators for an invitation."""
    join_request = _join_request(join_request_id)
    if join_request is None or join_request.status == JoinStatus.PENDING:
        return 0
    if join_request.kind == JoinKind.REQUEST:
        recipients = _manager_emails(join_request.organisation)
        path = reverse(
            "organisations:organisation_detail", args=[join_request.organisation.public_id]
        )
    else:
        recipients = _coordinator_emails(join_request.territory) or [join_request.created_by.email]
        path = reverse("organisations:territory_detail", args=[join_request.territory.slug])
    context = {
        "join_request": join_request,
        "accepted": join_request.status == JoinStatus.ACCEPTED,
        "is_request": join_request.kind == JoinKind.REQUEST,
        "reason": reason,
        "url": absolute_url(path),
    }
    return _send("join_decision", context, recipients)


def send_second_factor_reset(user_id: int) -> int:
    """The account's owner learns that their second factor was removed by the staff."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    context = {"user": user, "url": absolute_url(reverse("accounts:login"))}
    return _send("second_factor_reset", context, [user.email])
