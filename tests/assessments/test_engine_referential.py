"""Loading, validating, hashing and pinning the versioned referential."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from aiguillage.assessments.engine import (
    REFERENTIAL_DIR,
    ReferentialError,
    ReferentialMismatch,
    bundled_referential,
    content_hash,
    load_referential,
    score_screening,
)
from aiguillage.places.vocabulary import (
    DISPOSITIF_PROGRAMMES_NATIONAUX,
    MODALITES_ACCOMPAGNEMENT,
    PRISE_EN_CHARGE_SPECIFIQUE,
    SERVICE_CODES,
)

V1_PATH = REFERENTIAL_DIR / "v1.json"


def raw_v1() -> dict:
    return json.loads(V1_PATH.read_text(encoding="utf-8"))


def errors_of(data: dict) -> list[str]:
    with pytest.raises(ReferentialError) as caught:
        load_referential(data)
    return caught.value.errors


def question(data: dict, question_id: str) -> dict:
    return next(q for q in data["screening"]["questions"] if q["id"] == question_id)


BEGINNER_ANSWERS = {
    "appareil": "personnel",
    "connexion": "oui",
    "usage_internet": "semaine",
    "allumer_appareil": "seul",
    "recherche": "avec_aide",
    "email": "avec_aide",
    "compte_en_ligne": "avec_aide",
    "demarche_en_ligne": "avec_aide",
    "photo_document": "seul",
    "arnaque": "avec_aide",
    "probleme": "seul",
    "difficultes": ["aucune"],
    "demarche_urgente": "non",
    "aide_entourage": "oui",
}


def test_bundled_v1_loads_with_its_version_and_a_sha256_hash():
    ref = bundled_referential("v1")
    assert ref.version == "1.0.0"
    assert len(ref.content_hash) == 64
    assert ref.content_hash == content_hash(raw_v1())
    assert 12 <= len(ref.screening.questions) <= 14
    assert len(ref.in_depth.items) == len(ref.areas) * ref.in_depth.max_level


def test_loading_from_a_path_or_a_dict_gives_the_same_referential():
    assert load_referential(V1_PATH) == load_referential(raw_v1())


def test_the_canonical_document_reloads_to_the_same_referential_and_hash():
    ref = bundled_referential()
    again = load_referential(json.loads(ref.document))
    assert again == ref and again.content_hash == ref.content_hash


def test_every_question_and_answer_has_a_simple_wording_and_a_pictogram():
    ref = bundled_referential()
    for q in ref.screening.questions:
        assert q.text_simple and q.pictogram and q.text_simple != q.text
        for choice in q.scale.choices:
            assert choice.label_simple and choice.pictogram


def test_the_three_dimensions_are_separate_and_skills_cover_every_digcomp_area():
    ref = bundled_referential()
    dimensions = {q.id: q.dimension for q in ref.screening.questions}
    assert dimensions["appareil"] == dimensions["connexion"] == "acces"
    assert {dimensions[q] for q in ("difficultes", "demarche_urgente", "aide_entourage")} == {
        "contexte"
    }
    scored_areas = {q.area for q in ref.screening.scored_questions}
    assert scored_areas == {area.code for area in ref.areas}
    assert {area.digcomp for area in ref.areas} == {"0", "1", "2", "3", "4", "5"}


def test_recommendations_only_use_the_national_vocabularies():
    for rule in bundled_referential().recommendation_rules:
        assert set(rule.services) <= set(SERVICE_CODES)
        assert set(rule.modalites) <= set(MODALITES_ACCOMPAGNEMENT)
        assert set(rule.dispositifs) <= set(DISPOSITIF_PROGRAMMES_NATIONAUX)
        assert set(rule.prise_en_charge) <= set(PRISE_EN_CHARGE_SPECIFIQUE)


# --- Hash --------------------------------------------------------------------------------


def test_hash_ignores_layout_and_key_order():
    data = raw_v1()
    reordered = json.loads(json.dumps(data, sort_keys=True, indent=7))
    reordered = dict(reversed(list(reordered.items())))
    assert content_hash(reordered) == content_hash(data)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.__setitem__("title", d["title"] + " "),
        lambda d: question(d, "email").__setitem__("text", "Savez-vous envoyer un mail ?"),
        lambda d: d["screening"]["typology_rules"][3]["when"].__setitem__("max_points", 9),
        lambda d: d["areas"][0]["noise"].__setitem__("in_depth", 2),
    ],
    ids=["title", "question-text", "threshold", "noise"],
)
def test_hash_changes_with_any_content_change(change):
    data = raw_v1()
    change(data)
    assert load_referential(data).content_hash != bundled_referential().content_hash


# --- Version pinning ---------------------------------------------------------------------


def v2_with_stricter_beginner_threshold() -> dict:
    data = raw_v1()
    data["version"] = "2.0.0"
    rule = next(r for r in data["screening"]["typology_rules"] if r["id"] == "score_bas")
    rule["when"]["max_points"] = 12
    return data


def test_a_v1_result_stays_the_same_when_a_v2_exists():
    v1 = bundled_referential()
    before = score_screening(v1, BEGINNER_ANSWERS)
    v2 = load_referential(v2_with_stricter_beginner_threshold())
    after = score_screening(v1, BEGINNER_ANSWERS)
    assert after == before
    assert (after.referential_version, after.referential_hash) == ("1.0.0", v1.content_hash)
    assert before.typology == "accompagne_intermediaire"  # 11 points > 10
    in_v2 = score_screening(v2, BEGINNER_ANSWERS)
    assert in_v2.typology == "accompagne_debutant"  # 11 points ≤ 12
    assert in_v2.referential_hash == v2.content_hash != v1.content_hash


def test_check_pin_refuses_another_referential_with_a_french_message():
    v1 = bundled_referential()
    v1.check_pin("1.0.0", v1.content_hash)
    v2 = load_referential(v2_with_stricter_beginner_threshold())
    with pytest.raises(ReferentialMismatch, match="calculé avec le référentiel 1.0.0"):
        v2.check_pin("1.0.0", v1.content_hash)
    with pytest.raises(ReferentialMismatch):
        v1.check_pin("1.0.0", "0" * 64)


# --- Validation errors, in French -------------------------------------------------------


def _duplicate_question(d):
    d["screening"]["questions"].append(copy.deepcopy(question(d, "email")))


def _unknown_question_in_rule(d):
    d["screening"]["typology_rules"][0]["when"]["question"] = "inconnue"


def _empty_scale(d):
    d["scales"]["autonomie"]["choices"] = []


def _unknown_service(d):
    d["recommendation_rules"][0]["services"] = ["teleportation"]


def _upward_typology_rule(d):
    d["screening"]["typology_rules"][0]["when"]["type"] = "answer_at_least"


def _skip_on_later_question(d):
    question(d, "recherche")["skip"]["cases"][0]["when"]["question"] = "probleme"


def _implied_not_lowest(d):
    question(d, "email")["skip"]["implied"] = "seul"


def _decreasing_points(d):
    d["scales"]["autonomie"]["choices"][2]["points"] = 0


def _missing_item_level(d):
    d["in_depth"]["items"] = [i for i in d["in_depth"]["items"] if i["id"] != "secu_arnaque"]


def _unknown_condition_type(d):
    d["screening"]["flag_rules"][0]["when"]["type"] = "answer_magic"


def _bad_version(d):
    d["version"] = "v1"


def _duplicate_rule_id(d):
    d["recommendation_rules"][1]["id"] = d["recommendation_rules"][0]["id"]


def _unknown_flag(d):
    d["screening"]["flag_rules"][0]["flag"] = "sans_chaussures"


def _empty_recommendation(d):
    rule = d["recommendation_rules"][0]
    rule["services"] = rule["modalites"] = rule["dispositifs"] = rule["prise_en_charge"] = []


def _unknown_value(d):
    d["screening"]["typology_rules"][0]["when"]["value"] = "hier"


def _ceiling_at_top(d):
    d["screening"]["typology_rules"][0]["ceiling"] = "autonomie"


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (_duplicate_question, "L'identifiant de question « email » est en double."),
        (_unknown_question_in_rule, "la question « inconnue » n'existe pas"),
        (_empty_scale, "L'échelle « autonomie » n'a aucune valeur."),
        (_unknown_service, "« teleportation » n'est pas une valeur possible de « services »"),
        (_upward_typology_rule, "seules les conditions « au plus »"),
        (_skip_on_later_question, "la question « probleme » n'existe pas (ou vient après)"),
        (_implied_not_lowest, "doit compter pour la réponse la plus basse"),
        (_decreasing_points, "les points doivent croître avec l'ordre des réponses"),
        (_missing_item_level, "il faut exactement une tâche par niveau"),
        (_unknown_condition_type, "type de condition inconnu « answer_magic »"),
        (_bad_version, "La version « v1 » doit avoir la forme 1.2.3."),
        (_duplicate_rule_id, "L'identifiant de règle « reco_assistance » est en double."),
        (_unknown_flag, "le signalement « sans_chaussures » n'existe pas"),
        (_empty_recommendation, "la règle ne recommande rien"),
        (_unknown_value, "« hier » n'est pas une réponse possible à « usage_internet »"),
        (_ceiling_at_top, "plafonner à la typologie la plus haute ne sert à rien"),
    ],
)
def test_a_broken_referential_is_refused_with_a_french_message(breakage, message):
    data = raw_v1()
    breakage(data)
    assert any(message in error for error in errors_of(data)), errors_of(data)


def test_every_problem_is_reported_at_once():
    data = raw_v1()
    _bad_version(data)
    _unknown_service(data)
    _empty_scale(data)
    errors = errors_of(data)
    assert len(errors) >= 3
    assert str(ReferentialError(errors)).startswith("Référentiel invalide :")


def test_a_file_that_is_not_json_is_refused_with_its_line(tmp_path):
    path = tmp_path / "v9.json"
    path.write_text('{"format": 1,\n  "version": }', encoding="utf-8")
    with pytest.raises(ReferentialError, match="n'est pas du JSON valide \\(ligne 2\\)"):
        load_referential(path)
    with pytest.raises(ReferentialError, match="Impossible de lire"):
        load_referential(tmp_path / "absent.json")


def test_the_coordinators_documentation_names_every_question_and_rule():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "assessment.md").read_text("utf-8")
    ref = bundled_referential()
    names = [q.id for q in ref.screening.questions] + [a.code for a in ref.areas]
    names += [r.id for r in ref.screening.typology_rules + ref.in_depth.typology_rules]
    names += [r.id for r in ref.screening.flag_rules + ref.screening.consistency_rules]
    names += [r.id for r in ref.recommendation_rules]
    assert [name for name in names if f"`{name}`" not in doc] == []
