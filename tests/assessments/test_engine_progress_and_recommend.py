"""Progress between two assessments, and the recommended services and kinds of support."""

from __future__ import annotations

import json

import pytest

from aiguillage.assessments.engine import (
    REFERENTIAL_DIR,
    bundled_referential,
    compare_assessments,
    load_referential,
    recommend,
    score_in_depth,
    score_screening,
)
from aiguillage.places.vocabulary import SERVICE_CODES, SERVICES

REF = bundled_referential()
AREAS = [area.code for area in REF.areas]
MAX = REF.in_depth.max_level

AUTONOMOUS = {
    "appareil": "personnel", "connexion": "oui", "usage_internet": "semaine",
    "allumer_appareil": "seul", "recherche": "seul", "email": "seul", "compte_en_ligne": "seul",
    "demarche_en_ligne": "seul", "photo_document": "seul", "arnaque": "seul", "probleme": "seul",
    "difficultes": ["aucune"], "demarche_urgente": "non", "aide_entourage": "oui",
}  # fmt: skip
NEVER_USED_INTERNET = {
    **{k: v for k, v in AUTONOMOUS.items()
       if k not in ("recherche", "email", "compte_en_ligne", "demarche_en_ligne", "arnaque")},
    "usage_internet": "jamais",
    "allumer_appareil": "avec_aide",
}  # fmt: skip


def screening(**changes):
    return score_screening(REF, {**AUTONOMOUS, **changes})


def in_depth(levels: dict[str, int], ref=REF):
    responses = {}
    for area, level in levels.items():
        items = ref.items_in_area(area)
        if level:
            responses[items[level - 1].id] = "fait_seul"
        if level < MAX:
            responses[items[level].id] = "ne_sait_pas"
    return score_in_depth(ref, responses)


def every(level: int, **others: int) -> dict[str, int]:
    return {area: others.get(area, level) for area in AREAS}


# --- Progress ------------------------------------------------------------------------------


def test_progress_between_two_in_depth_assessments_counts_only_changes_beyond_the_noise():
    before = in_depth(every(1))
    after = in_depth(every(1, appareil=3, information=2, securite=0))
    progress = compare_assessments(before, after, REF)
    changes = {change.area: change for change in progress.area_changes}
    assert (changes["appareil"].delta, changes["appareil"].direction) == (2, "progres")
    assert changes["appareil"].significant
    assert (changes["information"].delta, changes["information"].direction) == (1, "stable")
    assert not changes["information"].significant
    assert changes["securite"].direction == "stable"
    assert progress.progressed_areas == ("appareil",)
    assert progress.declined_areas == ()
    assert progress.total.delta == 2 and progress.verdict == "stable"  # 2 ≤ noise of 3
    assert (
        "Utiliser un appareil : 1 → 3, progrès réel (plus que l'écart de mesure de 1 niveau)."
        in (progress.sentences)
    )
    assert (
        "Chercher une information : 1 → 2, écart trop petit pour conclure (1 niveau ou moins)."
        in progress.sentences
    )


def test_the_verdict_follows_the_total_and_the_typology_transition_is_reported():
    before = in_depth(every(0, appareil=1))
    after = in_depth(every(2))
    progress = compare_assessments(before, after, REF)
    assert (progress.typology_before, progress.typology_after) == (
        "assistance",
        "accompagne_intermediaire",
    )
    assert progress.typology_direction == "progres" and progress.verdict == "progres"
    assert progress.sentences[0] == (
        "Typologie : « Assistance numérique » → « Accès accompagné — intermédiaire » (progrès)."
    )
    backwards = compare_assessments(after, before, REF)
    assert backwards.typology_direction == "recul" and backwards.verdict == "recul"
    assert set(backwards.declined_areas) == set(AREAS) - {"appareil"}


def test_progress_between_two_screenings_uses_points():
    before = screening(recherche="avec_aide", arnaque="ne_sait_pas", compte_en_ligne="avec_aide")
    after = screening()
    progress = compare_assessments(before, after, REF)
    changes = {change.area: change for change in progress.area_changes}
    assert progress.mode == "screening"
    assert changes["securite"].delta == 3 and changes["securite"].significant
    assert changes["information"].delta == 1 and not changes["information"].significant
    assert progress.total.delta == 4 and progress.verdict == "progres"
    assert (
        progress.sentences[0]
        == "Typologie : « Accès accompagné — intermédiaire » → « Autonomie » (progrès)."
    )


def test_no_change_is_stable():
    progress = compare_assessments(screening(), screening(), REF)
    assert progress.sentences[0] == "Typologie inchangée : « Autonomie »."
    assert progress.verdict == "stable" and progress.same_referential
    assert all(change.delta == 0 for change in progress.area_changes)


def test_a_screening_and_an_in_depth_assessment_only_compare_typologies():
    progress = compare_assessments(screening(allumer_appareil="avec_aide"), in_depth(every(3)), REF)
    assert progress.mode == "mixte" and progress.area_changes == () and progress.total is None
    assert progress.verdict == ""
    assert any(
        "ne se comparent qu'entre deux évaluations du même type" in s for s in progress.sentences
    )


def test_two_referential_versions_are_compared_by_area_code_with_a_note():
    data = json.loads((REFERENTIAL_DIR / "v1.json").read_text(encoding="utf-8"))
    data["version"] = "1.1.0"
    v11 = load_referential(data)
    progress = compare_assessments(in_depth(every(1)), in_depth(every(3), ref=v11), v11)
    assert not progress.same_referential
    assert any(
        "versions différentes du référentiel (1.0.0 puis 1.1.0)" in s for s in progress.sentences
    )
    assert len(progress.area_changes) == len(AREAS)


# --- Recommendations -----------------------------------------------------------------------

# (result, rules that fire)
RECOMMENDATION_CASES = {
    "reco_assistance": (lambda: score_screening(REF, NEVER_USED_INTERNET),
                        {"reco_assistance", "reco_premiers_pas"}),
    "reco_premiers_pas": (lambda: in_depth(every(1)),
                          {"reco_premiers_pas", "reco_ateliers", "reco_demarches_accompagnees"}),
    "reco_ateliers": (lambda: screening(allumer_appareil="avec_aide"), {"reco_ateliers"}),
    "reco_demarches_accompagnees": (
        lambda: screening(email="avec_aide", demarche_en_ligne="avec_aide"),
        {"reco_ateliers", "reco_demarches_accompagnees"},
    ),
    "reco_securite": (lambda: screening(compte_en_ligne="avec_aide", arnaque="avec_aide"),
                      {"reco_ateliers", "reco_securite"}),
    "reco_autonomie": (lambda: screening(), {"reco_autonomie"}),
    "reco_sans_appareil": (
        lambda: score_screening(REF, {**NEVER_USED_INTERNET, "appareil": "aucun",
                                      "connexion": None}),
        {"reco_assistance", "reco_premiers_pas", "reco_sans_appareil", "reco_sans_connexion"},
    ),
    "reco_appareil_emprunte": (lambda: screening(appareil="emprunte"),
                               {"reco_autonomie", "reco_appareil_emprunte"}),
    "reco_sans_connexion": (lambda: screening(connexion="non"),
                            {"reco_autonomie", "reco_sans_connexion"}),
    "reco_connexion_limitee": (lambda: screening(connexion="limitee"),
                               {"reco_autonomie", "reco_connexion_limitee"}),
    "reco_faire_avec_ou_pour": (
        lambda: screening(demarche_urgente="oui", demarche_en_ligne="avec_aide"),
        {"reco_autonomie", "reco_faire_avec_ou_pour"},
    ),
    "reco_lire_ecrire": (lambda: screening(difficultes=["lire_ecrire"]),
                         {"reco_autonomie", "reco_lire_ecrire"}),
    "reco_langue": (lambda: screening(difficultes=["langue"]), {"reco_autonomie", "reco_langue"}),
    "reco_handicap": (lambda: screening(difficultes=["handicap"]),
                      {"reco_autonomie", "reco_handicap"}),
    "reco_peur_erreur": (lambda: screening(difficultes=["peur_erreur"]),
                         {"reco_autonomie", "reco_peur_erreur"}),
    "reco_sans_aide_entourage": (
        lambda: screening(aide_entourage="non", allumer_appareil="avec_aide"),
        {"reco_ateliers", "reco_sans_aide_entourage"},
    ),
}  # fmt: skip


def fired(recommendation) -> set[str]:
    return {step.rule for step in recommendation.steps + recommendation.preferences}


@pytest.mark.parametrize("rule_id", list(RECOMMENDATION_CASES))
def test_each_recommendation_rule_fires_on_its_case(rule_id):
    make, expected = RECOMMENDATION_CASES[rule_id]
    recommendation = recommend(REF, make())
    assert fired(recommendation) == expected
    assert set(recommendation.service_codes) <= set(SERVICE_CODES)
    assert set(recommendation.standard_services) <= set(SERVICES)
    assert all(reason.endswith(".") for reason in recommendation.reasons)


def test_the_recommendation_table_walks_every_rule():
    assert set(RECOMMENDATION_CASES) == {rule.id for rule in REF.recommendation_rules}


def test_assistance_gets_individual_support_with_paperwork_and_aidants_connect():
    recommendation = recommend(REF, score_screening(REF, NEVER_USED_INTERNET))
    assert recommendation.typology == "assistance"
    assert recommendation.steps[0].rule == "reco_assistance"
    assert "Aide aux démarches administratives" in recommendation.standard_services
    assert "Accompagnement individuel" in recommendation.modalites
    assert {"Aidants Connect", "France Services"} <= set(recommendation.dispositifs)
    assert not recommendation.urgent


def test_access_gaps_point_to_equipment_and_connection():
    device = recommend(REF, RECOMMENDATION_CASES["reco_sans_appareil"][0]())
    assert {"materiel", "pret", "wifi", "acces"} <= set(device.service_codes)
    assert "Acquisition de matériel informatique à prix solidaire" in device.standard_services
    assert "Accès internet et matériel informatique" in device.standard_services
    pret = next(s for s in device.services if s.code == "pret")
    assert (pret.label, pret.standard) == ("Prêt de matériel", False)


def test_an_urgent_procedure_comes_first():
    recommendation = recommend(REF, RECOMMENDATION_CASES["reco_faire_avec_ou_pour"][0]())
    assert recommendation.urgent
    assert recommendation.steps[0].rule == "reco_faire_avec_ou_pour"
    assert recommendation.steps[0].urgent


def test_context_flags_become_preferences_without_services():
    recommendation = recommend(REF, screening(difficultes=["lire_ecrire", "langue"]))
    preferences = {step.rule: step for step in recommendation.preferences}
    assert preferences["reco_lire_ecrire"].prise_en_charge == ("Illettrisme",)
    assert preferences["reco_lire_ecrire"].services == ()
    assert recommendation.prise_en_charge == (
        "Illettrisme",
        "Langues étrangères (anglais)",
        "Langues étrangères (autres)",
    )


def test_an_in_depth_result_is_recommended_with_the_screening_flags():
    base = screening(connexion="non")
    responses = {}
    for area in AREAS:
        responses[REF.items_in_area(area)[2].id] = "fait_seul"
        responses[REF.items_in_area(area)[3].id] = "ne_sait_pas"
    result = score_in_depth(REF, responses, screening=base)
    assert fired(recommend(REF, result)) == {"reco_autonomie", "reco_sans_connexion"}
    assert recommend(REF, result) == recommend(REF, result)
    assert json.loads(json.dumps(recommend(REF, result).to_dict()))["typology"] == "autonomie"
