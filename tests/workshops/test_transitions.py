"""The enrolment state machine: every allowed pair succeeds and is recorded, every other
pair is refused in French and leaves no trace."""

from __future__ import annotations

import itertools

import pytest

from aiguillage.journal.models import JournalEntry
from aiguillage.workshops.enrolment_actions import transition
from aiguillage.workshops.errors import WorkshopError
from aiguillage.workshops.models import (
    ALLOWED_TRANSITIONS,
    Enrolment,
    EnrolmentStatus,
    EnrolmentStatusChange,
)
from tests.workshops import factories as wf

E = EnrolmentStatus
PAIRS = list(itertools.product(E.values, E.values))
ALLOWED = [(a, b) for a, b in PAIRS if b in ALLOWED_TRANSITIONS[a]]
FORBIDDEN = [(a, b) for a, b in PAIRS if b not in ALLOWED_TRANSITIONS[a]]


@pytest.fixture
def enrolment(owner, organisation, session):
    return wf.enrol(owner, organisation, session)


def _put_in(enrolment: Enrolment, status: str) -> Enrolment:
    # Test setup only: start from any status without walking there.
    Enrolment.objects.filter(pk=enrolment.pk).update(status=status)
    enrolment.refresh_from_db()
    return enrolment


def test_the_table_covers_every_status_and_the_waiting_list():
    assert set(ALLOWED_TRANSITIONS) == set(E.values)
    assert ALLOWED_TRANSITIONS[E.WAITING] == {E.ENROLLED, E.CANCELLED}
    assert not ALLOWED_TRANSITIONS[E.CANCELLED]
    assert len(ALLOWED) == 7 and len(FORBIDDEN) == 18


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_every_allowed_transition_is_recorded(enrolment, owner, organisation, start, to):
    enrolment = _put_in(enrolment, start)
    moved = transition(enrolment, to=to, actor=owner, organisation=organisation, note="ok")
    assert moved.status == to
    change = EnrolmentStatusChange.objects.filter(enrolment=enrolment).latest("id")
    assert (change.from_status, change.to_status, change.note) == (start, to, "ok")
    assert change.actor == owner and change.organisation == organisation
    entry = JournalEntry.objects.filter(event="workshop_enrolment_status_changed").latest("id")
    assert entry.data == {"from": start, "to": to}
    assert entry.object_id == str(enrolment.public_id)
    assert (moved.closed_at is not None) == (to != E.ENROLLED)


@pytest.mark.parametrize(("start", "to"), FORBIDDEN)
def test_every_forbidden_transition_is_refused_in_french(enrolment, owner, organisation, start, to):
    enrolment = _put_in(enrolment, start)
    changes = EnrolmentStatusChange.objects.count()
    with pytest.raises(WorkshopError) as refused:
        transition(enrolment, to=to, actor=owner, organisation=organisation)
    assert "inscription" in str(refused.value)
    enrolment.refresh_from_db()
    assert enrolment.status == start
    assert EnrolmentStatusChange.objects.count() == changes
