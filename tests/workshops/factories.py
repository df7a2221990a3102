"""Builders for workshop tests: everything goes through the actions, as the pages do.

Times are a few weeks ahead at a wall-clock hour of the territory, so that tests never rot
with the calendar; ``shift_to_past`` moves a created session back for roll-call tests.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from aiguillage.people.actions import create_person
from aiguillage.people.rules import CONSENT_EXPLANATION
from aiguillage.workshops import actions, enrolment_actions
from aiguillage.workshops.models import Session, WorkshopKind


def local(territory, days: int, hour: int, minute: int = 0) -> dt.datetime:
    """An aware moment ``days`` from today at ``hour`` (territory's wall clock)."""
    tz = territory.tz
    day = timezone.now().astimezone(tz).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def kind(territory, code: str = "initiation_ordinateur") -> WorkshopKind:
    actions.create_default_catalogue(actor=None, territory=territory)
    return WorkshopKind.objects.get(territory=territory, code=code)


def session(actor, organisation, *, days: int = 14, hour: int = 14, capacity: int = 8, **extra):
    territory = organisation.territory
    values = {
        "kind": kind(territory),
        "title": "Premiers pas sur ordinateur",
        "starts_at": local(territory, days, hour),
        "ends_at": local(territory, days, hour + 2),
        "capacity": capacity,
    } | extra
    return actions.create_session(actor=actor, organisation=organisation, **values)


def cycle(
    actor, organisation, *, sessions: int = 5, capacity: int = 8, first_day: int = 14, **extra
):
    territory = organisation.territory
    slots = [
        (local(territory, first_day + 7 * i, 14), local(territory, first_day + 7 * i, 16))
        for i in range(sessions)
    ]
    values = {
        "kind": kind(territory),
        "title": "Ordi'Pratique",
        "slots": slots,
        "capacity": capacity,
    } | extra
    return actions.create_cycle(actor=actor, organisation=organisation, **values)


def person(actor, organisation, first_name: str = "Fatima", *, purposes=None, **values):
    return create_person(
        actor=actor,
        organisation=organisation,
        values={"first_name": first_name, **values},
        purposes=purposes or ["accompagnement", "orientation"],
        explained_text=CONSENT_EXPLANATION,
    )


def enrol(actor, organisation, target, first_name: str = "Fatima", **extra):
    who = person(actor, organisation, first_name)
    return enrolment_actions.enrol_person(
        actor=actor, target=target, person=who, prescriber_organisation=organisation, **extra
    )


def shift_to_past(sessions, *, days: int = 1) -> None:
    """Test setup only: move sessions that the actions created in the future into the past."""
    for item in sessions:
        delta = item.starts_at - (timezone.now() - dt.timedelta(days=days))
        Session.objects.filter(pk=item.pk).update(
            starts_at=item.starts_at - delta, ends_at=item.ends_at - delta
        )
        item.refresh_from_db()


def start_now(item) -> None:
    """Test setup only: the session started a minute ago (roll call is today)."""
    length = item.ends_at - item.starts_at
    start = timezone.now() - dt.timedelta(minutes=1)
    Session.objects.filter(pk=item.pk).update(starts_at=start, ends_at=start + length)
    item.refresh_from_db()
