"""Referential 1.1.0: the professional records a « difficulté sociale » flag (never asked of
the person), and pathway 1 needs it, as the Grenoble study defines it (issue 15)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.assessments import actions
from aiguillage.assessments.engine import (
    bundled_referential,
    load_referential,
    next_questions,
    recommend,
    score_screening,
    visible_questions,
)
from aiguillage.assessments.engine.referential import ReferentialError
from aiguillage.assessments.models import ReferentialVersion
from tests.assessments.conftest import ASSISTANCE, AUTONOMY, screening, v1_document

V11 = bundled_referential("v1_1")


def test_1_1_0_keeps_every_typology_and_adds_the_professionals_part():
    v1 = bundled_referential("v1")
    assert V11.version == "1.1.0" and v1.version == "1.0.0"
    assert [q.id for q in V11.professional_questions] == ["difficulte_sociale"]
    # The person's questions are those of 1.0.0: the flag is never asked of the person.
    assert [q.id for q in visible_questions(V11, AUTONOMY)] == [
        q.id for q in visible_questions(v1, AUTONOMY)
    ]
    # Optional: the same answers complete both versions, with the same typology.
    for answers in (ASSISTANCE, AUTONOMY):
        assert next_questions(V11, answers) == []
        assert score_screening(V11, answers).typology == score_screening(v1, answers).typology


@pytest.mark.parametrize(
    ("social", "pathway", "assistance_step"),
    [
        ("oui", "assistance", True),  # far from digital and in great social difficulty
        ("non", "acces_accompagne", False),  # far from digital only
        (None, "acces_accompagne", False),  # nothing recorded: no flag
    ],
)
def test_the_same_answers_with_and_without_the_flag_give_the_studys_pathway(
    social, pathway, assistance_step
):
    answers = ASSISTANCE | ({"difficulte_sociale": social} if social else {})
    result = score_screening(V11, answers)
    assert result.typology == "assistance"  # skills alone decide the typology
    assert ("difficulte_sociale" in result.flag_codes) == (social == "oui")
    recommendation = recommend(V11, result)
    assert recommendation.pathway == pathway
    assert recommendation.pathway_label == V11.pathway_label(pathway)
    assert ("reco_assistance" in {s.rule for s in recommendation.steps}) == assistance_step


def test_the_flag_does_not_change_the_pathway_of_someone_close_to_autonomy():
    result = score_screening(V11, AUTONOMY | {"difficulte_sociale": "oui"})
    assert recommend(V11, result).pathway == "autonomie"


def test_1_0_0_keeps_pathway_1_from_skills_alone():
    v1 = bundled_referential("v1")
    recommendation = recommend(v1, score_screening(v1, ASSISTANCE))
    assert recommendation.pathway == "assistance" and recommendation.pathway_reason == ""


def test_the_flag_sentence_says_the_professional_recorded_it():
    result = score_screening(V11, ASSISTANCE | {"difficulte_sociale": "oui"})
    flag = next(f for f in result.context_flags if f.code == "difficulte_sociale")
    assert flag.sentence.startswith("Le professionnel a répondu « Oui »")
    assert "vous avez répondu" not in flag.sentence.lower()


@pytest.mark.parametrize(
    "change",
    [
        {"scored": True, "area": "communication"},
        {"dimension": "competences"},
        {"asked_of": "voisin"},
    ],
)
def test_a_professional_question_must_stay_unscored_context(change):
    document = v1_document()
    question = dict(document["screening"]["questions"][-1], id="pro", asked_of="professionnel")
    document["screening"]["questions"].append(question | change)
    with pytest.raises(ReferentialError):
        load_referential(document)


# --- Pages ----------------------------------------------------------------------------------


def test_the_professional_records_the_flag_on_the_review_page_and_the_result_follows(
    client, owner, organisation, person, bundled_referentials
):
    client.force_login(owner)
    assessment = actions.start_assessment(
        actor=owner, organisation=organisation, person=person, kind="screening"
    )
    assert assessment.referential_version == "1.1.0"
    actions.save_answers(actor=owner, assessment=assessment, answers=ASSISTANCE)
    review = client.get(reverse("assessments:screening_review", args=[assessment.public_id]))
    page = review.content.decode()
    assert "Réservé au professionnel" in page and "Non renseigné" in page
    url = reverse("assessments:screening_question", args=[assessment.public_id])
    question = client.get(f"{url}?question=difficulte_sociale").content.decode()
    assert "Ne posez pas cette question à la personne" in question
    response = client.post(url, {"question": "difficulte_sociale", "reponse": "oui"})
    assert response.status_code == 302
    client.post(reverse("assessments:screening_review", args=[assessment.public_id]))
    assessment.refresh_from_db()
    assert assessment.answers["difficulte_sociale"] == "oui"
    result = client.get(reverse("assessments:assessment_result", args=[assessment.public_id]))
    text = result.content.decode()
    assert "Parcours 1 : organiser l&#x27;assistance numérique" in text
    assert "grande difficulté sociale" in text


def test_without_the_flag_the_result_recommends_pathway_2(
    client, owner, organisation, person, bundled_referentials
):
    assessment = screening(owner, organisation, person, ASSISTANCE)
    assert assessment.referential_version == "1.1.0"
    assert ReferentialVersion.objects.current().version == "1.1.0"
    client.force_login(owner)
    result = client.get(reverse("assessments:assessment_result", args=[assessment.public_id]))
    text = result.content.decode()
    assert "Parcours 2 : accès au numérique accompagné, de proximité" in text
    assert "aucune grande difficulté sociale n&#x27;est signalée" in text
