"""Roll call and completion: once every session of a cycle is held and called, each
participant is « suivi » when present at the territory's share of held sessions."""

from __future__ import annotations

import pytest

from aiguillage.workshops import actions, attendance_actions
from aiguillage.workshops.errors import WorkshopError
from aiguillage.workshops.models import Attendance, Enrolment, EnrolmentStatus
from tests.workshops import factories as wf

E = EnrolmentStatus
pytestmark = pytest.mark.django_db
P, X, A = "present", "excused", "absent"


def _call(owner, sessions, enrolment, marks):
    for session, mark in zip(sessions, marks, strict=True):
        attendance_actions.record_attendance(actor=owner, session=session, marks={enrolment: mark})


@pytest.fixture
def five(owner, organisation):
    """A cycle of five sessions, all held, and two participants."""
    cycle = wf.cycle(owner, organisation, sessions=5, capacity=4)
    ali = wf.enrol(owner, organisation, cycle, "Ali")
    binta = wf.enrol(owner, organisation, cycle, "Binta")
    sessions = list(cycle.sessions.order_by("starts_at"))
    wf.shift_to_past(sessions)
    return cycle, sessions, ali, binta


def test_roll_call_records_who_came_and_when(owner, organisation, session):
    enrolment = wf.enrol(owner, organisation, session)
    wf.start_now(session)
    [mark] = attendance_actions.record_attendance(
        actor=owner, session=session, marks={enrolment: P}
    )
    assert (mark.status, mark.recorded_by) == (P, owner)
    session.refresh_from_db()
    assert session.roll_call_at is not None
    enrolment.refresh_from_db()
    assert enrolment.status == E.COMPLETED  # a stand-alone session: being there


def test_a_corrected_mark_replaces_the_first(owner, organisation, session):
    enrolment = wf.enrol(owner, organisation, session)
    wf.start_now(session)
    attendance_actions.record_attendance(actor=owner, session=session, marks={enrolment: P})
    attendance_actions.record_attendance(actor=owner, session=session, marks={enrolment: A})
    assert Attendance.objects.get().status == A
    enrolment.refresh_from_db()
    assert enrolment.status == E.INCOMPLETE


def test_completion_waits_for_every_roll_call_then_applies_80_percent(owner, five):
    cycle, sessions, ali, binta = five
    _call(owner, sessions[:4], ali, [P, P, P, P])
    _call(owner, sessions[:4], binta, [P, A, X, P])
    ali.refresh_from_db()
    assert ali.status == E.ENROLLED  # the last session has no roll call yet
    attendance_actions.record_attendance(actor=owner, session=sessions[4], marks={ali: A, binta: P})
    ali.refresh_from_db()
    binta.refresh_from_db()
    assert ali.status == E.COMPLETED  # 4 of 5 = 80 %
    assert binta.status == E.INCOMPLETE  # 3 of 5: excused is not attended
    assert set(Enrolment.objects.completed()) == {ali}


def test_a_correction_after_the_end_settles_again(owner, five):
    cycle, sessions, ali, binta = five
    _call(owner, sessions, ali, [P, P, P, A, A])
    ali.refresh_from_db()
    assert ali.status == E.INCOMPLETE
    attendance_actions.record_attendance(actor=owner, session=sessions[3], marks={ali: P})
    ali.refresh_from_db()
    assert ali.status == E.COMPLETED
    assert [c.to_status for c in ali.changes.all()] == [E.ENROLLED, E.INCOMPLETE, E.COMPLETED]


def test_a_cancelled_session_is_not_counted_as_held(owner, organisation):
    cycle = wf.cycle(owner, organisation, sessions=5, capacity=4)
    ali = wf.enrol(owner, organisation, cycle, "Ali")
    sessions = list(cycle.sessions.order_by("starts_at"))
    actions.cancel_session(actor=owner, session=sessions[2])
    held = [s for i, s in enumerate(sessions) if i != 2]
    wf.shift_to_past(held)
    _call(owner, held, ali, [P, P, P, A])  # 3 of 4 held = 75 %
    ali.refresh_from_db()
    assert ali.status == E.INCOMPLETE


def test_the_cycle_threshold_decides(owner, organisation, territory):
    actions.set_completion_threshold(actor=owner, territory=territory, percent=60)
    cycle = wf.cycle(owner, organisation, sessions=5, capacity=4)
    ali = wf.enrol(owner, organisation, cycle, "Ali")
    sessions = list(cycle.sessions.order_by("starts_at"))
    wf.shift_to_past(sessions)
    _call(owner, sessions, ali, [P, P, P, A, A])
    ali.refresh_from_db()
    assert ali.status == E.COMPLETED


def test_no_roll_call_before_the_day_or_for_a_cancelled_session(owner, organisation, session):
    enrolment = wf.enrol(owner, organisation, session)
    with pytest.raises(WorkshopError, match="le jour de la séance"):
        attendance_actions.record_attendance(actor=owner, session=session, marks={enrolment: P})
    actions.cancel_session(actor=owner, session=session)
    with pytest.raises(WorkshopError, match="annulée"):
        attendance_actions.record_attendance(actor=owner, session=session, marks={enrolment: P})


def test_only_people_holding_a_seat_are_called(owner, organisation, session):
    wf.enrol(owner, organisation, session, "Ali")
    wf.enrol(owner, organisation, session, "Binta")
    waiting = wf.enrol(owner, organisation, session, "Chloé")
    wf.start_now(session)
    with pytest.raises(WorkshopError, match="pas de place"):
        attendance_actions.record_attendance(actor=owner, session=session, marks={waiting: P})
    with pytest.raises(WorkshopError, match="présent, excusé ou absent"):
        attendance_actions.record_attendance(
            actor=owner, session=session, marks={Enrolment.objects.first(): "dormait"}
        )
    assert not Attendance.objects.exists()
