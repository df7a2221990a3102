"""Creating sessions, cycles and series; moving and cancelling; seats. Bad input gets a
French message and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aiguillage.journal.models import JournalEntry
from aiguillage.workshops import actions
from aiguillage.workshops.errors import WorkshopError
from aiguillage.workshops.models import Cycle, EnrolmentStatus, Session, SessionStatus
from tests import factories
from tests.workshops import factories as wf

E = EnrolmentStatus
pytestmark = pytest.mark.django_db


def test_a_stand_alone_session_is_created_and_journaled(owner, organisation, place):
    session = wf.session(owner, organisation, place=place, audiences=["parents", "habitants"])
    assert session.cycle is None and session.capacity == 8
    assert session.territory == organisation.territory
    assert session.audiences == ["parents", "habitants"]
    entry = JournalEntry.objects.get(event="workshop_session_created")
    assert entry.object_id == str(session.public_id)


def test_a_cycle_has_its_sessions_and_the_territory_s_threshold_of_the_day(
    owner, organisation, territory
):
    actions.set_completion_threshold(actor=owner, territory=territory, percent=70)
    cycle = wf.cycle(owner, organisation, sessions=4, charter_text="Je viens à chaque séance.")
    assert cycle.sessions.count() == 4
    assert cycle.completion_threshold_percent == 70
    assert cycle.charter.version == 1
    assert all(s.capacity is None and s.kind == cycle.kind for s in cycle.sessions.all())
    # Changing the rule later leaves planned cycles as they are.
    actions.set_completion_threshold(actor=owner, territory=territory, percent=90)
    cycle.refresh_from_db()
    assert cycle.completion_threshold_percent == 70


def test_a_series_of_tuesdays_becomes_a_cycle_in_one_step(owner, organisation, territory):
    start = wf.local(territory, 7, 14).date()
    sessions = actions.create_series(
        actor=owner, organisation=organisation, kind=wf.kind(territory), title="Tablette",
        weekdays=[1], start_time=dt.time(14), end_time=dt.time(16), first_day=start,
        last_day=start + dt.timedelta(days=70), skip_public_holidays=False, as_cycle=True,
        capacity=6,
    )  # fmt: skip
    assert len(sessions) in (10, 11)
    assert {s.starts_at.astimezone(territory.tz).weekday() for s in sessions} == {1}
    assert {s.starts_at.astimezone(territory.tz).time() for s in sessions} == {dt.time(14)}
    assert len({s.cycle_id for s in sessions}) == 1
    assert Cycle.objects.get().capacity == 6


def test_a_series_can_be_independent_sessions(owner, organisation, territory):
    start = wf.local(territory, 7, 10).date()
    sessions = actions.create_series(
        actor=owner, organisation=organisation, kind=wf.kind(territory), title="Café numérique",
        weekdays=[0, 3], start_time=dt.time(10), end_time=dt.time(12), first_day=start,
        last_day=start + dt.timedelta(days=13), skip_public_holidays=True, as_cycle=False,
        capacity=10,
    )  # fmt: skip
    assert 3 <= len(sessions) <= 4
    assert all(s.cycle is None and s.capacity == 10 for s in sessions)
    assert not Cycle.objects.exists()


def test_a_series_across_the_clock_change_keeps_14_h(owner, organisation, territory):
    today = timezone.now().astimezone(territory.tz).date()
    # The next last Sunday of March, when Paris moves from UTC+1 to UTC+2.
    year = today.year if today < dt.date(today.year, 3, 20) else today.year + 1
    change = max(dt.date(year, 3, d) for d in range(25, 32) if dt.date(year, 3, d).weekday() == 6)
    sessions = actions.create_series(
        actor=owner, organisation=organisation, kind=wf.kind(territory), title="Démarches",
        weekdays=[1], start_time=dt.time(14), end_time=dt.time(16),
        first_day=change - dt.timedelta(days=13), last_day=change + dt.timedelta(days=9),
        skip_public_holidays=False, as_cycle=True, capacity=6,
    )  # fmt: skip
    utc_hours = [s.starts_at.astimezone(dt.UTC).hour for s in sessions]
    assert utc_hours == [13, 13, 12, 12]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"starts_at_days": -1}, "déjà commencée"),
        ({"end_before_start": True}, "L'heure de fin doit être après l'heure de début."),
        ({"too_long": True}, "au plus 12 heures"),
        ({"capacity": 0}, "au moins 1"),
        ({"title": "   "}, "Donnez un titre"),
        ({"audiences": ["martiens"]}, "Public inconnu"),
    ],
)
def test_bad_sessions_are_refused_in_french(owner, organisation, territory, change, message):
    start = wf.local(territory, change.get("starts_at_days", 7), 14)
    end = start + dt.timedelta(hours=2)
    if change.get("end_before_start"):
        end = start - dt.timedelta(hours=1)
    if change.get("too_long"):
        end = start + dt.timedelta(hours=13)
    with pytest.raises(WorkshopError, match=message):
        actions.create_session(
            actor=owner, organisation=organisation, kind=wf.kind(territory),
            title=change.get("title", "Atelier"), starts_at=start, ends_at=end,
            capacity=change.get("capacity", 5), audiences=change.get("audiences", []),
        )  # fmt: skip
    assert not Session.objects.exists()


def test_a_facilitator_cannot_run_two_sessions_at_once(owner, organisation, territory):
    wf.session(owner, organisation, days=10, hour=14, facilitators=[owner])
    with pytest.raises(WorkshopError, match=f"{owner.display_name} anime déjà"):
        wf.session(owner, organisation, days=10, hour=15, facilitators=[owner])
    # Back to back is fine.
    wf.session(owner, organisation, days=10, hour=16, facilitators=[owner])
    assert Session.objects.count() == 2


def test_a_facilitator_must_belong_to_the_organising_structure(owner, organisation, outsider):
    with pytest.raises(WorkshopError, match="n'est pas membre de la structure"):
        wf.session(owner, organisation, facilitators=[outsider])


def test_kind_and_place_come_from_the_organiser_s_territory(owner, organisation):
    other = factories.TerritoryFactory(slug="ailleurs", siren="200000777")
    with pytest.raises(WorkshopError, match="catalogue du territoire"):
        wf.session(owner, organisation, kind=wf.kind(other))
    with pytest.raises(WorkshopError, match="lieu du territoire"):
        wf.session(owner, organisation, place=factories.PlaceFactory(territory=other))


def test_a_structure_without_territory_cannot_plan(owner, territory):
    lonely = factories.OrganisationFactory(territory=None)
    factories.MembershipFactory(user=owner, organisation=lonely)
    with pytest.raises(WorkshopError, match="pas encore rejoint de territoire"):
        actions.create_session(
            actor=owner, organisation=lonely, kind=wf.kind(territory), title="X",
            starts_at=wf.local(territory, 3, 9), ends_at=wf.local(territory, 3, 10), capacity=3,
        )  # fmt: skip


def test_a_series_that_yields_no_session_says_so(owner, organisation, territory):
    start = wf.local(territory, 7, 14).date()
    with pytest.raises(WorkshopError, match="Aucune séance à créer"):
        actions.create_series(
            actor=owner, organisation=organisation, kind=wf.kind(territory), title="X",
            weekdays=[start.weekday()], start_time=dt.time(14), end_time=dt.time(16),
            first_day=start + dt.timedelta(days=1), last_day=start + dt.timedelta(days=5),
            skip_public_holidays=False, as_cycle=True, capacity=4,
        )  # fmt: skip


def test_moving_a_session_keeps_where_it_was(owner, organisation, territory, session):
    before = session.starts_at
    moved = actions.move_session(
        actor=owner, session=session, starts_at=wf.local(territory, 21, 9),
        ends_at=wf.local(territory, 21, 11), place=session.place,
    )  # fmt: skip
    assert moved.previous_starts_at == before
    assert moved.starts_at == wf.local(territory, 21, 9)
    assert JournalEntry.objects.filter(event="workshop_session_moved").exists()


def test_moving_into_the_past_or_onto_a_busy_facilitator_is_refused(owner, organisation, territory):
    first = wf.session(owner, organisation, days=10, facilitators=[owner])
    second = wf.session(owner, organisation, days=11, facilitators=[owner])
    with pytest.raises(WorkshopError, match="déjà commencée"):
        actions.move_session(
            actor=owner, session=second, starts_at=wf.local(territory, -2, 9),
            ends_at=wf.local(territory, -2, 10), place=None,
        )  # fmt: skip
    with pytest.raises(WorkshopError, match="anime déjà"):
        actions.move_session(
            actor=owner, session=second, starts_at=first.starts_at, ends_at=first.ends_at,
            place=None,
        )  # fmt: skip
    second.refresh_from_db()
    assert second.starts_at == wf.local(territory, 11, 14)


def test_a_cancelled_session_cannot_be_moved_or_cancelled_again(owner, session, territory):
    actions.cancel_session(actor=owner, session=session, reason="Grève")
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and session.cancel_reason == "Grève"
    with pytest.raises(WorkshopError, match="déjà annulée"):
        actions.cancel_session(actor=owner, session=session)
    with pytest.raises(WorkshopError, match="annulée"):
        actions.move_session(
            actor=owner, session=session, starts_at=wf.local(territory, 30, 9),
            ends_at=wf.local(territory, 30, 10), place=None,
        )  # fmt: skip


def test_cancelling_a_stand_alone_session_cancels_its_enrolments(owner, organisation, session):
    seated = wf.enrol(owner, organisation, session, "Ali")
    actions.cancel_session(actor=owner, session=session)
    seated.refresh_from_db()
    assert seated.status == E.CANCELLED
    assert seated.changes.last().note == "Séance annulée."


def test_cancelling_a_cycle_session_keeps_the_group(owner, organisation, cycle):
    seated = wf.enrol(owner, organisation, cycle, "Ali")
    actions.cancel_session(actor=owner, session=cycle.sessions.first())
    seated.refresh_from_db()
    assert seated.status == E.ENROLLED


def test_capacity_never_below_people_holding_a_seat(owner, organisation, session):
    wf.enrol(owner, organisation, session, "Ali")
    wf.enrol(owner, organisation, session, "Binta")
    with pytest.raises(WorkshopError, match="2 personnes ont déjà une place"):
        actions.update_capacity(actor=owner, target=session, capacity=1)
    session.refresh_from_db()
    assert session.capacity == 2


def test_more_seats_go_to_the_waiting_list_first(owner, organisation, session, mailoutbox):
    wf.enrol(owner, organisation, session, "Ali")
    wf.enrol(owner, organisation, session, "Binta")
    waiting = wf.enrol(owner, organisation, session, "Chloé")
    assert waiting.status == E.WAITING
    actions.update_capacity(actor=owner, target=session, capacity=3)
    waiting.refresh_from_db()
    assert waiting.status == E.ENROLLED


def test_a_cycle_session_s_seats_are_set_on_the_cycle(owner, cycle):
    with pytest.raises(WorkshopError, match="se règlent sur le cycle"):
        actions.update_capacity(actor=owner, target=cycle.sessions.first(), capacity=9)


def test_the_default_catalogue_is_created_once(territory, owner):
    kinds = actions.create_default_catalogue(actor=owner, territory=territory)
    again = actions.create_default_catalogue(actor=owner, territory=territory)
    assert [k.pk for k in kinds] == [k.pk for k in again]
    assert len(kinds) == 8


def test_threshold_outside_1_100_is_refused(owner, territory):
    with pytest.raises(WorkshopError, match="entre 1 et 100"):
        actions.set_completion_threshold(actor=owner, territory=territory, percent=0)
