"""A presence at the roll call counts as an accompaniment, once; a correction withdraws it."""

from __future__ import annotations

import pytest

from aiguillage.activities.models import ActivityRecord
from aiguillage.workshops import attendance_actions
from tests.workshops import factories as wf

pytestmark = pytest.mark.django_db


def test_a_presence_is_one_collective_accompaniment_of_the_organiser(
    owner, organisation, session, person, social_worker, social_organisation
):
    from aiguillage.workshops.enrolment_actions import enrol_person

    enrolment = enrol_person(
        actor=social_worker, target=session, person=person,
        prescriber_organisation=social_organisation,
    )  # fmt: skip
    wf.start_now(session)

    attendance_actions.record_attendance(actor=owner, session=session, marks={enrolment: "present"})
    attendance_actions.record_attendance(actor=owner, session=session, marks={enrolment: "present"})

    record = ActivityRecord.objects.get()
    assert record.organisation == organisation and record.source == "attendance"
    assert record.kind == "collective" and record.participants == 1
    assert record.themes == ["equipementInformatique"]
    assert record.duration_minutes == 120 and record.follow_up == "workshop"
    assert record.person == person and record.commune == person.commune
    assert record.age_bracket == "plus60ans"  # born in 1961


def test_a_roll_call_corrected_to_absent_withdraws_it(owner, organisation, session):
    enrolment = wf.enrol(owner, organisation, session, "Zoé")
    wf.start_now(session)
    attendance_actions.record_attendance(actor=owner, session=session, marks={enrolment: "present"})
    assert ActivityRecord.objects.count() == 1

    attendance_actions.record_attendance(actor=owner, session=session, marks={enrolment: "absent"})

    assert not ActivityRecord.objects.exists()


def test_an_excused_person_counts_nothing(owner, organisation, session):
    enrolment = wf.enrol(owner, organisation, session, "Zoé")
    wf.start_now(session)
    attendance_actions.record_attendance(actor=owner, session=session, marks={enrolment: "excused"})
    assert not ActivityRecord.objects.exists()
