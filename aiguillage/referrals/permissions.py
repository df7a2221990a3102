"""Who may see and change a referral. Only members of the sending and receiving
structures see it (everyone else, coordinators and staff included, gets 404); the
receiver answers, the sender cancels (the other side gets 403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from aiguillage.accounts.models import User
from aiguillage.journal.actions import log_event
from aiguillage.people.permissions import organisations_of
from aiguillage.referrals.models import Referral


def can_see_referral(user: User, referral: Referral) -> bool:
    # One rule: a member of the sending or the receiving structure.
    mine = organisations_of(user)
    return referral.sender_organisation_id in mine or referral.receiver_organisation_id in mine


def can_answer_referral(user: User, referral: Referral) -> bool:
    # The receiving structure accepts, declines and records the outcome.
    return referral.receiver_organisation_id in organisations_of(user)


def can_cancel_referral(user: User, referral: Referral) -> bool:
    # The sending structure may withdraw its referral (the person found help elsewhere).
    return referral.sender_organisation_id in organisations_of(user)


def get_referral_for_user(
    user: User, public_id, *, answer: bool = False, cancel: bool = False
) -> Referral:
    """The referral, or 404 for outsiders; 403 when the user's side may not do what is asked.

    Every successful access is journaled: the page shows a person's data.
    """
    try:
        referral = (
            Referral.objects.select_related(
                "person",
                "person__commune",
                "consent",
                "consent__recorded_by",
                "consent__organisation",
                "place",
                "place__territory",
                "sender_organisation",
                "receiver_organisation",
                "sent_by",
                "origin_commune",
                "previous",
            )
            .filter(public_id=public_id)
            .first()
        )
    except ValidationError as error:
        raise Http404("Orientation introuvable") from error
    # Outsiders must not learn that the referral exists.
    if referral is None or not can_see_referral(user, referral):
        raise Http404("Orientation introuvable")
    # The sender does not answer its own referral.
    if answer and not can_answer_referral(user, referral):
        raise PermissionDenied("Seule la structure qui reçoit l'orientation peut y répondre.")
    # The receiver does not cancel it.
    if cancel and not can_cancel_referral(user, referral):
        raise PermissionDenied("Seule la structure qui a envoyé l'orientation peut l'annuler.")
    log_event(
        "referral_accessed",
        actor=user,
        obj=referral,
        territory_id=referral.territory_id,
        data={"answer": answer, "cancel": cancel},
    )
    return referral
