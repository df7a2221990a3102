"""Who may see and change a referral. Only members of the sending and receiving
structures see it (everyone else, coordinators and staff included, gets 404); the
receiver answers, the sender cancels (the other side gets 403)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from aiguillage.accounts.models import User
from aiguillage.journal.actions import log_event
from aiguillage.people.models import Person
from aiguillage.people.permissions import organisations_of
from aiguillage.referrals.models import ALLOWED_TRANSITIONS, CLOSED_STATUSES, Referral
from aiguillage.referrals.models import ReferralStatus as S


def can_see_referral(user: User, referral: Referral) -> bool:
    # One rule: a member of the sending or the receiving structure.
    mine = organisations_of(user)
    return referral.sender_organisation_id in mine or referral.receiver_organisation_id in mine


# After the accompaniment, the receiving structure still sees who came for this long
# (to record the outcome, answer a question); then the referral shows no person to it.
RECEIVER_SEES_DONE_FOR = dt.timedelta(days=30)
_RECEIVER_CLOSED = {"declined", "cancelled", "expired", "redirected"}
_RECEIVER_FINISHED = {"came", "no_show", "done"}


def receiver_sees_person(referral: Referral, now: dt.datetime) -> bool:
    """What the consent lists (first name, commune, languages, need, the sender's message)
    is shown to the receiving structure only while the referral lives: never once it is
    declined, cancelled, expired or redirected, and for RECEIVER_SEES_DONE_FOR after the
    outcome is recorded."""
    if referral.status in _RECEIVER_CLOSED:
        return False
    if referral.status in _RECEIVER_FINISHED:
        return now - referral.last_activity_at <= RECEIVER_SEES_DONE_FOR
    return True


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


def get_person_for_redirection(user: User, organisation, public_id) -> Person | None:
    """A person the user's structure does not follow but received a referral of, which it may
    still redirect elsewhere (the receiver's « Réorienter »); None otherwise. Journaled."""
    if organisation is None or organisation.pk not in organisations_of(user):
        return None
    now = timezone.now()
    live = (
        Referral.objects.filter(person__public_id=public_id, receiver_organisation=organisation)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("person", "person__commune")
    )
    for referral in live:
        if S.REDIRECTED in ALLOWED_TRANSITIONS[referral.status] and receiver_sees_person(
            referral, now
        ):
            person = referral.person
            # The receiver sees the consented part only (first name, commune, languages):
            # the rest is blanked on this in-memory copy, which is never saved (activity is
            # recorded by a query, people.actions.touch_person).
            person.last_name = ""
            person.contact_value = ""
            log_event("person_accessed", actor=user, obj=person, data={"purpose": "réorientation"})
            return person
    return None
