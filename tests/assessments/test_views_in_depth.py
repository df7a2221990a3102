"""The in-depth assessment pages: adaptive tasks, corrections, conclusion with a required
reason when the screening is contradicted; and who may see them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.assessments import actions
from aiguillage.journal.models import JournalEntry
from tests.assessments.conftest import AUTONOMY, BEGINNER, observe, screening

AREAS = ("appareil", "information", "communication", "contenus", "securite", "problemes")


@pytest.fixture
def draft(owner, organisation, person):
    return actions.start_assessment(
        actor=owner, organisation=organisation, person=person, kind="in_depth"
    )


def item_url(assessment, item=None):
    url = reverse("assessments:in_depth_item", args=[assessment.public_id])
    return f"{url}?tache={item}" if item else url


def conclusion_url(assessment):
    return reverse("assessments:in_depth_conclusion", args=[assessment.public_id])


def test_starting_the_in_depth_assessment_shows_the_first_task(client, owner, person):
    client.force_login(owner)
    response = client.post(
        reverse("assessments:assessment_start", args=[person.public_id]), {"kind": "in_depth"}
    )
    page = client.get(response["Location"]).content.decode()
    assert "Domaine 1 sur 6" in page
    assert "Allumer l&#x27;appareil et le déverrouiller" in page
    assert "Consigne" in page and "réussi quand" in page
    assert "Fait seul(e)" in page and "Ne sait pas (encore)" in page


def test_a_success_climbs_a_failure_moves_to_the_next_area(client, owner, draft):
    client.force_login(owner)
    client.post(item_url(draft), {"tache": "appareil_allumer", "resultat": "fait_seul"})
    assert "Niveau 2 sur 4" in client.get(item_url(draft)).content.decode()
    client.post(item_url(draft), {"tache": "appareil_application", "resultat": "avec_aide"})
    page = client.get(item_url(draft)).content.decode()
    assert "Domaine 2 sur 6" in page
    assert item_url(draft, "appareil_application") in page  # « Tâche précédente »


def test_a_screening_result_starts_the_areas_higher(client, owner, organisation, person):
    screening(owner, organisation, person, AUTONOMY)
    draft = actions.start_assessment(
        actor=owner, organisation=organisation, person=person, kind="in_depth"
    )
    client.force_login(owner)
    assert "Niveau 2 sur 4" in client.get(item_url(draft)).content.decode()


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"tache": "appareil_allumer"}, 400, "Choisissez ce que vous avez observé."),
        ({"tache": "appareil_allumer", "resultat": "bof"}, 400, "pas proposée"),
        ({"tache": "appareil_installer", "resultat": "fait_seul"}, 400, "pas celle à observer"),
    ],
)
def test_bad_observations_are_refused_in_french(client, owner, draft, data, status, message):
    client.force_login(owner)
    response = client.post(item_url(draft), data)
    assert response.status_code == status
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.answers == {}


def test_a_correction_reopens_a_task_with_its_answer(client, owner, draft):
    actions.record_observation(
        actor=owner, assessment=draft, item_id="appareil_allumer", outcome="fait_seul"
    )
    client.force_login(owner)
    page = client.get(item_url(draft, "appareil_allumer")).content.decode()
    assert "(réponse actuelle)" in page
    client.post(item_url(draft), {"tache": "appareil_allumer", "resultat": "avec_aide"})
    draft.refresh_from_db()
    assert draft.answers == {"appareil_allumer": "avec_aide"}


def test_when_every_area_is_settled_the_conclusion_opens(client, owner, draft):
    observe(owner, draft, {area: 2 for area in AREAS})
    client.force_login(owner)
    assert client.get(item_url(draft))["Location"] == conclusion_url(draft)
    page = client.get(conclusion_url(draft)).content.decode()
    assert "Niveau 2 — gestes du quotidien" in page
    assert "Pas de repérage à comparer" in page
    response = client.post(conclusion_url(draft), {})
    assert response["Location"] == reverse("assessments:assessment_result", args=[draft.public_id])
    draft.refresh_from_db()
    assert draft.is_complete


def test_the_conclusion_waits_for_every_area(client, owner, draft):
    client.force_login(owner)
    assert client.get(conclusion_url(draft))["Location"] == item_url(draft)


def test_contradicting_the_screening_requires_a_choice_and_a_reason(
    client, owner, organisation, person
):
    screening(owner, organisation, person, BEGINNER)
    draft = actions.start_assessment(
        actor=owner, organisation=organisation, person=person, kind="in_depth"
    )
    observe(owner, draft, {area: 4 for area in AREAS})
    client.force_login(owner)
    page = client.get(conclusion_url(draft)).content.decode()
    assert "écrivez la raison" in page
    response = client.post(conclusion_url(draft), {"retenue": "autonomie", "raison": ""})
    assert response.status_code == 400
    assert "obligatoire" in response.content.decode()
    response = client.post(conclusion_url(draft), {"retenue": "", "raison": "Tout fait seule."})
    assert "Choisissez la typologie à retenir" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft
    client.post(
        conclusion_url(draft),
        {"retenue": "autonomie", "raison": "Toutes les tâches faites seule, sans hésiter."},
    )
    draft.refresh_from_db()
    assert draft.is_complete and draft.is_override and draft.typology == "autonomie"
    assert JournalEntry.objects.filter(event="assessment_typology_overridden").exists()
    result = client.get(reverse("assessments:assessment_result", args=[draft.public_id]))
    assert "Toutes les tâches faites seule" in result.content.decode()


@pytest.mark.parametrize("who", ["outsider", "coordinator", "staff"])
@pytest.mark.parametrize("view", ["in_depth_item", "in_depth_conclusion", "assessment_result"])
def test_others_get_404_on_an_in_depth_assessment(client, request, draft, who, view):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(f"assessments:{view}", args=[draft.public_id])).status_code == 404


def test_outsiders_cannot_record_an_observation(client, outsider, draft):
    client.force_login(outsider)
    response = client.post(item_url(draft), {"tache": "appareil_allumer", "resultat": "fait_seul"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.answers == {}


def test_a_screening_is_not_an_in_depth_assessment(client, owner, organisation, person):
    done = screening(owner, organisation, person, AUTONOMY)
    client.force_login(owner)
    assert client.get(item_url(done)).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, draft):
    response = client.get(item_url(draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
