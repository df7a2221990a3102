"""Late returns: a loan handed over and not back at the end of its period is reminded to the
borrowing structure by e-mail, at most once a day (``remind_late_pool_returns``, daily).

``remind_late_booking`` sets ``Booking.late_reminded_at`` in the same transaction as its
journal entry, and the e-mail leaves after the commit: a rerun the same day, or a second
worker running the command at the same time, sends nothing more.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from aiguillage.journal.actions import log_event
from aiguillage.pool import notifications
from aiguillage.pool.models import Booking, BookingStatus


def start_of_day(now: dt.datetime) -> dt.datetime:
    """Midnight of ``now``'s day, on the platform's clock (Europe/Paris)."""
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _due(now: dt.datetime) -> Q:
    return Q(late_reminded_at__isnull=True) | Q(late_reminded_at__lt=start_of_day(now))


def bookings_to_remind(*, now: dt.datetime) -> list[Booking]:
    """Late loans not reminded yet today, the oldest end first."""
    return list(Booking.objects.late(now).filter(_due(now)).order_by("ends_at", "id"))


def remind_late_booking(*, booking: Booking, now: dt.datetime) -> bool:
    """Mark the loan reminded, journal it and send the reminder after the commit. False when
    it came back, was reminded today meanwhile, or is being reminded by another run."""
    with transaction.atomic():
        current = (
            Booking.objects.select_for_update(skip_locked=True)
            .filter(pk=booking.pk, status=BookingStatus.CHECKED_OUT)
            .filter(_due(now))
            .first()
        )
        if current is None:
            return False
        # Conditional too, for databases without row locks (SQLite).
        if not Booking.objects.filter(_due(now), pk=current.pk).update(late_reminded_at=now):
            return False
        log_event(
            "pool_late_return_reminded",
            actor=None,
            obj=current,
            territory_id=current.territory_id,
            data={"ends_at": current.ends_at.isoformat()},
        )
        transaction.on_commit(lambda: notifications.send_late_reminder(current.pk))
    return True
