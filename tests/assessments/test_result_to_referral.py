"""« Orienter » on an assessment's result opens the referral form already filled in."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.assessments.conftest import ASSISTANCE, BEGINNER, make_person, screening


def need_url(person, assessment=None):
    url = reverse("referrals:referral_need", args=[person.public_id])
    return f"{url}?diagnostic={assessment.public_id}" if assessment else url


def test_the_result_leads_to_the_referral_in_one_tap(client, owner, organisation, person):
    assessment = screening(owner, organisation, person, ASSISTANCE)
    client.force_login(owner)
    result = client.get(reverse("assessments:assessment_result", args=[assessment.public_id]))
    assert f'href="{need_url(person, assessment)}">Orienter<' in result.content.decode()


def test_the_need_form_is_prefilled_from_the_screening(client, owner, organisation, person):
    assessment = screening(owner, organisation, person, ASSISTANCE)
    client.force_login(owner)
    response = client.get(need_url(person, assessment))
    assert response.status_code == 200
    initial = response.context["form"].initial
    completed_on = timezone.localdate(assessment.completed_at)
    # An urgent procedure, no device (hence no internet either).
    assert initial["needs"] == ["demarche", "equipement", "connexion"]
    assert initial["connection"] == "non"
    assert initial["pathway"] == "assistance"
    assert initial["devices"] == ["aucun"]
    assert initial["reading"] is True
    assert initial["procedure_deadline"] == completed_on + dt.timedelta(days=15)
    assert initial["origin_commune"] == person.commune_id
    page = response.content.decode()
    assert "Repris du repérage du" in page
    # Still editable: plain checked boxes and radios of the usual form.
    assert 'name="needs" value="demarche" id="id_needs_0" checked' in page
    assert 'name="pathway" value="assistance" id="id_pathway_1" checked' in page
    assert 'name="reading" id="id_reading" checked' in page


def test_a_person_who_speaks_little_french_is_helped_in_their_languages(
    client, owner, organisation
):
    person = make_person(owner, organisation, languages=["fr", "ar"])
    answers = BEGINNER | {"difficultes": ["langue"], "connexion": "non"}
    assessment = screening(owner, organisation, person, answers)
    client.force_login(owner)
    initial = client.get(need_url(person, assessment)).context["form"].initial
    assert initial["languages"] == ["ar"]
    assert initial["connection"] == "non"
    assert "connexion" in initial["needs"]
    assert initial["pathway"] == "acces_accompagne"


def test_without_the_result_the_form_starts_from_the_person(client, owner, organisation, person):
    screening(owner, organisation, person, ASSISTANCE)
    client.force_login(owner)
    initial = client.get(need_url(person)).context["form"].initial
    assert "needs" not in initial and "pathway" not in initial


def test_a_person_the_user_cannot_see_gets_404(client, owner, outsider, organisation, person):
    assessment = screening(owner, organisation, person, ASSISTANCE)
    client.force_login(outsider)
    assert client.get(need_url(person, assessment)).status_code == 404


def test_the_result_of_another_person_gets_404(client, owner, organisation, person):
    other = make_person(owner, organisation, first_name="Awa")
    assessment = screening(owner, organisation, other, ASSISTANCE)
    client.force_login(owner)
    assert client.get(need_url(person, assessment)).status_code == 404
