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
from aiguillage.people.models import ContactPreference, Person
from aiguillage.places.models import Place
from aiguillage.workshops import rules
from aiguillage.workshops.models import (
    OPEN_STATUSES,
    Cycle,
    Enrolment,
    EnrolmentStatus,
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


# --- Reminder of the day before (reminder_actions.remind_session) ---------------------------

REMINDER_CHANGE = "Rappel : c'est demain."


def reminder_address(person: Person | None) -> str:
    """The e-mail of a person who chose to be contacted by e-mail, else ""."""
    if person is None or person.anonymised_at:
        return ""
    if person.contact_preference != ContactPreference.EMAIL:
        return ""
    value = person.contact_value.strip()
    return value if "@" in value else ""


def _reminder_group(enrolments: list[Enrolment]) -> dict:
    """What a structure reads about the participants it enrolled and must tell itself:
    first names to send the SMS to, anonymous participants, those not to contact."""
    names, quiet, without_file = [], [], 0
    for enrolment in enrolments:
        person = enrolment.person
        if person is None:
            without_file += 1
        elif person.contact_preference == ContactPreference.NONE:
            quiet.append(person.first_name)
        else:
            names.append(person.first_name)
    return {
        "names": names,
        "listed": names + quiet,
        "without_file": without_file,
        "quiet": quiet,
        "to_tell": len(names) + without_file,
    }


def send_session_reminder(session_id: int) -> int:
    """The day before a session. Participants who chose e-mail get a short reminder; each
    prescriber structure gets one message about its other participants, with the SMS text to
    send them (not to those who asked not to be contacted); the organiser gets a summary."""
    session = (
        Session.objects.select_related("territory", "organisation", "place", "cycle")
        .prefetch_related("facilitators")
        .filter(pk=session_id)
        .first()
    )
    if session is None or session.status != SessionStatus.PLANNED:
        return 0
    tz = session.territory.tz
    place = session.place
    context = {
        "title": session.title,
        "when": rules.when_text(session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)),
        "place_name": place.nom if place else "",
        "address": place.full_address if place else "",
        "phone": (place.telephone if place else "") or session.organisation.phone,
        "organiser": session.organisation.name,
        "sms": participant_sms_text(session, first_name="", change=REMINDER_CHANGE),
    }
    enrolments = (
        Enrolment.objects.for_target(session.target)
        .filter(status__in=OPEN_STATUSES)
        .select_related("person", "prescriber_organisation")
    )
    enrolled, waiting = [], 0
    for enrolment in enrolments:
        if enrolment.status == EnrolmentStatus.ENROLLED:
            enrolled.append(enrolment)
        else:
            waiting += 1
    sent = 0
    emailed: dict[int, int] = defaultdict(int)
    by_prescriber: dict[int, list[Enrolment]] = defaultdict(list)
    for enrolment in enrolled:
        address = reminder_address(enrolment.person)
        if address:
            sent += _send("session_reminder_participant", context, [address])
            emailed[enrolment.prescriber_organisation_id] += 1
        elif enrolment.person is None or not enrolment.person.anonymised_at:
            by_prescriber[enrolment.prescriber_organisation_id].append(enrolment)
    context["url"] = absolute_url(reverse("workshops:session_detail", args=[session.public_id]))
    for organisation_id, group in by_prescriber.items():
        if organisation_id == session.organisation_id:
            continue  # the organiser's own participants are in the organiser's summary
        sent += _send(
            "session_reminder",
            context
            | {"for_organiser": False, "emailed": emailed[organisation_id]}
            | _reminder_group(group),
            prescriber_emails(group),
        )
    summary = {
        "for_organiser": True,
        "enrolled": len(enrolled),
        "capacity": session.target.capacity or 0,
        "waiting": waiting,
        "emailed": sum(emailed.values()),
        "url": absolute_url(reverse("workshops:roll_call", args=[session.public_id])),
    }
    own = _reminder_group(by_prescriber.get(session.organisation_id, []))
    sent += _send("session_reminder", context | summary | own, organiser_emails(session))
    return sent
