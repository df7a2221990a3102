"""The booking state machine: every allowed pair succeeds and is recorded, every other pair
is refused in French and leaves no trace."""

from __future__ import annotations

import itertools

import pytest

from aiguillage.journal.models import JournalEntry
from aiguillage.pool.booking_actions import transition
from aiguillage.pool.errors import PoolError
from aiguillage.pool.models import ALLOWED_TRANSITIONS, Booking, BookingStatus, BookingStatusChange

S = BookingStatus
PAIRS = list(itertools.product(S.values, S.values))
ALLOWED = [(a, b) for a, b in PAIRS if b in ALLOWED_TRANSITIONS[a]]
FORBIDDEN = [(a, b) for a, b in PAIRS if b not in ALLOWED_TRANSITIONS[a]]


def _put_in(booking: Booking, status: str) -> Booking:
    # Test setup only: start from any status without walking there.
    Booking.objects.filter(pk=booking.pk).update(status=status)
    booking.refresh_from_db()
    return booking


def test_the_table_covers_every_status():
    assert set(ALLOWED_TRANSITIONS) == set(S.values)
    assert ALLOWED_TRANSITIONS[S.REQUESTED] == {S.APPROVED, S.DECLINED, S.CANCELLED}
    assert ALLOWED_TRANSITIONS[S.APPROVED] == {S.CHECKED_OUT, S.CANCELLED}
    assert ALLOWED_TRANSITIONS[S.CHECKED_OUT] == {S.RETURNED}
    assert len(ALLOWED) == 6 and len(FORBIDDEN) == 30


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_every_allowed_transition_is_recorded(booking, owner, organisation, start, to):
    booking = _put_in(booking, start)
    moved = transition(booking, to=to, actor=owner, organisation=organisation, note="ok")
    assert moved.status == to
    change = BookingStatusChange.objects.filter(booking=booking).latest("id")
    assert (change.from_status, change.to_status, change.note) == (start, to, "ok")
    assert change.actor == owner and change.organisation == organisation
    entry = JournalEntry.objects.filter(event="pool_booking_status_changed").latest("id")
    assert entry.data == {"from": start, "to": to}
    assert entry.object_id == str(booking.public_id)


@pytest.mark.parametrize(("start", "to"), FORBIDDEN)
def test_every_forbidden_transition_is_refused_in_french(booking, owner, organisation, start, to):
    booking = _put_in(booking, start)
    before = (BookingStatusChange.objects.count(), JournalEntry.objects.count())
    with pytest.raises(PoolError) as refused:
        transition(booking, to=to, actor=owner, organisation=organisation)
    assert "réservation" in str(refused.value)
    booking.refresh_from_db()
    assert booking.status == start
    assert (BookingStatusChange.objects.count(), JournalEntry.objects.count()) == before
