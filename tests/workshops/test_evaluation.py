"""Before/after evaluation of a cycle: which assessments are « before » and « after », progress
only beyond the referential's noise, counts masked under 5, only people the organising
structure follows, and a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.assessments.models import Assessment, AssessmentKind
from aiguillage.journal.models import JournalEntry
from aiguillage.people.actions import grant_access
from aiguillage.workshops import enrolment_actions
from aiguillage.workshops.evaluation import (
    NOT_COMPARABLE,
    Windows,
    cycle_evaluation,
    evaluation_windows,
    pick_before_after,
)
from tests.assessments.conftest import (
    AUTONOMY,
    BEGINNER,
    INTERMEDIATE,
    in_depth,
    make_person,
    screening,
)
from tests.workshops import factories as wf

pytestmark = pytest.mark.django_db
PURPOSES = ("accompagnement", "evaluation", "orientation")
DAY = dt.timedelta(days=1)
HOURS_2 = dt.timedelta(hours=2)


def ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _hold(cycle, days_ago=(29, 15, 1)) -> None:
    """Test setup only: the cycle's sessions took place that many days ago."""
    sessions = list(cycle.sessions.order_by("starts_at"))
    for session, days in zip(sessions, days_ago, strict=True):
        wf.shift_to_past([session], days=days)


def _participant(owner, organisation, cycle, first_name: str):
    person = make_person(owner, organisation, purposes=PURPOSES, first_name=first_name)
    enrolment_actions.enrol_person(
        actor=owner, target=cycle, person=person, prescriber_organisation=organisation
    )
    return person


@pytest.fixture
def three(owner, organisation):
    """A cycle of three sessions, 29, 15 and 1 days ago; people are enrolled before."""
    return wf.cycle(owner, organisation, sessions=3, capacity=12)


def _row(evaluation, person):
    return next(row for row in evaluation.participants if row.person == person)


# --- Which assessments: pure rules ---------------------------------------------------------


def test_windows_close_the_before_at_the_end_of_the_first_session():
    first, last = (
        dt.datetime(2026, 3, 3, 13, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 17, 13, tzinfo=dt.UTC),
    )
    slots = [(last, last + HOURS_2), (first, first + HOURS_2)]  # in any order
    assert evaluation_windows(slots) == Windows(before_until=first + HOURS_2, after_from=last)
    assert evaluation_windows([]) is None


def test_a_one_session_cycle_splits_at_the_start_of_its_session():
    start = ago(1)
    windows = evaluation_windows([(start, start + HOURS_2)])
    assert windows == Windows(before_until=start, after_from=start)


def _a(pk: int, kind: str, days_ago: float, complete: bool = True):
    return SimpleNamespace(pk=pk, kind=kind, completed_at=ago(days_ago), is_complete=complete)


S, D = AssessmentKind.SCREENING, AssessmentKind.IN_DEPTH


@pytest.mark.parametrize(
    ("assessments", "before", "after"),
    [
        # The latest up to the first session, the first from the last session.
        ([_a(1, S, 60), _a(2, S, 40), _a(3, S, 10), _a(4, S, 0.5), _a(5, S, 0.1)], 2, 4),
        # Nothing during the cycle counts as after.
        ([_a(1, S, 40), _a(2, S, 10)], 1, None),
        ([_a(1, S, 10), _a(2, S, 0.5)], None, 2),
        # Same kind as the after preferred (areas compare like with like)...
        ([_a(1, D, 50), _a(2, S, 40), _a(3, D, 0.5)], 1, 3),
        # ...else the latest of any kind.
        ([_a(1, S, 50), _a(2, S, 40), _a(3, D, 0.5)], 2, 3),
        # Drafts never count.
        ([_a(1, S, 40, complete=False), _a(2, S, 0.5, complete=False)], None, None),
    ],
)
def test_before_and_after_are_chosen_around_the_cycle(assessments, before, after):
    windows = Windows(before_until=ago(29), after_from=ago(1))
    got = pick_before_after(assessments, windows)
    assert tuple(a.pk if a else None for a in got) == (before, after)


# --- Progress beyond the noise ---------------------------------------------------------------


def test_progress_beyond_the_noise_is_progress_and_within_it_is_stable(owner, organisation, three):
    ali = _participant(owner, organisation, three, "Ali")
    binta = _participant(owner, organisation, three, "Binta")
    _hold(three)
    screening(owner, organisation, ali, BEGINNER, at=ago(40))
    screening(owner, organisation, ali, AUTONOMY, at=ago(0.5))
    # Intermediate → autonomy: the typology moves up but the total gains only 3 points,
    # the referential's noise: not a real progress.
    screening(owner, organisation, binta, INTERMEDIATE, at=ago(40))
    screening(owner, organisation, binta, AUTONOMY, at=ago(0.5))

    evaluation = cycle_evaluation(three, organisation)

    assert _row(evaluation, ali).verdict == "progres"
    binta_row = _row(evaluation, binta)
    assert binta_row.before_typology == "Accès accompagné — intermédiaire"
    assert binta_row.after_typology == "Autonomie"
    assert binta_row.verdict == "stable"
    assert binta_row.progress.total.delta == binta_row.progress.total.noise
    by_area = {change.area: change.direction for change in binta_row.area_changes}
    assert by_area["communication"] == "progres"  # +2 points on one area: beyond its noise
    assert by_area["problemes"] == "stable"  # +1 point: within the noise
    assert (evaluation.counts["progres"], evaluation.counts["stable"]) == (1, 1)


def test_a_decline_beyond_the_noise_is_a_decline(owner, organisation, three):
    person = _participant(owner, organisation, three, "Chloé")
    _hold(three)
    screening(owner, organisation, person, AUTONOMY, at=ago(35))
    screening(owner, organisation, person, BEGINNER, at=ago(0.2))
    assert _row(cycle_evaluation(three, organisation), person).verdict == "recul"


def test_a_screening_before_and_an_in_depth_after_compare_only_typologies(
    owner, organisation, three
):
    person = _participant(owner, organisation, three, "Dina")
    _hold(three)
    screening(owner, organisation, person, BEGINNER, at=ago(40))
    in_depth(
        owner, organisation, person, dict.fromkeys(AREAS, 3), at=ago(0.5),
        retained="accompagne_debutant", reason="Elle hésite encore devant un écran nouveau.",
    )  # fmt: skip
    row = _row(cycle_evaluation(three, organisation), person)
    assert row.verdict == NOT_COMPARABLE
    assert row.after_typology and not row.area_changes
    assert "même type" in row.note


AREAS = ("appareil", "information", "communication", "contenus", "securite", "problemes")


def test_two_in_depth_assessments_compare_each_area_with_its_noise(owner, organisation, three):
    person = _participant(owner, organisation, three, "Emma")
    _hold(three)
    in_depth(owner, organisation, person, dict.fromkeys(AREAS, 1), at=ago(40))
    after = dict.fromkeys(AREAS, 1) | {"appareil": 3, "information": 2}
    in_depth(owner, organisation, person, after, at=ago(0.5))
    row = _row(cycle_evaluation(three, organisation), person)
    by_area = {change.area: (change.delta, change.direction) for change in row.area_changes}
    assert by_area["appareil"][1] == "progres"  # two levels: beyond one level of noise
    assert by_area["information"] == (1, "stable")  # one level: within the noise
    assert by_area["securite"] == (0, "stable")
    assert row.verdict == "stable"  # +3 levels in all: the total's noise


# --- Only what the organising structure may read -----------------------------------------------


def test_people_the_structure_does_not_follow_show_nothing(
    owner, organisation, three, social_worker, social_organisation
):
    theirs = make_person(social_worker, social_organisation, purposes=PURPOSES, first_name="Zoé")
    enrolment_actions.enrol_person(
        actor=social_worker,
        target=three,
        person=theirs,
        prescriber_organisation=social_organisation,
    )
    enrolment_actions.enrol_anonymous(actor=owner, target=three, organisation=organisation)
    _hold(three)
    screening(social_worker, social_organisation, theirs, BEGINNER, at=ago(40))
    screening(social_worker, social_organisation, theirs, AUTONOMY, at=ago(0.5))
    evaluation = cycle_evaluation(three, organisation)
    assert evaluation.participants == ()
    assert (evaluation.not_followed, evaluation.without_file) == (1, 1)
    assert evaluation.counts["both"] == 0


def test_another_structures_assessment_counts_for_a_person_both_follow(
    owner, organisation, three, social_worker, social_organisation
):
    person = _participant(owner, organisation, three, "Farah")
    grant_access(actor=owner, person=person, organisation=social_organisation, reason="test")
    _hold(three)
    screening(social_worker, social_organisation, person, BEGINNER, at=ago(40))
    screening(owner, organisation, person, AUTONOMY, at=ago(0.5))
    row = _row(cycle_evaluation(three, organisation), person)
    assert row.before.organisation == social_organisation
    assert row.verdict == "progres"


def test_the_section_is_for_the_organising_structure_only(
    client, owner, colleague_read_only, organisation, three, social_worker, social_organisation
):
    ours = _participant(owner, organisation, three, "Gaëlle")
    theirs = make_person(social_worker, social_organisation, purposes=PURPOSES, first_name="Zoé")
    enrolment_actions.enrol_person(
        actor=social_worker,
        target=three,
        person=theirs,
        prescriber_organisation=social_organisation,
    )
    _hold(three)
    screening(owner, organisation, ours, BEGINNER, at=ago(40))
    screening(social_worker, social_organisation, theirs, AUTONOMY, at=ago(40))
    url = reverse("workshops:cycle_detail", args=[three.public_id])

    client.force_login(colleague_read_only)
    page = client.get(url).content.decode()
    assert "Évaluation avant / après" in page and "Accès accompagné — débutant" in page
    assert "Autonomie" not in page  # Zoé's screening: the organiser does not follow her
    assert "1 participant suivi par une autre structure" in page

    client.force_login(social_worker)
    page = client.get(url).content.decode()
    assert client.get(url).status_code == 200
    assert "Évaluation avant / après" not in page and "débutant" not in page
    assert "Autonomie" not in page


def test_a_structure_of_another_territory_gets_404(client, stranger, three):
    client.force_login(stranger)
    assert client.get(reverse("workshops:cycle_detail", args=[three.public_id])).status_code == 404


def test_reading_the_section_is_journaled(client, owner, organisation, three):
    person = _participant(owner, organisation, three, "Hana")
    _hold(three)
    done = screening(owner, organisation, person, BEGINNER, at=ago(40))
    client.force_login(owner)
    client.get(reverse("workshops:cycle_detail", args=[three.public_id]))
    entry = JournalEntry.objects.get(event="workshop_evaluation_accessed")
    assert entry.data["assessments"] == [str(done.public_id)]


# --- Counts masked under 5 ----------------------------------------------------------------------


def _progressing(owner, organisation, cycle, count: int) -> list:
    people = [_participant(owner, organisation, cycle, f"P{index}") for index in range(count)]
    _hold(cycle)
    for person in people:
        screening(owner, organisation, person, BEGINNER, at=ago(40))
        screening(owner, organisation, person, AUTONOMY, at=ago(0.5))
    return people


def test_counts_of_5_are_shown(client, owner, organisation, three):
    _progressing(owner, organisation, three, 5)
    shown = cycle_evaluation(three, organisation).shown
    assert shown["progres"] == shown["both"] == "5"
    assert shown["stable"] == shown["recul"] == "0"


def test_a_count_under_5_is_masked_and_cannot_be_worked_out(client, owner, organisation, three):
    person = _participant(owner, organisation, three, "Sixième")
    _progressing(owner, organisation, three, 5)
    screening(owner, organisation, person, INTERMEDIATE, at=ago(40))
    screening(owner, organisation, person, AUTONOMY, at=ago(0.5))

    evaluation = cycle_evaluation(three, organisation)

    assert (evaluation.counts["progres"], evaluation.counts["stable"]) == (5, 1)
    assert evaluation.shown["stable"] == "< 5"
    # 6 evaluated minus 5 progressing would give the 1 away: more cells are hidden.
    assert evaluation.shown["progres"] == evaluation.shown["both"] == "(masqué)"
    client.force_login(owner)
    page = client.get(reverse("workshops:cycle_detail", args=[three.public_id])).content.decode()
    assert "<td>&lt; 5</td>" in page and "<td>(masqué)</td>" in page


def test_fewer_than_5_evaluated_people_show_no_count(owner, organisation, three):
    people = [_participant(owner, organisation, three, name) for name in ("Ines", "Jade")]
    _hold(three)
    for person in people:
        screening(owner, organisation, person, BEGINNER, at=ago(40))
        screening(owner, organisation, person, AUTONOMY, at=ago(0.5))
    shown = cycle_evaluation(three, organisation).shown
    assert shown["both"] == shown["progres"] == "< 5"


# --- The end evaluation ---------------------------------------------------------------------


def test_the_end_evaluation_starts_an_in_depth_assessment_for_the_person(
    client, owner, organisation, three
):
    person = _participant(owner, organisation, three, "Kenza")
    _hold(three)
    screening(owner, organisation, person, BEGINNER, at=ago(40))
    client.force_login(owner)
    page = client.get(reverse("workshops:cycle_detail", args=[three.public_id])).content.decode()
    start = reverse("assessments:assessment_start", args=[person.public_id])
    assert "Faire l'évaluation de fin" in page and start in page
    response = client.post(start, {"kind": "in_depth"})
    draft = Assessment.objects.drafts().get(person=person)
    assert draft.kind == AssessmentKind.IN_DEPTH and response.status_code == 302
    page = client.get(reverse("workshops:cycle_detail", args=[three.public_id])).content.decode()
    assert "Reprendre l'évaluation de fin" in page


def test_before_the_last_session_the_end_evaluation_waits(client, owner, organisation, three):
    _participant(owner, organisation, three, "Lina")
    client.force_login(owner)
    page = client.get(reverse("workshops:cycle_detail", args=[three.public_id])).content.decode()
    assert "Faire l'évaluation de fin" not in page
    assert "à faire à partir de la dernière séance" in page


# --- Queries ----------------------------------------------------------------------------------


def _evaluated(owner, organisation, cycle, count: int, start: int = 0) -> None:
    for index in range(start, start + count):
        person = _participant(owner, organisation, cycle, f"Q{index}")
        screening(owner, organisation, person, BEGINNER, at=ago(40))


def test_the_evaluation_takes_a_fixed_number_of_queries(
    owner, organisation, three, django_assert_max_num_queries
):
    _evaluated(owner, organisation, three, 2)
    with django_assert_max_num_queries(6):
        cycle_evaluation(three, organisation)
    _evaluated(owner, organisation, three, 6, start=2)
    with django_assert_max_num_queries(6):
        assert len(cycle_evaluation(three, organisation).participants) == 8


def test_the_cycle_page_does_not_grow_with_the_participants(
    client, owner, organisation, three, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _evaluated(owner, organisation, three, 2)
    client.force_login(owner)
    url = reverse("workshops:cycle_detail", args=[three.public_id])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _evaluated(owner, organisation, three, 6, start=2)
    with django_assert_num_queries(len(few)):
        client.get(url)
