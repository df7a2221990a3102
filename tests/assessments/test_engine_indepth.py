"""In-depth assessment: adaptive order, inference, contradictions, levels, typology."""

from __future__ import annotations

import pytest

from aiguillage.assessments.engine import (
    InvalidAnswers,
    bundled_referential,
    compare_with_screening,
    item_statuses,
    next_item,
    pending_areas,
    score_in_depth,
    score_screening,
    validate_responses,
)

REF = bundled_referential()
AREAS = [area.code for area in REF.areas]
MAX = REF.in_depth.max_level


def item(area: str, level: int) -> str:
    return REF.items_in_area(area)[level - 1].id


def responses_for(levels: dict[str, int], failure: str = "ne_sait_pas") -> dict[str, str]:
    """The fewest responses that settle each area at the given level."""
    responses = {}
    for area, level in levels.items():
        if level:
            responses[item(area, level)] = "fait_seul"
        if level < MAX:
            responses[item(area, level + 1)] = failure
    return responses


def every(level: int, **others: int) -> dict[str, int]:
    return {area: others.get(area, level) for area in AREAS}


# --- Adaptive order ------------------------------------------------------------------------


def test_a_beginner_starts_each_area_at_level_one_in_the_referential_order():
    first = next_item(REF, {})
    assert (first.area, first.level) == ("appareil", 1)
    assert next_item(REF, {}, screening_typology="accompagne_debutant").level == 1
    assert next_item(REF, {}, area="securite").id == item("securite", 1)


def test_an_intermediate_starts_at_level_two():
    assert next_item(REF, {}, screening_typology="accompagne_intermediaire").level == 2
    assert next_item(REF, {}, screening_typology="autonomie").level == 2


def test_a_success_climbs_one_level_and_settles_the_easier_tasks_as_inferred():
    responses = {item("information", 2): "fait_seul"}
    assert next_item(REF, responses, area="information").level == 3
    statuses = item_statuses(REF, responses)
    easier = statuses[item("information", 1)]
    assert (easier.outcome, easier.inferred) == ("fait_seul", True)
    assert easier.outcome_label == "Fait seul(e) (déduit)"
    assert statuses[item("information", 3)].outcome == ""


def test_a_failure_stops_the_climb_and_settles_the_harder_tasks_as_inferred():
    responses = {item("information", 1): "fait_seul", item("information", 2): "avec_aide"}
    assert next_item(REF, responses, area="information") is None
    statuses = item_statuses(REF, responses)
    for level in (3, 4):
        status = statuses[item("information", level)]
        assert (status.outcome, status.inferred) == ("ne_sait_pas", True)
    assert "information" not in pending_areas(REF, responses)


def test_a_failure_at_the_start_level_steps_down_once():
    responses = {item("contenus", 2): "ne_sait_pas"}
    assert next_item(REF, responses, area="contenus").level == 1


def test_the_top_level_settles_an_area():
    responses = {item("problemes", MAX): "fait_seul"}
    assert next_item(REF, responses, area="problemes") is None
    assert all(s.outcome == "fait_seul" for s in item_statuses(REF, responses).values()
               if s.area == "problemes")  # fmt: skip


def test_next_item_moves_to_the_next_area_and_ends_with_none():
    responses = responses_for({"appareil": 2})
    assert next_item(REF, responses).area == "information"
    assert next_item(REF, responses_for(every(1))) is None
    assert pending_areas(REF, responses) == AREAS[1:]


# --- Validation ----------------------------------------------------------------------------


def test_a_task_done_alone_above_one_not_done_is_a_contradiction():
    responses = {item("communication", 1): "ne_sait_pas", item("communication", 3): "fait_seul"}
    (error,) = validate_responses(REF, responses)
    assert error.startswith("Domaine « Communiquer et faire ses démarches » : « Envoyer un e-mail")
    assert "plus facile, est acquis ; la réponse « Ne sait pas (encore) »" in error
    with pytest.raises(InvalidAnswers):
        next_item(REF, responses)


def test_with_help_below_and_not_at_all_above_is_not_a_contradiction():
    responses = {item("securite", 1): "avec_aide", item("securite", 2): "ne_sait_pas"}
    assert validate_responses(REF, responses) == []


def test_unknown_tasks_and_outcomes_get_french_messages():
    errors = validate_responses(REF, {"voler": "fait_seul", item("appareil", 1): "bof"})
    assert "La tâche « voler » n'existe pas dans le référentiel 1.0.0." in errors
    assert any(
        e.startswith("« bof » n'est pas une réponse possible pour « Allumer") for e in errors
    )


def test_a_draft_is_valid_but_scoring_needs_every_area_settled():
    draft = responses_for({"appareil": 3})
    assert validate_responses(REF, draft) == []
    errors = validate_responses(REF, draft, complete=True)
    assert len(errors) == len(AREAS) - 1
    assert errors[0] == (
        "Le domaine « Chercher une information » n'est pas terminé : il reste « Chercher un mot "
        "sur internet et ouvrir un résultat » à observer."
    )
    with pytest.raises(InvalidAnswers):
        score_in_depth(REF, draft)


# --- Levels and typology -------------------------------------------------------------------


def test_levels_per_area_with_the_guided_level():
    result = score_in_depth(REF, responses_for(every(2, securite=1), failure="avec_aide"))
    levels = {a.area: (a.level, a.guided_level) for a in result.area_levels}
    assert levels["securite"] == (1, 2)
    assert levels["appareil"] == (2, 3)
    assert result.total_level == 11 and result.max_total == 24
    assert result.weak_areas == {"securite"}
    assert result.area_levels[0].level_label == "Niveau 2 — gestes du quotidien"
    assert result.items_observed == 12


# (levels per area, typology, every rule that fires)
IN_DEPTH_CASES = {
    "approfondi_appareil_pas_encore": (
        every(2, appareil=0), "assistance",
        {"approfondi_appareil_pas_encore", "approfondi_domaine_fragile",
         "approfondi_piece_jointe"},
    ),
    "approfondi_quatre_domaines": (
        every(0, appareil=2, problemes=3), "assistance",
        {"approfondi_quatre_domaines", "approfondi_total_bas", "approfondi_domaine_fragile",
         "approfondi_piece_jointe"},
    ),
    "approfondi_total_bas": (
        every(1), "accompagne_debutant",
        {"approfondi_total_bas", "approfondi_domaine_fragile", "approfondi_piece_jointe"},
    ),
    "approfondi_domaine_fragile": (
        every(3, securite=1), "accompagne_intermediaire", {"approfondi_domaine_fragile"},
    ),
    "approfondi_piece_jointe": (
        every(3, communication=2), "accompagne_intermediaire", {"approfondi_piece_jointe"},
    ),
    "defaut": (every(3), "autonomie", set()),
}  # fmt: skip


@pytest.mark.parametrize("rule_id", list(IN_DEPTH_CASES))
def test_each_in_depth_typology_rule_fires_on_its_case(rule_id):
    levels, typology, fired = IN_DEPTH_CASES[rule_id]
    result = score_in_depth(REF, responses_for(levels))
    assert result.typology == typology
    assert {r.rule for r in result.reasons} - {"defaut"} == fired
    assert rule_id in {r.rule for r in result.reasons if r.decisive}


def test_the_in_depth_table_walks_every_in_depth_rule():
    assert set(IN_DEPTH_CASES) == {r.id for r in REF.in_depth.typology_rules} | {"defaut"}


def test_an_in_depth_reason_cites_the_level_and_the_task_not_done_alone():
    result = score_in_depth(REF, responses_for(every(2, appareil=0), failure="avec_aide"))
    reason = next(r for r in result.reasons if r.rule == "approfondi_appareil_pas_encore")
    assert reason.sentence.startswith(
        "Niveau 0 sur 4 en « Utiliser un appareil » (« Allumer l'appareil et le déverrouiller » "
        ": « Fait avec de l'aide ») : sans se servir seul(e) d'un appareil"
    )


def test_the_in_depth_result_carries_the_screening_flags():
    screening = score_screening(
        REF,
        {
            "appareil": "emprunte", "connexion": "non", "usage_internet": "semaine",
            "allumer_appareil": "seul", "recherche": "seul", "email": "seul",
            "compte_en_ligne": "seul", "demarche_en_ligne": "seul", "photo_document": "seul",
            "arnaque": "seul", "probleme": "seul", "difficultes": ["langue"],
            "demarche_urgente": "non", "aide_entourage": "oui",
        },
    )  # fmt: skip
    result = score_in_depth(REF, responses_for(every(3)), screening=screening)
    assert result.flag_codes == {"appareil_emprunte", "sans_connexion", "langue"}
    assert score_in_depth(REF, responses_for(every(3))).flag_codes == frozenset()


def test_in_depth_scoring_is_deterministic():
    responses = responses_for(every(2, communication=3))
    reversed_order = dict(reversed(list(responses.items())))
    assert score_in_depth(REF, responses) == score_in_depth(REF, reversed_order)
    assert score_in_depth(REF, responses).to_dict() == score_in_depth(REF, responses).to_dict()


# --- Comparison with the screening ---------------------------------------------------------

AUTONOMOUS_SCREENING = {
    "appareil": "personnel", "connexion": "oui", "usage_internet": "semaine",
    "allumer_appareil": "seul", "recherche": "seul", "email": "seul", "compte_en_ligne": "seul",
    "demarche_en_ligne": "seul", "photo_document": "seul", "arnaque": "seul", "probleme": "seul",
    "difficultes": ["aucune"], "demarche_urgente": "non", "aide_entourage": "oui",
}  # fmt: skip


def test_compare_with_screening_agrees_when_the_typologies_match():
    screening = score_screening(REF, AUTONOMOUS_SCREENING)
    comparison = compare_with_screening(
        screening, score_in_depth(REF, responses_for(every(3))), REF
    )
    assert comparison.agrees and comparison.status == "agree" and comparison.same_pathway
    assert comparison.explanation == (
        "L'évaluation approfondie confirme le repérage : « Autonomie »."
    )


def test_compare_with_screening_flags_an_override_and_explains_it():
    screening = score_screening(REF, AUTONOMOUS_SCREENING)
    in_depth = score_in_depth(REF, responses_for(every(1)))
    comparison = compare_with_screening(screening, in_depth, REF)
    assert comparison.status == "override" and not comparison.agrees
    assert comparison.direction == "moins_autonome"
    assert not comparison.same_pathway
    assert comparison.explanation.startswith(
        "L'évaluation approfondie donne « Accès accompagné — débutant » alors que le repérage "
        "donnait « Autonomie » (2 crans moins autonome). Total de 6 niveaux sur 24"
    )
    assert comparison.explanation.endswith("écrivez la raison.")
