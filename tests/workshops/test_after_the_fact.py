"""Workshops entered after they took place, people counted without enrolment, and the
« Bilan des ateliers » computed from them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.journal.models import JournalEntry
from aiguillage.workshops import actions, attendance_actions, enrolment_actions, rules
from aiguillage.workshops.errors import WorkshopError
from aiguillage.workshops.models import (
    E,
    Enrolment,
    Session,
    SessionHeadcount,
    WorkshopKind,
)
from aiguillage.workshops.report import workshop_report
from tests import factories
from tests.workshops import factories as wf


def past_slots(territory, count: int, *, weeks_ago: int = 20, hour: int = 14):
    return [
        (
            wf.local(territory, -7 * (weeks_ago - week), hour),
            wf.local(territory, -7 * (weeks_ago - week), hour + 2),
        )
        for week in range(count)
    ]


def past_cycle(owner, organisation, count: int = 4, **extra):
    values = {
        "kind": wf.kind(organisation.territory),
        "title": "Ordi'Pratique 2019",
        "slots": past_slots(organisation.territory, count),
        "capacity": 8,
        "after_the_fact": True,
    } | extra
    return actions.create_cycle(actor=owner, organisation=organisation, **values)


# --- Entering a past workshop ------------------------------------------------------------------


def test_a_past_cycle_is_entered_unpublished_and_marked(owner, organisation):
    cycle = past_cycle(owner, organisation, is_published=True)
    assert not cycle.is_published
    sessions = list(cycle.sessions.all())
    assert len(sessions) == 4
    assert all(s.recorded_afterwards and not s.is_published for s in sessions)
    entry = JournalEntry.objects.filter(event="workshop_cycle_created").last()
    assert entry.data["after"] is True


def test_a_future_date_is_refused_after_the_fact(owner, organisation):
    territory = organisation.territory
    with pytest.raises(WorkshopError, match="pas encore finie"):
        actions.create_session(
            actor=owner,
            organisation=organisation,
            kind=wf.kind(territory),
            title="Demain",
            starts_at=wf.local(territory, 1, 14),
            ends_at=wf.local(territory, 1, 16),
            capacity=5,
            after_the_fact=True,
        )
    assert not Session.objects.exists()


def test_a_past_date_is_still_refused_without_the_after_the_fact_mark(owner, organisation):
    with pytest.raises(WorkshopError, match="déjà commencée"):
        past_cycle(owner, organisation, after_the_fact=False)


def test_a_year_too_far_back_is_refused_as_a_likely_typing_slip(owner, organisation):
    territory = organisation.territory
    year = timezone.now().year - rules.AFTER_THE_FACT_MAX_YEARS - 1
    start = dt.datetime(year, 3, 3, 14, tzinfo=territory.tz)
    with pytest.raises(WorkshopError, match="trop ancienne"):
        actions.create_session(
            actor=owner, organisation=organisation, kind=wf.kind(territory), title="Vieux",
            starts_at=start, ends_at=start + dt.timedelta(hours=2), capacity=5,
            after_the_fact=True,
        )  # fmt: skip
    oldest = dt.datetime(year + 1, 3, 3, 14, tzinfo=territory.tz)
    session = actions.create_session(
        actor=owner, organisation=organisation, kind=wf.kind(territory), title="Ancien",
        starts_at=oldest, ends_at=oldest + dt.timedelta(hours=2), capacity=5,
        after_the_fact=True,
    )  # fmt: skip
    assert session.recorded_afterwards


def test_a_busy_facilitator_in_the_past_is_history_not_a_conflict(owner, organisation):
    territory = organisation.territory
    slots = past_slots(territory, 1)
    first = past_cycle(owner, organisation, count=1, facilitators=[owner], slots=slots)
    second = past_cycle(owner, organisation, count=1, facilitators=[owner], slots=slots)
    assert first.pk != second.pk


def test_participants_are_added_to_a_past_cycle_and_the_roll_call_settles_it(owner, organisation):
    cycle = past_cycle(owner, organisation, count=4)
    regular = enrolment_actions.enrol_anonymous(
        actor=owner, target=cycle, organisation=organisation, age_bracket="soixante_dix_plus"
    )
    rare = enrolment_actions.enrol_anonymous(actor=owner, target=cycle, organisation=organisation)
    for index, session in enumerate(cycle.sessions.order_by("starts_at")):
        attendance_actions.record_attendance(
            actor=owner,
            session=session,
            marks={regular: "present", rare: "present" if index == 0 else "absent"},
        )
    regular.refresh_from_db()
    rare.refresh_from_db()
    assert (regular.status, rare.status) == (E.COMPLETED, E.INCOMPLETE)


def test_a_past_session_entered_normally_still_refuses_late_enrolment(owner, organisation):
    session = wf.session(owner, organisation, days=3)
    wf.shift_to_past([session], days=2)
    with pytest.raises(WorkshopError, match="déjà commencé"):
        enrolment_actions.enrol_anonymous(actor=owner, target=session, organisation=organisation)


# --- Headcounts --------------------------------------------------------------------------------


def test_headcounts_replace_and_zero_removes(owner, organisation):
    session = wf.session(owner, organisation, days=2)
    wf.shift_to_past([session], days=1)
    attendance_actions.record_headcounts(
        actor=owner, session=session, counts={"eleves": 24, "professionnels": 2}
    )
    attendance_actions.record_headcounts(
        actor=owner, session=session, counts={"eleves": 23, "professionnels": 0}
    )
    assert dict(SessionHeadcount.objects.values_list("audience", "count")) == {"eleves": 23}
    session.refresh_from_db()
    assert session.roll_call_at is not None


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"martiens": 3}, "Public inconnu"),
        ({"eleves": -1}, "0 ou plus"),
        ({"eleves": 2001}, "Vérifiez le nombre"),
    ],
)
def test_bad_headcounts_are_refused_in_french_and_nothing_is_kept(
    owner, organisation, counts, message
):
    session = wf.session(owner, organisation, days=2)
    wf.shift_to_past([session], days=1)
    with pytest.raises(WorkshopError, match=message):
        attendance_actions.record_headcounts(actor=owner, session=session, counts=counts)
    assert not SessionHeadcount.objects.exists()


def test_no_headcount_before_the_day_nor_on_a_cancelled_session(owner, organisation):
    session = wf.session(owner, organisation, days=3)
    with pytest.raises(WorkshopError, match="pas avant"):
        attendance_actions.record_headcounts(actor=owner, session=session, counts={"eleves": 3})
    actions.cancel_session(actor=owner, session=session, reason="Salle fermée")
    session.refresh_from_db()
    with pytest.raises(WorkshopError, match="annulée"):
        attendance_actions.record_headcounts(actor=owner, session=session, counts={"eleves": 3})


def test_headcount_form_on_the_roll_call_page(client, owner, organisation):
    session = wf.session(owner, organisation, days=2, audiences=["eleves"])
    wf.shift_to_past([session], days=1)
    client.force_login(owner)
    url = reverse("workshops:roll_call", args=[session.public_id])
    page = client.get(url).content.decode()
    assert "Participants comptés sans inscription" in page
    # The session's own audience comes first.
    assert page.index('name="eleves"') < page.index('name="habitants"')
    response = client.post(url, {"compter": "1", "eleves": "27", "parents": ""})
    assert response.status_code == 302
    assert dict(SessionHeadcount.objects.values_list("audience", "count")) == {"eleves": 27}
    response = client.post(url, {"compter": "1", "eleves": "vingt"})
    assert response.status_code == 400
    assert "Indiquez un nombre entier." in response.content.decode()
    assert SessionHeadcount.objects.get().count == 27


def test_headcount_form_is_for_the_organiser_only(client, owner, organisation, social_worker):
    session = wf.session(owner, organisation, days=2)
    wf.shift_to_past([session], days=1)
    client.force_login(social_worker)
    url = reverse("workshops:roll_call", args=[session.public_id])
    response = client.post(url, {"compter": "1", "eleves": "27"})
    assert response.status_code == 403  # a structure of the territory: not its workshop
    assert not SessionHeadcount.objects.exists()


def test_the_session_form_enters_a_past_session(client, owner, organisation):
    territory = organisation.territory
    client.force_login(owner)
    day = (timezone.now().astimezone(territory.tz) - dt.timedelta(days=30)).date()
    kind = WorkshopKind.objects.get(territory=territory, code="initiation_ordinateur")
    values = {
        "kind": kind.pk, "title": "Atelier du mois dernier", "day": day.isoformat(),
        "start_time": "14:00", "end_time": "16:00", "capacity": "6", "is_free": "on",
    }  # fmt: skip
    response = client.post(reverse("workshops:session_create"), values)
    assert response.status_code == 400
    assert "déjà commencée" in response.content.decode()
    response = client.post(reverse("workshops:session_create"), values | {"after_the_fact": "on"})
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.recorded_afterwards and not session.is_published
    page = client.get(response["Location"]).content.decode()
    assert "Saisie après coup" in page
    assert reverse("workshops:session_enrol", args=[session.public_id]) in page


# --- The report ----------------------------------------------------------------------------


def _year_report(organisation, **extra):
    today = timezone.now().astimezone(organisation.territory.tz).date()
    return workshop_report(
        territory=organisation.territory,
        organisations=extra.pop("organisations", None),
        start=today - dt.timedelta(days=365),
        end=today,
        now=timezone.now(),
    )


def test_report_counts_workshops_participants_counted_and_completed(owner, organisation):
    cycle = past_cycle(owner, organisation, count=2, audiences=["parents"])
    people = [
        enrolment_actions.enrol_anonymous(actor=owner, target=cycle, organisation=organisation)
        for _ in range(6)
    ]
    sessions = list(cycle.sessions.order_by("starts_at"))
    attendance_actions.record_attendance(
        actor=owner, session=sessions[0], marks={p: "present" for p in people}
    )
    # Five come back: they complete (2 of 2); the sixth does not (1 of 2, below 80 %).
    attendance_actions.record_attendance(
        actor=owner,
        session=sessions[1],
        marks={p: "present" if i < 5 else "absent" for i, p in enumerate(people)},
    )
    [(start, end)] = past_slots(organisation.territory, 1)
    other = actions.create_session(
        actor=owner, organisation=organisation, title="Parents-enfants",
        kind=wf.kind(organisation.territory, "parent_enfant"), starts_at=start, ends_at=end,
        capacity=40, after_the_fact=True,
    )  # fmt: skip
    attendance_actions.record_headcounts(
        actor=owner, session=other, counts={"parents": 7, "enfants_jeunes": 12}
    )
    cancelled = wf.session(owner, organisation, days=2)
    actions.cancel_session(actor=owner, session=cancelled)
    report = _year_report(organisation)
    assert report.sessions == 3  # the cancelled one and the future ones are not held
    [structure] = report.structures
    lines = {line.label: line for line in structure.kinds}
    assert lines["Initiation à l'ordinateur"].sessions == 2
    assert lines["Initiation à l'ordinateur"].participants == "6"
    assert lines["Initiation à l'ordinateur"].completed == "5"
    assert lines["Atelier parent-enfant"].counted == "19"
    audiences = {line.label: line.people for line in structure.audiences}
    assert audiences == {"Parents": "13", "Enfants et jeunes": "12"}
    assert structure.audience_total == "25"


def test_report_masks_small_counts_of_people_but_not_workshops(owner, organisation):
    cycle = past_cycle(owner, organisation, count=1)
    people = [
        enrolment_actions.enrol_anonymous(actor=owner, target=cycle, organisation=organisation)
        for _ in range(3)
    ]
    attendance_actions.record_attendance(
        actor=owner, session=cycle.sessions.get(), marks={p: "present" for p in people}
    )
    [structure] = _year_report(organisation).structures
    [line] = structure.kinds
    assert line.sessions == 1
    assert line.participants == "< 5"
    assert structure.audience_total == "< 5"
    assert "3" not in {line.participants, line.completed, structure.total.participants}


def test_report_of_one_structure_leaves_the_others_out(owner, organisation, territory):
    past_cycle(owner, organisation, count=1)
    other = factories.OrganisationFactory(name="Autre", territory=territory)
    other_owner = factories.MembershipFactory(organisation=other, manager=True).user
    past_cycle(other_owner, other, count=3)
    report = _year_report(organisation, organisations=[other])
    assert [s.name for s in report.structures] == ["Autre"]
    assert report.sessions == 3


def test_structure_report_page(client, owner, organisation):
    past_cycle(owner, organisation, count=2)
    client.force_login(owner)
    response = client.get(reverse("workshops:structure_report"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bilan des ateliers" in page and "2</strong> <span>ateliers réalisés" in page
    response = client.get(
        reverse("workshops:structure_report"),
        {"periode": "dates", "du": "2019-12-31", "au": "2016-01-01"},
    )
    assert response.status_code == 400
    assert "La date de début doit précéder la date de fin." in response.content.decode()


def test_structure_report_empty_state(client, owner):
    client.force_login(owner)
    page = client.get(reverse("workshops:structure_report")).content.decode()
    assert "Aucun atelier sur cette période" in page


def test_territory_report_is_for_coordinators(
    client, owner, organisation, coordinator, territory, stranger
):
    past_cycle(owner, organisation, count=2)
    url = reverse("workshops:territory_report", args=[territory.slug])
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert organisation.name in page
    client.force_login(owner)
    assert client.get(url).status_code == 403
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_report_queries_are_bounded(owner, organisation, django_assert_max_num_queries):
    for _ in range(3):
        cycle = past_cycle(owner, organisation, count=2)
        enrolment = enrolment_actions.enrol_anonymous(
            actor=owner, target=cycle, organisation=organisation
        )
        for session in cycle.sessions.all():
            attendance_actions.record_attendance(
                actor=owner, session=session, marks={enrolment: "present"}
            )
    assert Enrolment.objects.count() == 3
    with django_assert_max_num_queries(6):
        _year_report(organisation)


def test_a_participant_is_added_to_a_past_stand_alone_session(owner, organisation):
    territory = organisation.territory
    [(start, end)] = past_slots(territory, 1)
    session = actions.create_session(
        actor=owner, organisation=organisation, kind=wf.kind(territory), title="Passée",
        starts_at=start, ends_at=end, capacity=5, after_the_fact=True,
    )  # fmt: skip
    enrolment = enrolment_actions.enrol_anonymous(
        actor=owner, target=session, organisation=organisation
    )
    attendance_actions.record_attendance(actor=owner, session=session, marks={enrolment: "present"})
    enrolment.refresh_from_db()
    assert enrolment.status == E.COMPLETED
