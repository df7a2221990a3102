"""E-mails about workshops, and the SMS text a professional forwards to a participant.

Actions schedule these functions with ``transaction.on_commit``; they take ids and reload
what they need. Subjects carry no personal data; bodies carry first names at most (those
of the people the recipient's own structure enrolled), and links need a login.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from aiguillage.accounts.models import Membership, Role
from aiguillage.accounts.notifications import absolute_url
from aiguillage.jobs.mail import queue_emails
from aiguillage.organisations.models import Organisation
from aiguillage.places.models import Place
from aiguillage.workshops import rules
from aiguillage.workshops.models import (
    OPEN_STATUSES,
    Cycle,
    Enrolment,
    Session,
    SessionStatus,
)


def _send(template: str, context: dict, recipients: Iterable[str]) -> int:
    recipients = sorted(set(recipients))
    if not recipients:
        return 0
    subject = render_to_string(f"workshops/emails/{template}_subject.txt", context)
    body = render_to_string(f"workshops/emails/{template}_body.txt", context)
    return queue_emails(" ".join(subject.split()), body, recipients)


def _managers(organisation: Organisation) -> list[str]:
    return list(
        Membership.objects.filter(
            organisation=organisation, role=Role.MANAGER, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def _active_members(organisation_id: int, user_ids: Iterable[int]) -> list[str]:
    return list(
        Membership.objects.filter(
            organisation_id=organisation_id, user_id__in=list(user_ids), user__is_active=True
        ).values_list("user__email", flat=True)
    )


def organiser_emails(session: Session) -> list[str]:
    """Who runs the session: its facilitators and its author, or the structure's managers
    when none of them is still a member."""
    people = {user.pk for user in session.facilitators.all()} | {session.created_by_id}
    return _active_members(session.organisation_id, people) or _managers(session.organisation)


def prescriber_emails(enrolments: Iterable[Enrolment]) -> list[str]:
    """The professionals who enrolled these people, or their structure's managers once they
    have left it."""
    enrolments = list(enrolments)
    if not enrolments:
        return []
    organisation = enrolments[0].prescriber_organisation
    found = _active_members(organisation.pk, {e.enrolled_by_id for e in enrolments})
    return found or _managers(organisation)


def place_text(place: Place | None) -> str:
    if place is None:
        return ""
    return f"{place.nom}, {place.full_address}"


def next_session(target: Cycle | Session, *, now: dt.datetime) -> Session | None:
    if isinstance(target, Session):
        return target if target.status == SessionStatus.PLANNED and target.ends_at > now else None
    return target.sessions.published().filter(ends_at__gt=now).order_by("starts_at").first()


def participant_sms_text(target: Cycle | Session, *, first_name: str, change: str = "") -> str:
    """What to send the participant: what changed, the next session, where, the phone."""
    now = timezone.now()
    tz = target.territory.tz
    upcoming = next_session(target, now=now)
    when = ""
    place = target.place
    if upcoming is not None:
        when = rules.when_text(upcoming.starts_at.astimezone(tz), upcoming.ends_at.astimezone(tz))
        place = upcoming.place or place
    phone = (place.telephone if place else "") or target.organisation.phone
    return rules.sms_text(
        first_name=first_name,
        title=target.title,
        change=change,
        when=when,
        place=place_text(place),
        phone=phone,
    )


def _first_name(enrolment: Enrolment) -> str:
    person = enrolment.person
    if person is None or person.anonymised_at:
        return ""
    return person.first_name


def send_session_changed(
    session_id: int,
    *,
    previous_starts_at: dt.datetime | None = None,
    enrolment_ids: list[int] | None = None,
) -> int:
    """A session moved or cancelled: each prescriber hears about their own people, the
    organiser about everyone; each message carries an SMS text for the participants."""
    session = (
        Session.objects.select_related("territory", "organisation", "place", "cycle")
        .prefetch_related("facilitators")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        return 0
    tz = session.territory.tz
    cancelled = session.status == SessionStatus.CANCELLED
    enrolments = Enrolment.objects.select_related("person", "prescriber_organisation")
    if enrolment_ids is not None:
        enrolments = enrolments.filter(pk__in=enrolment_ids)
    else:
        enrolments = enrolments.for_target(session.target).filter(status__in=OPEN_STATUSES)
    when = rules.when_text(session.starts_at.astimezone(tz), session.ends_at.astimezone(tz))
    before = (previous_starts_at or session.starts_at).astimezone(tz)
    if cancelled:
        change = f"La séance du {rules.day_text(before.date())} est annulée."
    else:
        change = f"La séance du {rules.day_text(before.date())} est déplacée au {when}."
    context = {
        "session": session,
        "title": session.title,
        "cancelled": cancelled,
        "change": change,
        "reason": session.cancel_reason,
        "place": place_text(session.place),
        "url": absolute_url(reverse("workshops:session_detail", args=[session.public_id])),
        "sms": participant_sms_text(session.target, first_name="", change=change),
    }
    by_prescriber: dict[int, list[Enrolment]] = defaultdict(list)
    for enrolment in enrolments:
        by_prescriber[enrolment.prescriber_organisation_id].append(enrolment)
    sent = 0
    for organisation_id, group in by_prescriber.items():
        if organisation_id == session.organisation_id:
            continue  # the organiser's own participants are in the organiser's message
        names = [name for name in map(_first_name, group) if name]
        sent += _send(
            "session_changed",
            context | {"for_organiser": False, "count": len(group), "names": names},
            prescriber_emails(group),
        )
    every = [e for group in by_prescriber.values() for e in group]
    names = [name for name in map(_first_name, every) if name]
    sent += _send(
        "session_changed",
        context | {"for_organiser": True, "count": len(every), "names": names},
        organiser_emails(session),
    )
    return sent


def send_promoted(enrolment_id: int) -> int:
    """A seat freed up: the person left the waiting list. Their prescriber and the
    organiser are told, with an SMS text for the person."""
    enrolment = (
        Enrolment.objects.select_related(
            "person", "prescriber_organisation", "cycle", "session", "territory"
        )
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        return 0
    target = enrolment.target
    first_name = _first_name(enrolment)
    upcoming = next_session(target, now=timezone.now())
    if upcoming is None:
        return 0
    tz = enrolment.territory.tz
    context = {
        "title": target.title,
        "first_name": first_name,
        "when": rules.when_text(upcoming.starts_at.astimezone(tz), upcoming.ends_at.astimezone(tz)),
        "url": absolute_url(reverse("workshops:enrolment_detail", args=[enrolment.public_id])),
        "sms": participant_sms_text(
            target,
            first_name=first_name,
            change="Une place s'est libérée : vous êtes inscrit(e).",
        ),
    }
    recipients = set(prescriber_emails([enrolment])) | set(organiser_emails(upcoming))
    return _send("enrolment_promoted", context, recipients)
