"""The screening pages: consent first, one question per screen, back, simple wording,
drafts, bad inputs, review; and who may see them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.assessments import actions
from aiguillage.assessments.models import Assessment
from aiguillage.journal.models import JournalEntry
from tests.assessments.conftest import AUTONOMY, BEGINNER, screening


@pytest.fixture
def draft(owner, organisation, person):
    return actions.start_assessment(
        actor=owner, organisation=organisation, person=person, kind="screening"
    )


def question_url(assessment, question=None):
    url = reverse("assessments:screening_question", args=[assessment.public_id])
    return f"{url}?question={question}" if question else url


def test_the_person_page_offers_the_assessment(client, owner, person):
    client.force_login(owner)
    page = client.get(reverse("people:person_detail", args=[person.public_id])).content.decode()
    assert "Faire le diagnostic" in page
    assert reverse("assessments:assessment_start", args=[person.public_id]) in page


def test_starting_from_the_person_page_opens_the_first_question(client, owner, person):
    client.force_login(owner)
    response = client.post(
        reverse("assessments:assessment_start", args=[person.public_id]), {"kind": "screening"}
    )
    assessment = Assessment.objects.get()
    assert response["Location"] == question_url(assessment)
    page = client.get(response["Location"]).content.decode()
    assert "Question 1 sur 14" in page
    assert "Pouvez-vous utiliser un téléphone portable" in page


def test_the_start_page_lists_the_kinds_and_the_drafts(client, owner, person, draft):
    client.force_login(owner)
    page = client.get(reverse("assessments:assessment_start", args=[person.public_id]))
    text = page.content.decode()
    assert "Commencer le repérage" in text and "Commencer l'évaluation approfondie" in text
    assert reverse("assessments:assessment_detail", args=[draft.public_id]) in text


def test_without_the_evaluation_consent_a_page_explains_how_to_record_it(
    client, owner, person_without_evaluation
):
    client.force_login(owner)
    start = reverse("assessments:assessment_start", args=[person_without_evaluation.public_id])
    consent = reverse("assessments:consent_evaluation", args=[person_without_evaluation.public_id])
    assert client.post(start, {"kind": "screening"})["Location"] == consent
    page = client.get(consent).content.decode()
    assert "Il faut d'abord l'accord de la personne" in page
    assert not Assessment.objects.exists()
    refused = client.post(consent, {})
    assert "Cochez la case une fois" in refused.content.decode()
    response = client.post(consent, {"explained": "on"})
    assert response["Location"] == start
    assert actions.person_consents_to_evaluation(person_without_evaluation)


def test_each_answer_goes_to_the_next_question_and_back_works(client, owner, draft):
    client.force_login(owner)
    response = client.post(question_url(draft), {"question": "appareil", "reponse": "personnel"})
    assert response["Location"] == question_url(draft)
    page = client.get(question_url(draft)).content.decode()
    assert "Question 2 sur 14" in page
    assert question_url(draft, "appareil") in page  # « Question précédente »
    back = client.get(question_url(draft, "appareil")).content.decode()
    assert "Question 1 sur 14" in back
    assert "(réponse actuelle)" in back


def test_the_count_follows_the_skipped_questions(client, owner, draft):
    client.force_login(owner)
    for question, answer in [("appareil", "aucun"), ("usage_internet", "jamais")]:
        client.post(question_url(draft), {"question": question, "reponse": answer})
    page = client.get(question_url(draft)).content.decode()
    assert "Question 3 sur 8" in page
    assert "Savez-vous allumer" in page


def test_a_multiple_choice_question_takes_several_answers(client, owner, draft):
    actions.save_answers(
        actor=owner,
        assessment=draft,
        answers={k: v for k, v in BEGINNER.items() if k != "difficultes"} | {"difficultes": None},
    )
    client.force_login(owner)
    page = client.get(question_url(draft, "difficultes")).content.decode()
    assert 'type="checkbox"' in page and "Valider" in page
    client.post(question_url(draft), {"question": "difficultes", "reponse": ["langue", "handicap"]})
    draft.refresh_from_db()
    assert draft.answers["difficultes"] == ["langue", "handicap"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"question": "appareil"}, "Choisissez une réponse."),
        ({"question": "appareil", "reponse": "peut-etre"}, "pas proposée"),
        ({"question": "difficultes", "reponse": ["aucune", "langue"]}, "ne peut pas être cochée"),
        ({"question": "email", "reponse": "seul"}, "ne se pose pas"),
    ],
)
def test_bad_answers_are_shown_in_french_and_not_saved(client, owner, draft, data, message):
    actions.save_answers(
        actor=owner, assessment=draft, answers={"appareil": "personnel", "usage_internet": "jamais"}
    )
    client.force_login(owner)
    response = client.post(question_url(draft), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "error-summary" in response.content.decode()
    draft.refresh_from_db()
    assert draft.answers == {"appareil": "personnel", "usage_internet": "jamais"}


def test_a_draft_is_resumed_where_it_stopped(client, owner, person, draft):
    actions.save_answers(
        actor=owner, assessment=draft, answers={"appareil": "personnel", "connexion": "oui"}
    )
    client.force_login(owner)
    page = client.get(reverse("people:person_detail", args=[person.public_id])).content.decode()
    resume = reverse("assessments:assessment_detail", args=[draft.public_id])
    assert "pas terminé" in page and resume in page
    assert client.get(resume)["Location"] == question_url(draft)
    assert "Question 3 sur 14" in client.get(question_url(draft)).content.decode()


def test_simple_wording_shows_the_simple_text_and_pictograms(client, owner, draft):
    client.force_login(owner)
    response = client.post(
        reverse("assessments:assessment_wording", args=[draft.public_id]),
        {"simple": "1", "next": question_url(draft)},
    )
    assert response["Location"] == question_url(draft)
    page = client.get(question_url(draft)).content.decode()
    assert "Vous avez un téléphone ou un ordinateur ?" in page
    assert 'aria-pressed="true"' in page
    assert "📱" in page


def test_the_wording_switch_never_redirects_elsewhere(client, owner, draft):
    client.force_login(owner)
    response = client.post(
        reverse("assessments:assessment_wording", args=[draft.public_id]),
        {"simple": "1", "next": "https://exemple.fr/"},
    )
    assert response["Location"] == question_url(draft)


def test_the_review_lists_the_answers_and_computes_the_result(client, owner, draft):
    actions.save_answers(actor=owner, assessment=draft, answers=AUTONOMY)
    client.force_login(owner)
    assert client.get(question_url(draft))["Location"] == reverse(
        "assessments:screening_review", args=[draft.public_id]
    )
    review = client.get(reverse("assessments:screening_review", args=[draft.public_id]))
    assert "Je le fais seul(e)" in review.content.decode()
    response = client.post(reverse("assessments:screening_review", args=[draft.public_id]))
    assert response["Location"] == reverse("assessments:assessment_result", args=[draft.public_id])
    draft.refresh_from_db()
    assert draft.is_complete and draft.typology == "autonomie"


def test_the_review_waits_for_every_answer(client, owner, draft):
    actions.save_answers(actor=owner, assessment=draft, answers={"appareil": "personnel"})
    client.force_login(owner)
    response = client.get(reverse("assessments:screening_review", args=[draft.public_id]))
    assert response["Location"] == question_url(draft)


def test_abandoning_a_draft_from_the_review(client, owner, person, draft):
    client.force_login(owner)
    response = client.post(reverse("assessments:assessment_abandon", args=[draft.public_id]))
    assert response["Location"] == reverse("people:person_detail", args=[person.public_id])
    draft.refresh_from_db()
    assert draft.status == "abandoned"


def test_a_finished_screening_cannot_be_answered_again(client, owner, organisation, person):
    done = screening(owner, organisation, person, AUTONOMY)
    client.force_login(owner)
    assert client.get(question_url(done))["Location"] == reverse(
        "assessments:assessment_result", args=[done.public_id]
    )
    response = client.post(question_url(done), {"question": "appareil", "reponse": "aucun"})
    assert response.status_code == 403
    done.refresh_from_db()
    assert done.answers["appareil"] == "personnel"


def test_reading_a_question_is_journaled(client, owner, draft):
    client.force_login(owner)
    client.get(question_url(draft))
    assert JournalEntry.objects.filter(
        event="assessment_accessed", object_id=str(draft.public_id), actor=owner
    ).exists()


# --- Who may see the screening pages -------------------------------------------------------

SCREENING_VIEWS = [
    "assessment_detail",
    "screening_question",
    "screening_review",
    "assessment_result",
]


@pytest.mark.parametrize("who", ["outsider", "coordinator", "staff"])
@pytest.mark.parametrize("view", SCREENING_VIEWS)
def test_others_get_404_on_a_screening(client, request, draft, who, view):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(f"assessments:{view}", args=[draft.public_id])).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "coordinator", "staff"])
@pytest.mark.parametrize("view", ["assessment_start", "consent_evaluation"])
def test_others_get_404_on_starting_for_a_person(client, request, person, who, view):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse(f"assessments:{view}", args=[person.public_id]), {"kind": "screening"}
    )
    assert response.status_code == 404
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("view", ["screening_question", "assessment_wording", "assessment_abandon"])
def test_outsiders_cannot_write_to_a_draft(client, outsider, draft, view):
    client.force_login(outsider)
    response = client.post(
        reverse(f"assessments:{view}", args=[draft.public_id]),
        {"question": "appareil", "reponse": "aucun", "simple": "1"},
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.answers == {} and draft.is_draft and not draft.simple_wording


def test_anonymous_visitors_are_sent_to_login(client, draft, person):
    for url in (
        question_url(draft),
        reverse("assessments:assessment_start", args=[person.public_id]),
        reverse("assessments:assessment_result", args=[draft.public_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_partner_structure_does_not_see_another_structures_draft(
    client, owner, outsider, person, other_organisation, draft
):
    from aiguillage.people.actions import grant_access

    grant_access(actor=owner, person=person, organisation=other_organisation, reason="orientation")
    client.force_login(outsider)
    assert client.get(question_url(draft)).status_code == 404
    page = client.get(reverse("people:person_detail", args=[person.public_id])).content.decode()
    assert reverse("assessments:assessment_detail", args=[draft.public_id]) not in page


def test_a_member_acting_for_a_structure_without_access_gets_403(
    client, person, other_organisation, organisation
):
    from tests import factories

    user = factories.MembershipFactory(organisation=organisation).user
    factories.MembershipFactory(organisation=other_organisation, user=user)
    client.force_login(user)
    session = client.session
    session["current_membership_id"] = user.memberships.get(organisation=other_organisation).pk
    session.save()
    response = client.post(
        reverse("assessments:assessment_start", args=[person.public_id]), {"kind": "screening"}
    )
    assert response.status_code == 403
    assert not Assessment.objects.exists()
