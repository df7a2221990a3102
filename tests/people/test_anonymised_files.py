"""An anonymised file is closed (issue 11): no page opens it, nothing personal is left on it,
and the anonymous statistics that count its past assessments stay."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.assessments.models import Assessment
from aiguillage.journal.models import JournalEntry
from aiguillage.people.actions import anonymise_person, withdraw_consent
from aiguillage.people.models import Person
from aiguillage.territories.models import Commune
from tests.assessments.conftest import ASSISTANCE, make_person, screening

# Every page under /espace/personnes/<id>/, and the assessment pages that show the person.
PERSON_PAGES = [
    ("people:person_detail", "get"),
    ("people:person_edit", "get"),
    ("people:person_edit", "post"),
    ("people:consent_withdraw", "post"),
    ("people:person_delete", "post"),
    ("assessments:assessment_start", "get"),
    ("assessments:consent_evaluation", "get"),
    ("referrals:referral_need", "get"),
]


@pytest.fixture
def person(owner, organisation, territory):
    return make_person(
        owner,
        organisation,
        purposes=("accompagnement", "evaluation", "orientation"),
        commune=Commune.objects.get(insee_code="38185"),
        languages=["fr", "ar"],
        contact_preference="telephone",
        contact_value="06 12 34 56 78",
        notes="Vient avec sa fille le mardi.",
    )


@pytest.mark.parametrize(("name", "method"), PERSON_PAGES)
def test_the_structure_gets_404_on_every_page_of_an_anonymised_file(
    client, owner, person, name, method
):
    anonymise_person(actor=owner, person=person, reason="suppression demandée")
    client.force_login(owner)
    url = reverse(name, args=[person.public_id])

    response = client.get(url) if method == "get" else client.post(url, {"first_name": "Fatou"})

    assert response.status_code == 404
    assert not JournalEntry.objects.filter(event="person_accessed", actor=owner).exists()
    person.refresh_from_db()
    assert person.first_name == "Anonyme"


def test_the_results_of_an_anonymised_file_are_closed_too(client, owner, organisation, person):
    assessment = screening(owner, organisation, person, ASSISTANCE)
    withdraw_consent(actor=owner, person=person)
    client.force_login(owner)

    for name in ("assessment_detail", "assessment_result"):
        url = reverse(f"assessments:{name}", args=[assessment.public_id])
        assert client.get(url).status_code == 404, name


def test_the_file_still_opens_before_anonymisation(client, owner, person):
    client.force_login(owner)
    assert client.get(reverse("people:person_detail", args=[person.public_id])).status_code == 200


def test_anonymisation_leaves_nothing_personal_on_the_file(owner, person):
    anonymise_person(actor=owner, person=person, reason="suppression demandée")
    person.refresh_from_db()

    assert person.languages == []
    assert person.commune is None
    assert (person.first_name, person.last_name, person.birth_year) == ("Anonyme", "", None)
    assert (person.contact_preference, person.contact_value, person.notes) == ("aucun", "", "")


def test_every_field_the_form_asks_for_is_declared_personal():
    # What a professional types about a person is erased with it; only the contact
    # preference stays (set to « ne pas contacter »), so the list cannot miss a new field.
    from aiguillage.people.forms import PersonForm

    asked = set(PersonForm.Meta.fields) - {"contact_preference"}
    assert asked <= set(Person.PERSONAL_DATA_FIELDS)


def test_the_anonymous_statistics_keep_the_assessment(owner, organisation, person):
    assessment = screening(owner, organisation, person, ASSISTANCE)
    withdraw_consent(actor=owner, person=person)
    assessment = Assessment.objects.get(pk=assessment.pk)

    assert assessment.typology == "assistance"
    assert assessment.commune.insee_code == "38185"
    assert assessment.person_id == person.pk
