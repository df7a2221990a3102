"""Builders for pool tests: everything goes through the actions, as the pages do.

Times are a few days ahead at a wall-clock hour of the territory, so that tests never rot
with the calendar.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from aiguillage.pool import actions, booking_actions

TABLETS = {
    "name": "6 tablettes Android",
    "category": "tablette",
    "description": "Dans une valise, chargées.",
    "condition": "bon",
    "accessories": ["chargeur", "housse", "câble USB"],
    "is_available_for_loan": True,
}


def local(territory, days: int, hour: int, minute: int = 0) -> dt.datetime:
    """An aware moment ``days`` from today at ``hour`` (territory's wall clock)."""
    tz = territory.tz
    day = timezone.now().astimezone(tz).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def item(actor, organisation, **values):
    return actions.create_item(actor=actor, organisation=organisation, values=TABLETS | values)


def booking(actor, item, organisation, *, days: int = 3, length_days: int = 2, hour: int = 9):
    territory = item.territory
    return booking_actions.request_booking(
        actor=actor,
        item=item,
        organisation=organisation,
        starts_at=local(territory, days, hour),
        ends_at=local(territory, days + length_days, hour),
        purpose="Atelier tablettes",
    )
