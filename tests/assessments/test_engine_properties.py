"""Properties over random answers: determinism, monotonicity, adaptive-order guarantees."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from aiguillage.assessments.engine import (
    Question,
    bundled_referential,
    item_statuses,
    next_item,
    next_questions,
    score_in_depth,
    score_screening,
    validate_answers,
    validate_responses,
)

REF = bundled_referential()
AREAS = [area.code for area in REF.areas]
MAX = REF.in_depth.max_level
TYPOLOGY_CODES = [typology.code for typology in REF.typologies]
BEGINNER_STARTS = (None, "assistance", "accompagne_debutant")


def rank(typology: str) -> int:
    return REF.typology(typology).rank


def answer_for(question: Question) -> st.SearchStrategy:
    scale = question.scale
    if not scale.multiple:
        return st.sampled_from(scale.codes)
    ordinary = [code for code in scale.codes if code not in scale.exclusive]
    return st.lists(st.sampled_from(ordinary), min_size=1, unique=True) | st.sampled_from(
        [[code] for code in scale.exclusive]
    )


def complete(draw, answers: dict) -> dict:
    """Answer every question still to ask, as a form filled top to bottom would."""
    answers = dict(answers)
    while pending := next_questions(REF, answers):
        answers[pending[0].id] = draw(answer_for(pending[0]))
    return answers


@st.composite
def answer_sets(draw) -> dict:
    answers = complete(draw, {})
    assume(validate_answers(REF, answers, complete=True) == [])
    return answers


@st.composite
def improvements(draw) -> tuple[dict, list[dict]]:
    """Answers, then a chain of 1–4 single improvements (each one answer one step up or more).

    A question that becomes visible (its skip no longer holds) was counted as its lowest
    answer; any answer to it is therefore no worse.
    """
    answers = draw(answer_sets())
    chain = []
    for _ in range(draw(st.integers(1, 4))):
        improvable = [
            question_id
            for question_id, value in answers.items()
            if REF.question(question_id).scale.ordered
            and value != REF.question(question_id).scale.highest.code
        ]
        if not improvable:
            break
        question_id = draw(st.sampled_from(sorted(improvable)))
        scale = REF.question(question_id).scale
        better = [c.code for c in scale.choices if c.rank > scale.choice(answers[question_id]).rank]
        answers = complete(draw, {**answers, question_id: draw(st.sampled_from(better))})
        assume(validate_answers(REF, answers, complete=True) == [])
        chain.append(answers)
    return chain


# --- Screening -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets())
def test_screening_is_deterministic_and_explained(answers):
    first = score_screening(REF, answers)
    assert score_screening(REF, dict(reversed(list(answers.items())))) == first
    assert first.reasons and any(reason.decisive for reason in first.reasons)
    for reason in first.reasons:
        assert reason.sentence.endswith(".")
        if reason.decisive:
            assert REF.typology(reason.ceiling).code == first.typology


@settings(max_examples=300, deadline=None)
@given(chain=improvements())
def test_improving_answers_never_lowers_the_screening_typology(chain):
    ranks = [rank(score_screening(REF, answers).typology) for answers in chain]
    assert ranks == sorted(ranks)


@settings(max_examples=150, deadline=None)
@given(answers=answer_sets())
def test_skipped_questions_count_as_their_lowest_answer(answers):
    result = score_screening(REF, answers)
    for question_id in result.skipped:
        assert question_id not in answers
        question = REF.question(question_id)
        area = next((a for a in result.area_scores if a.area == question.area), None)
        if area is not None and question.scored:
            answered = [
                q for q in REF.screening.scored_questions
                if q.area == question.area and q.id in answers
            ]  # fmt: skip
            assert area.points == sum(q.scale.choice(answers[q.id]).points for q in answered)


# --- In-depth ------------------------------------------------------------------------------

levels_strategy = st.fixed_dictionaries({area: st.integers(0, MAX) for area in AREAS})


def responses_for(levels: dict[str, int], failure: str) -> dict[str, str]:
    responses = {}
    for area, level in levels.items():
        items = REF.items_in_area(area)
        if level:
            responses[items[level - 1].id] = "fait_seul"
        if level < MAX:
            responses[items[level].id] = failure
    return responses


@settings(max_examples=200, deadline=None)
@given(
    levels=levels_strategy,
    area=st.sampled_from(AREAS),
    gain=st.integers(1, MAX),
    failure=st.sampled_from(["ne_sait_pas", "avec_aide"]),
)
def test_a_higher_level_in_one_area_never_lowers_the_in_depth_typology(levels, area, gain, failure):
    assume(levels[area] + gain <= MAX)
    before = score_in_depth(REF, responses_for(levels, failure))
    after = score_in_depth(REF, responses_for({**levels, area: levels[area] + gain}, failure))
    assert rank(after.typology) >= rank(before.typology)
    assert after.total_level == before.total_level + gain


def run_adaptive(true_levels, failure, start, outcome_of=None):
    """A respondent answers what next_item asks; returns the responses and the path."""
    responses: dict[str, str] = {}
    path = []
    while (item := next_item(REF, responses, screening_typology=start)) is not None:
        status = item_statuses(REF, responses)[item.id]
        assert status.outcome == "", "an item already settled was asked again"
        path.append((item, dict(responses)))
        if outcome_of is not None:
            responses[item.id] = outcome_of(item)
        else:
            responses[item.id] = "fait_seul" if item.level <= true_levels[item.area] else failure
        assert len(path) <= len(REF.in_depth.items)
    return responses, path


@settings(max_examples=200, deadline=None)
@given(
    true_levels=levels_strategy,
    failure=st.sampled_from(["ne_sait_pas", "avec_aide"]),
    start=st.sampled_from([None, *TYPOLOGY_CODES]),
)
def test_the_adaptive_order_finds_the_true_levels(true_levels, failure, start):
    responses, path = run_adaptive(true_levels, failure, start)
    result = score_in_depth(REF, responses)
    assert {a.area: a.level for a in result.area_levels} == true_levels
    # No area needs more tasks than levels, and the path follows the referential's areas.
    assert [item.area for item, _ in path] == sorted(
        (item.area for item, _ in path), key=AREAS.index
    )
    for area in AREAS:
        assert sum(item.area == area for item, _ in path) <= MAX


@settings(max_examples=200, deadline=None)
@given(
    true_levels=levels_strategy,
    failure=st.sampled_from(["ne_sait_pas", "avec_aide"]),
    start=st.sampled_from(BEGINNER_STARTS),
)
def test_a_beginner_never_sees_a_task_two_levels_above_their_last_success(
    true_levels, failure, start
):
    _, path = run_adaptive(true_levels, failure, start)
    for item, before in path:
        successes = [
            REF.item(item_id).level
            for item_id, outcome in before.items()
            if outcome == "fait_seul" and REF.item(item_id).area == item.area
        ]
        assert item.level <= max(successes, default=0) + 1


@settings(max_examples=200, deadline=None)
@given(
    true_levels=levels_strategy,
    failure=st.sampled_from(["ne_sait_pas", "avec_aide"]),
    start=st.sampled_from([None, *TYPOLOGY_CODES]),
)
def test_a_failure_is_never_followed_by_a_harder_task_in_its_area(true_levels, failure, start):
    _, path = run_adaptive(true_levels, failure, start)
    for item, before in path:
        failures = [
            REF.item(item_id).level
            for item_id, outcome in before.items()
            if outcome != "fait_seul" and REF.item(item_id).area == item.area
        ]
        assert item.level < min(failures, default=MAX + 1)


@settings(max_examples=150, deadline=None)
@given(
    outcomes=st.lists(
        st.sampled_from(["ne_sait_pas", "avec_aide", "fait_seul"]),
        min_size=len(REF.in_depth.items),
        max_size=len(REF.in_depth.items),
    ),
    start=st.sampled_from([None, *TYPOLOGY_CODES]),
)
def test_any_respondent_even_an_inconsistent_one_ends_with_valid_responses(outcomes, start):
    by_item = dict(zip((item.id for item in REF.in_depth.items), outcomes, strict=True))
    responses, _ = run_adaptive(None, None, start, outcome_of=lambda item: by_item[item.id])
    assert validate_responses(REF, responses, complete=True) == []
    result = score_in_depth(REF, responses)
    statuses = item_statuses(REF, responses)
    for area in result.area_levels:
        for status in area.items:
            if status.level <= area.level:
                assert statuses[status.item].outcome == "fait_seul"
            else:
                assert statuses[status.item].outcome in ("ne_sait_pas", "avec_aide", "")
