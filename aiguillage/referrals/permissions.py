"""Who may see and change a referral. Only members of the sending and receiving
structures see it (everyone else, coordinators and staff included, gets 404); the
receiver answers, the sender cancels (the other side gets 403).

What the referral shows of the person (issue 11): the whole file only to structures that
follow the person (``follows_person``); to the other side, what the consent lists while
``receiver_sees_person`` says so; after that, nothing about the person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from aiguillage.accounts.models import User
from aiguillage.journal.actions import log_event
from aiguillage.people.models import Person, PersonAccess
from aiguillage.people.permissions import organisations_of
from aiguillage.referrals.models import ALLOWED_TRANSITIONS, CLOSED_STATUSES, Referral
from aiguillage.referrals.models import ReferralStatus as S
from aiguillage.referrals.rules import RECEIVER_SEES_PERSON_DAYS


def can_see_referral(user: User, referral: Referral) -> bool:
    # One rule: a member of the sending or the receiving structure.
    mine = organisations_of(user)
    return referral.sender_organisation_id in mine or referral.receiver_organisation_id in mine


# The person's fields the « orientation » consent lists, shown to the other side of a referral.
CONSENTED_PERSON_FIELDS = ("first_name", "commune", "languages")
# How long the receiving structure still sees what the consent lists once the appointment
# is past or the outcome recorded (to record the outcome, answer a question).
RECEIVER_SEES_PERSON_FOR = dt.timedelta(days=RECEIVER_SEES_PERSON_DAYS)


def receiver_sees_person(referral: Referral, now: dt.datetime) -> bool:
    """Whether the receiving structure sees, on this referral, what the « orientation » consent
    lists (first name, commune, languages, the need, the sender's message). The one rule of
    when that ends; a structure that only sent the referral (it redirected the person) gets
    the same. ``last_activity_at`` is the time of the last status change (only
    ``actions.transition`` writes it)."""
    status = referral.status
    # Anonymised: there is nobody left to show.
    if referral.anonymised_at is not None:
        return False
    # Waiting for an answer: seen (follow_up_referrals expires it after 30 days).
    if status == S.SENT:
        return True
    # Accepted: until 30 days after the appointment; with no appointment (« venir à ces
    # horaires »), until 30 days after the acceptance.
    if status == S.ACCEPTED:
        start = referral.appointment_at or referral.last_activity_at
        return now <= start + RECEIVER_SEES_PERSON_FOR
    # Came, did not come, accompaniment done: until 30 days after that was recorded.
    if status in (S.CAME, S.NO_SHOW, S.DONE):
        return now <= referral.last_activity_at + RECEIVER_SEES_PERSON_FOR
    # Declined, cancelled, expired, redirected (and any status added later): never.
    return False


def follows_person(organisation_ids: Iterable[int], referral: Referral) -> bool:
    """Whether one of these structures follows the referral's person (``people.PersonAccess``):
    only they see the whole file. Sending a referral grants nothing by itself: the structure
    that redirects a person it received becomes the sender of the next referral."""
    if referral.person is None or referral.anonymised_at or referral.person.anonymised_at:
        return False
    return PersonAccess.objects.filter(
        person_id=referral.person_id, organisation_id__in=list(organisation_ids)
    ).exists()


def can_refer_person(organisation, person: Person) -> bool:
    """« Orienter » from a person's assessment: the current structure follows the person."""
    # Without a current structure, nobody sends a referral.
    if organisation is None:
        return False
    # An anonymised file is not referred any more.
    if person.anonymised_at:
        return False
    # Only a structure that follows the person (like the referral form itself).
    return PersonAccess.objects.filter(person=person, organisation=organisation).exists()


def can_see_whole_person(user: User, referral: Referral) -> bool:
    # Name and contact: only a structure that follows the person.
    return follows_person(organisations_of(user), referral)


def can_see_consented_part(user: User, referral: Referral, now: dt.datetime) -> bool:
    # What the consent lists: structures that follow the person, and the other side of the
    # referral (receiver, or a sender that redirected) while receiver_sees_person says so.
    return receiver_sees_person(referral, now) or can_see_whole_person(user, referral)


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
            # the other declared fields are blanked on this in-memory copy, which is never
            # saved (activity is recorded by a query, people.actions.touch_person).
            for name in Person.PERSONAL_DATA_FIELDS:
                if name not in CONSENTED_PERSON_FIELDS:
                    setattr(person, name, Person._meta.get_field(name).get_default())
            log_event("person_accessed", actor=user, obj=person, data={"purpose": "réorientation"})
            return person
    return None
