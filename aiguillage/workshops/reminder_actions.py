"""The reminder of the day before a session (``remind_workshop_participants``, daily).

A session is reminded once: ``remind_session`` sets ``Session.reminder_sent_at`` in the same
transaction as its journal entry, and the e-mails (``notifications.send_session_reminder``)
leave after the commit. A rerun, or a second worker running the command at the same time,
finds the session reminded already and sends nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from aiguillage.journal.actions import log_event
from aiguillage.workshops import notifications
from aiguillage.workshops.models import OPEN_STATUSES, Enrolment, Session, SessionStatus

# Tomorrow ends less than two days from now in any time zone; a margin covers clock changes.
LOOK_AHEAD = dt.timedelta(days=3)


def is_tomorrow(session: Session, *, now: dt.datetime) -> bool:
    """Whether the session starts on the day after ``now``, on its territory's wall clock."""
    tz = session.territory.tz
    return session.starts_at.astimezone(tz).date() == now.astimezone(tz).date() + dt.timedelta(1)


def sessions_to_remind(*, now: dt.datetime) -> list[Session]:
    """Planned sessions (published or not) starting tomorrow in their territory, not reminded
    yet, with someone enrolled or waiting (in the session, or in its cycle)."""
    open_enrolments = Enrolment.objects.filter(status__in=OPEN_STATUSES)
    candidates = (
        Session.objects.planned()
        .filter(reminder_sent_at__isnull=True, starts_at__gt=now, starts_at__lt=now + LOOK_AHEAD)
        .alias(
            has_session_enrolments=Exists(open_enrolments.filter(session=OuterRef("pk"))),
            has_cycle_enrolments=Exists(open_enrolments.filter(cycle=OuterRef("cycle"))),
        )
        .filter(
            Q(cycle__isnull=True, has_session_enrolments=True)
            | Q(cycle__isnull=False, has_cycle_enrolments=True)
        )
        .select_related("territory")
        .order_by("starts_at", "id")
    )
    return [session for session in candidates if is_tomorrow(session, now=now)]


def remind_session(*, session: Session, now: dt.datetime) -> bool:
    """Mark the session reminded, journal it and send the reminders after the commit.

    False when it was reminded meanwhile, was cancelled, or is being reminded by another
    run (its row is locked: skipped rather than waited for)."""
    with transaction.atomic():
        current = (
            Session.objects.select_for_update(skip_locked=True)
            .filter(pk=session.pk, status=SessionStatus.PLANNED, reminder_sent_at__isnull=True)
            .first()
        )
        if current is None:
            return False
        # Conditional too, for databases without row locks (SQLite). Not ``updated_at``: the
        # calendars' « last modified » is about the session itself.
        if not Session.objects.filter(pk=current.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        ):
            return False
        log_event(
            "workshop_session_reminded",
            actor=None,
            obj=current,
            territory_id=current.territory_id,
            data={"starts_at": current.starts_at.isoformat()},
        )
        transaction.on_commit(lambda: notifications.send_session_reminder(current.pk))
    return True
