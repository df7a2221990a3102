"""E-mails leave through the task queue: the action never waits for the mail server.

``queue_emails`` stores one message per recipient (nobody sees the others' addresses) and
enqueues its delivery. ``deliver`` sends one message with ``EMAIL_TIMEOUT``; when
the server refuses or is unreachable, the message waits and is tried again with a growing
delay (``queue.retry_delay``) for ``EMAIL_RETRY_HOURS``, then is kept as given up for staff
to see in the admin. A delivered message is deleted; a given-up one is deleted
``GIVEN_UP_EMAILS_KEPT_DAYS`` after it was written (``purge_given_up_emails``, scheduled).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from aiguillage.jobs.models import OutgoingEmail, OutgoingEmailStatus
from aiguillage.jobs.queue import retry_delay

logger = logging.getLogger(__name__)

# A message claimed by a worker that died is claimed again after this long.
SENDING_CLAIM_TIMEOUT = dt.timedelta(minutes=5)
# Given-up messages stay this long for staff to see why (admin), then are deleted: their
# bodies hold first names and links.
GIVEN_UP_EMAILS_KEPT_DAYS = 30


_discarding = threading.local()


@contextmanager
def emails_discarded() -> Iterator[None]:
    """Messages written inside this block go nowhere (the demo's fictional recipients)."""
    _discarding.active = True
    try:
        yield
    finally:
        _discarding.active = False


def queue_emails(subject: str, body: str, recipients: Iterable[str]) -> int:
    """Store one message per recipient and deliver them after the caller's commit."""
    from aiguillage.jobs.tasks import deliver_email

    if getattr(_discarding, "active", False):
        return 0
    emails = OutgoingEmail.objects.bulk_create(
        OutgoingEmail(to=to, subject=subject[:300], body=body) for to in sorted(set(recipients))
    )
    # Notifications call this on commit already; in a transaction, the database backend's task
    # rows commit (or roll back) together with the messages.
    for email in emails:
        deliver_email.enqueue(email.pk)
    return len(emails)


def _claim(email_id: int) -> OutgoingEmail | None:
    """Take the message for this worker; None if sent, given up or being sent elsewhere."""
    now = timezone.now()
    claimable = OutgoingEmail.objects.filter(pk=email_id).exclude(status=OutgoingEmailStatus.FAILED)
    claimable = claimable.exclude(
        status=OutgoingEmailStatus.SENDING, claimed_at__gt=now - SENDING_CLAIM_TIMEOUT
    )
    if not claimable.update(status=OutgoingEmailStatus.SENDING, claimed_at=now):
        return None
    return OutgoingEmail.objects.get(pk=email_id)


def deliver(email_id: int) -> dt.datetime | None:
    """Send one stored message. Returns when to try again, or None when nothing is left."""
    email = _claim(email_id)
    if email is None:
        return None
    message = EmailMessage(email.subject, email.body, to=[email.to])
    try:
        with get_connection(timeout=settings.EMAIL_TIMEOUT) as connection:
            connection.send_messages([message])
    except Exception as error:  # SMTP refusals, timeouts, unreachable server alike
        email.attempts += 1
        email.last_error = f"{type(error).__name__}: {error}"[:300]
        give_up_at = email.created_at + dt.timedelta(hours=settings.EMAIL_RETRY_HOURS)
        next_attempt = timezone.now() + retry_delay(email.attempts)
        if next_attempt > give_up_at:
            email.status = OutgoingEmailStatus.FAILED
            email.next_attempt_at = None
            logger.error("E-mail %s given up after %s attempts", email.pk, email.attempts)
        else:
            email.status = OutgoingEmailStatus.PENDING
            email.next_attempt_at = next_attempt
            logger.warning("E-mail %s not delivered (attempt %s)", email.pk, email.attempts)
        email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        return email.next_attempt_at
    email.delete()
    return None


def given_up_emails(*, now: dt.datetime, days: int):
    """Messages given up and written more than ``days`` ago; those still tried are kept."""
    return OutgoingEmail.objects.filter(
        status=OutgoingEmailStatus.FAILED, created_at__lt=now - dt.timedelta(days=days)
    )
