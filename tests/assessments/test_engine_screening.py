"""Screening: skip logic, validation, every typology and flag rule, and their reasons."""

from __future__ import annotations

import json

import pytest

from aiguillage.assessments.engine import (
    InvalidAnswers,
    bundled_referential,
    next_questions,
    prune_skipped,
    score_screening,
    validate_answers,
    visible_questions,
)

REF = bundled_referential()

AUTONOMOUS = {
    "appareil": "personnel",
    "connexion": "oui",
    "usage_internet": "semaine",
    "allumer_appareil": "seul",
    "recherche": "seul",
    "email": "seul",
    "compte_en_ligne": "seul",
    "demarche_en_ligne": "seul",
    "photo_document": "seul",
    "arnaque": "seul",
    "probleme": "seul",
    "difficultes": ["aucune"],
    "demarche_urgente": "non",
    "aide_entourage": "oui",
}
INTERNET_SKILLS = ("recherche", "email", "compte_en_ligne", "demarche_en_ligne", "arnaque")


def answers(**changes) -> dict:
    """AUTONOMOUS with changes; a value of None removes the answer (question skipped)."""
    result = dict(AUTONOMOUS)
    for key, value in changes.items():
        if value is None:
            result.pop(key)
        else:
            result[key] = value
    return result


def never_used_internet(**changes) -> dict:
    return answers(usage_internet="jamais", **dict.fromkeys(INTERNET_SKILLS), **changes)


def text(question_id: str) -> str:
    return REF.question(question_id).text


# --- Skip logic ---------------------------------------------------------------------------

# (question skipped, index of the skip case, answers that trigger it, reason in the message)
SKIP_CASES = [
    ("connexion", 0, answers(appareil="aucun", connexion=None, usage_internet="plus_3_mois"),
     "vous n'avez pas d'appareil"),
    ("recherche", 0, never_used_internet(), "vous n'avez jamais utilisé internet"),
    ("email", 0, never_used_internet(), "vous n'avez jamais utilisé internet"),
    ("compte_en_ligne", 0, never_used_internet(), "vous n'avez jamais utilisé internet"),
    ("demarche_en_ligne", 0, never_used_internet(), "vous n'avez jamais utilisé internet"),
    ("demarche_en_ligne", 1, answers(compte_en_ligne="ne_sait_pas", demarche_en_ligne=None),
     "une démarche commence par se connecter à son compte"),
    ("arnaque", 0, never_used_internet(), "vous n'avez jamais utilisé internet"),
    ("photo_document", 0,
     answers(allumer_appareil="ne_sait_pas", photo_document=None, probleme=None),
     "il faut d'abord savoir allumer l'appareil"),
    ("probleme", 0, answers(allumer_appareil="ne_sait_pas", photo_document=None, probleme=None),
     "il faut d'abord savoir allumer l'appareil"),
]  # fmt: skip


@pytest.mark.parametrize(("question_id", "case", "given", "reason"), SKIP_CASES)
def test_each_skip_branch_hides_its_question_and_refuses_an_answer_to_it(
    question_id, case, given, reason
):
    assert validate_answers(REF, given, complete=True) == []
    assert question_id not in {q.id for q in visible_questions(REF, given)}
    result = score_screening(REF, given)
    assert question_id in result.skipped and question_id not in result.asked
    with_answer = {**given, question_id: REF.question(question_id).scale.lowest.code}
    message = f"La question « {text(question_id)} » ne se pose pas, car {reason}"
    assert any(m.startswith(message) for m in validate_answers(REF, with_answer))
    assert prune_skipped(REF, with_answer) == given


def test_the_skip_table_walks_every_skip_case_of_the_referential():
    every_case = {
        (q.id, index)
        for q in REF.screening.questions
        if q.skip
        for index in range(len(q.skip.cases))
    }
    assert {(question_id, case) for question_id, case, _, _ in SKIP_CASES} == every_case


def test_someone_who_never_used_internet_is_not_asked_about_attachments():
    asked = [q.id for q in visible_questions(REF, never_used_internet())]
    assert "email" not in asked
    assert asked == [
        "appareil", "connexion", "usage_internet", "allumer_appareil", "photo_document",
        "probleme", "difficultes", "demarche_urgente", "aide_entourage",
    ]  # fmt: skip


def test_next_questions_walks_one_screen_at_a_time():
    given: dict = {}
    seen = []
    while pending := next_questions(REF, given):
        question = pending[0]
        seen.append(question.id)
        given[question.id] = AUTONOMOUS[question.id]
    assert seen == list(AUTONOMOUS)
    assert next_questions(REF, {"appareil": "aucun"})[0].id == "usage_internet"


def test_a_question_depending_on_an_unanswered_one_stays_visible():
    pending = [q.id for q in next_questions(REF, {})]
    assert pending == [q.id for q in REF.screening.questions]


# --- Validation ---------------------------------------------------------------------------


def test_a_draft_is_valid_and_only_a_complete_check_lists_the_missing_answers():
    draft = {"appareil": "personnel", "usage_internet": "semaine", "difficultes": []}
    assert validate_answers(REF, draft) == []
    missing = validate_answers(REF, draft, complete=True)
    assert f"Il manque la réponse à « {text('connexion')} »." in missing
    assert len(missing) == 12
    with pytest.raises(InvalidAnswers) as caught:
        score_screening(REF, draft)
    assert caught.value.errors == missing


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"taille": "grand"}, "La question « taille » n'existe pas dans le référentiel 1.0.0."),
        ({"email": "parfois"},
         f"« parfois » n'est pas une réponse possible à « {text('email')} ». Réponses possibles : "
         "« Je ne sais pas le faire », « Je le fais avec de l'aide », « Je le fais seul(e) »."),
        ({"email": ["seul", "avec_aide"]}, f"Une seule réponse possible à « {text('email')} »."),
        ({"difficultes": ["langue", "langue"]}, "La même réponse est cochée deux fois"),
        ({"difficultes": ["aucune", "langue"]},
         "« Rien de tout cela » ne peut pas être cochée avec une autre réponse"),
        ({"email": 3}, "« 3 » n'est pas une réponse possible"),
    ],
)  # fmt: skip
def test_impossible_values_get_a_french_message(change, message):
    errors = validate_answers(REF, answers(**change))
    assert any(error.startswith(message) for error in errors), errors


def test_contradictory_answers_are_refused_citing_both_answers():
    given = answers(appareil="aucun", connexion=None, usage_internet="semaine")
    (error,) = validate_answers(REF, given)
    assert error.startswith("Réponses contradictoires. Vous avez répondu « Non, aucun » à ")
    assert f"« Cette semaine » à « {text('usage_internet')} »" in error
    assert "corrigez l'une des deux réponses" in error


def test_the_consistency_table_walks_every_consistency_rule():
    assert [rule.id for rule in REF.screening.consistency_rules] == ["appareil_contre_usage"]


# --- Typology rules ------------------------------------------------------------------------

# (answers, typology, every rule that fires)
TYPOLOGY_CASES = {
    "non_usager": (answers(usage_internet="plus_3_mois"), "assistance", {"non_usager"}),
    "quatre_taches_non": (
        answers(recherche="ne_sait_pas", email="ne_sait_pas", arnaque="ne_sait_pas",
                probleme="ne_sait_pas"),
        "assistance",
        {"quatre_taches_non", "score_bas", "domaine_sans_seul", "trop_d_aide"},
    ),
    "appareil_non_maitrise": (
        answers(allumer_appareil="ne_sait_pas", photo_document=None, probleme=None),
        "assistance",
        {"appareil_non_maitrise", "score_bas", "appareil_avec_aide", "domaine_sans_seul",
         "trop_d_aide"},
    ),
    "score_bas": (
        answers(recherche="avec_aide", email="avec_aide", compte_en_ligne="avec_aide",
                demarche_en_ligne="avec_aide", arnaque="avec_aide", probleme="avec_aide"),
        "accompagne_debutant",
        {"score_bas", "domaine_sans_seul", "trop_d_aide"},
    ),
    "appareil_avec_aide": (
        answers(allumer_appareil="avec_aide"),
        "accompagne_intermediaire",
        {"appareil_avec_aide", "domaine_sans_seul"},
    ),
    "demarche_impossible": (
        answers(demarche_en_ligne="ne_sait_pas"), "accompagne_intermediaire",
        {"demarche_impossible"},
    ),
    "domaine_sans_seul": (
        answers(compte_en_ligne="avec_aide", arnaque="avec_aide"), "accompagne_intermediaire",
        {"domaine_sans_seul"},
    ),
    "trop_d_aide": (
        answers(email="avec_aide", compte_en_ligne="avec_aide", probleme="avec_aide"),
        "accompagne_intermediaire",
        {"domaine_sans_seul", "trop_d_aide"},
    ),
    "defaut": (AUTONOMOUS, "autonomie", set()),
}  # fmt: skip


@pytest.mark.parametrize("rule_id", list(TYPOLOGY_CASES))
def test_each_typology_rule_fires_on_its_case(rule_id):
    given, typology, fired = TYPOLOGY_CASES[rule_id]
    result = score_screening(REF, given)
    assert result.typology == typology
    assert {reason.rule for reason in result.reasons} - {"defaut"} == fired
    decisive = {reason.rule for reason in result.reasons if reason.decisive}
    assert rule_id in decisive
    assert all(REF.typology(r.ceiling).code == typology for r in result.reasons if r.decisive)
    assert result.reasons[0].decisive  # decisive reasons come first


def test_three_tasks_not_done_are_not_enough_for_assistance():
    result = score_screening(REF, answers(recherche="ne_sait_pas", email="ne_sait_pas",
                                          probleme="ne_sait_pas"))  # fmt: skip
    assert "quatre_taches_non" not in {reason.rule for reason in result.reasons}
    assert result.typology == "accompagne_debutant"


def test_the_typology_table_walks_every_typology_rule():
    rules = {rule.id for rule in REF.screening.typology_rules}
    assert set(TYPOLOGY_CASES) == rules | {"defaut"}


def test_a_reason_cites_the_answer_and_the_question_in_french():
    result = score_screening(REF, answers(usage_internet="plus_3_mois"))
    (reason,) = result.reasons
    assert reason.sentence.startswith(
        "Vous avez répondu « Il y a plus de 3 mois » à « Quand avez-vous utilisé internet pour la "
        "dernière fois ? » : ne pas avoir utilisé internet depuis plus de 3 mois, c'est le critère"
    )
    assert reason.sentence.endswith(".")
    assert [c.subject for c in reason.citations] == ["usage_internet"]


def test_a_reason_names_the_questions_that_were_not_asked_and_why():
    result = score_screening(REF, never_used_internet())
    count = next(r for r in result.reasons if r.rule == "quatre_taches_non")
    assert "n'ont pas été posées, car vous n'avez jamais utilisé internet" in count.sentence
    assert "(réponses comptées : « Je ne sais pas le faire »)" in count.sentence
    assert {c.subject for c in count.citations if c.kind == "skipped"} == set(INTERNET_SKILLS)


def test_score_and_area_reasons_state_the_facts():
    result = score_screening(REF, TYPOLOGY_CASES["score_bas"][0])
    sentences = {r.rule: r.sentence for r in result.reasons}
    assert sentences["score_bas"].startswith(
        "Votre total est de 10 points sur 16 (2 par « Je le fais seul(e) », "
        "1 par « Je le fais avec de l'aide ») : 10 points sur 16 ou moins"
    )
    assert (
        "Aucune réponse « Je le fais seul(e) » dans les domaines « Chercher une information »"
        in (sentences["domaine_sans_seul"])
    )
    assert result.score == 10 and result.max_score == 16


def test_the_default_reason_explains_autonomy():
    (reason,) = score_screening(REF, AUTONOMOUS).reasons
    assert reason.rule == "defaut" and reason.decisive
    assert reason.sentence.startswith("Aucune règle ne limite la typologie")


def test_area_scores_and_weak_areas():
    result = score_screening(REF, TYPOLOGY_CASES["domaine_sans_seul"][0])
    scores = {area.area: (area.points, area.max_points, area.weak) for area in result.area_scores}
    assert scores["securite"] == (2, 4, True)
    assert scores["communication"] == (4, 4, False)
    assert result.weak_areas == {"securite"}
    assert result.area_values["appareil"] == 2


# --- Flags ---------------------------------------------------------------------------------

# (answers, access gaps, context flags)
FLAG_CASES = {
    "acces_sans_appareil": (
        answers(appareil="aucun", connexion=None, usage_internet="plus_3_mois"),
        {"sans_appareil", "sans_connexion"}, set(),
    ),
    "acces_appareil_emprunte": (answers(appareil="emprunte"), {"appareil_emprunte"}, set()),
    "acces_sans_connexion": (answers(connexion="non"), {"sans_connexion"}, set()),
    "acces_connexion_limitee": (answers(connexion="limitee"), {"connexion_limitee"}, set()),
    "contexte_lire_ecrire": (answers(difficultes=["lire_ecrire"]), set(), {"lire_ecrire"}),
    "contexte_langue": (answers(difficultes=["langue"]), set(), {"langue"}),
    "contexte_handicap": (answers(difficultes=["handicap"]), set(), {"handicap"}),
    "contexte_peur_erreur": (
        answers(difficultes=["peur_erreur", "langue"]), set(), {"peur_erreur", "langue"},
    ),
    "contexte_demarche_urgente": (
        answers(demarche_urgente="oui"), set(), {"demarche_urgente"},
    ),
    "contexte_faire_avec_ou_pour": (
        answers(demarche_urgente="oui", demarche_en_ligne="avec_aide"), set(),
        {"demarche_urgente", "faire_avec_ou_pour"},
    ),
    "contexte_sans_aide_entourage": (
        answers(aide_entourage="non", allumer_appareil="avec_aide"), set(),
        {"sans_aide_entourage"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("rule_id", list(FLAG_CASES))
def test_each_flag_rule_fires_on_its_case(rule_id):
    given, gaps, context = FLAG_CASES[rule_id]
    result = score_screening(REF, given)
    assert {flag.code for flag in result.access_gaps} == gaps
    assert {flag.code for flag in result.context_flags} == context
    assert rule_id in {flag.rule for flag in result.access_gaps + result.context_flags}
    assert all(flag.sentence.startswith(("Vous avez répondu", "La question")) for flag in
               result.access_gaps + result.context_flags)  # fmt: skip


def test_the_flag_table_walks_every_flag_rule():
    assert set(FLAG_CASES) == {rule.id for rule in REF.screening.flag_rules}


def test_no_helper_at_home_is_flagged_only_below_autonomy():
    assert score_screening(REF, answers(aide_entourage="non")).context_flags == ()


def test_a_connection_not_asked_is_cited_as_not_asked():
    result = score_screening(REF, FLAG_CASES["acces_sans_appareil"][0])
    gap = next(flag for flag in result.access_gaps if flag.code == "sans_connexion")
    assert gap.sentence.startswith(
        f"La question « {text('connexion')} » n'a pas été posée, car vous n'avez pas d'appareil"
    )


def test_access_and_context_do_not_change_the_typology():
    worst_context = answers(
        appareil="emprunte", connexion="non", difficultes=["lire_ecrire", "handicap"],
        demarche_urgente="oui", aide_entourage="non",
    )  # fmt: skip
    assert score_screening(REF, worst_context).typology == "autonomie"


# --- Determinism ---------------------------------------------------------------------------


@pytest.mark.parametrize("rule_id", ["quatre_taches_non", "score_bas", "defaut"])
def test_same_answers_same_result_whatever_the_order(rule_id):
    given = TYPOLOGY_CASES[rule_id][0]
    reversed_order = dict(reversed(list(given.items())))
    first = score_screening(REF, given)
    assert score_screening(REF, reversed_order) == first
    assert score_screening(REF, dict(given)) == first
    stored = json.dumps(first.to_dict(), ensure_ascii=False, sort_keys=True)
    assert json.dumps(
        score_screening(REF, given).to_dict(), ensure_ascii=False, sort_keys=True
    ) == (stored)
    assert json.loads(stored)["typology"] == first.typology
