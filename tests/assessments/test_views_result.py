"""The result page (typology, reasons, gaps, flags, places open when the person is
available, progress) and the history on the person's page (chart and tables)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.journal.models import JournalEntry
from aiguillage.people.actions import withdraw_consent
from tests import factories
from tests.assessments.conftest import (
    ASSISTANCE,
    AUTONOMY,
    BEGINNER,
    in_depth,
    screening,
)

GRENOBLE = (45.1824, 5.7155)
EVERYDAY = "Maîtrise des outils numériques du quotidien"


def north(metres: float) -> float:
    return GRENOBLE[0] + metres / 111_195


@pytest.fixture
def places(territory, organisation):
    """Places north of Grenoble offering everyday skills; one open only on Saturdays."""
    rows = [
        ("Atelier du samedi", 300, "Sa 09:00-12:00", ["Dans un atelier collectif"]),
        ("Espace numérique Bastille", 800, "Mo-Fr 09:00-18:00", ["Accompagnement individuel"]),
        ("Centre social Mistral", 1_500, "Mo-Fr 14:00-18:00", ["Accompagnement individuel"]),
        ("Médiathèque lointaine", 9_000, "Mo-Sa 09:00-18:00", ["Accompagnement individuel"]),
    ]
    return {
        name: factories.PlaceFactory(
            territory=territory,
            organisation=organisation,
            nom=name,
            latitude=north(metres),
            longitude=GRENOBLE[1],
            horaires=horaires,
            services=[EVERYDAY, "Aide aux démarches administratives"],
            modalites_accompagnement=modalites,
        )
        for name, metres, horaires, modalites in rows
    }


def result_url(assessment, **params):
    url = reverse("assessments:assessment_result", args=[assessment.public_id])
    if params:
        query = "&".join(f"{key}={value}" for key, values in params.items() for value in values)
        url = f"{url}?{query}"
    return url


def test_the_result_shows_the_typology_the_reasons_gaps_and_flags(
    client, owner, organisation, person
):
    assessment = screening(owner, organisation, person, ASSISTANCE)
    client.force_login(owner)
    page = client.get(result_url(assessment)).content.decode()
    assert "Assistance numérique" in page
    # Reasons are French sentences citing the answers.
    assert "Vous avez répondu « Jamais »" in page
    assert "Pas d&#x27;appareil" in page  # access gap
    assert "Difficultés pour lire ou écrire le français" in page  # context flag
    assert "Urgent" in page  # an urgent procedure the person cannot do alone comes first
    # Two steps with the same services and support share their places.
    assert "Les mêmes lieux que pour « Aide aux démarches administratives » ci-dessus" in page
    assert JournalEntry.objects.filter(
        event="assessment_accessed", object_id=str(assessment.public_id), data__purpose="résultat"
    ).exists()


def test_the_result_recommends_the_nearest_places_with_links(
    client, owner, organisation, person, places
):
    assessment = screening(owner, organisation, person, BEGINNER)
    client.force_login(owner)
    page = client.get(result_url(assessment)).content.decode()
    assert "Prochaine étape recommandée" in page
    assert EVERYDAY in page
    first = places["Atelier du samedi"]
    assert reverse("places:place_detail", args=[first.public_id]) in page
    assert "à 300 m" in page


def test_places_with_the_recommended_support_come_first(
    client, owner, organisation, person, places
):
    # Beginners get individual support first (reco_premiers_pas).
    assessment = screening(owner, organisation, person, BEGINNER)
    client.force_login(owner)
    page = client.get(result_url(assessment)).content.decode()
    first_step = page.split('class="step-card')[1]
    names = re.findall(r'<p class="result-title"><a [^>]*>([^<]+)</a>', first_step)
    assert names == ["Espace numérique Bastille", "Centre social Mistral", "Médiathèque lointaine"]


def test_the_availability_keeps_places_open_when_the_person_can_come(
    client, owner, organisation, person, places
):
    assessment = screening(owner, organisation, person, BEGINNER)
    client.force_login(owner)
    page = client.get(result_url(assessment, jours=["Sa"], moments=["matin"])).content.decode()
    steps = page.split("Prochaine étape recommandée")[1]
    assert "Atelier du samedi" in steps
    assert "Centre social Mistral" not in steps
    assert "Quand la personne est disponible" in steps
    tuesday = client.get(result_url(assessment, jours=["Tu"], moments=["soir"])).content.decode()
    assert "Aucun lieu de la carte ne propose ce service aux moments choisis" in tuesday


def test_an_unknown_availability_value_is_ignored_with_no_error(
    client, owner, organisation, person
):
    assessment = screening(owner, organisation, person, BEGINNER)
    client.force_login(owner)
    response = client.get(result_url(assessment, jours=["Xx"]))
    assert response.status_code == 200


def test_a_reassessment_shows_progress_beyond_the_noise_only(client, owner, organisation, person):
    first = screening(
        owner, organisation, person, BEGINNER, at=timezone.now() - dt.timedelta(days=90)
    )
    second = screening(owner, organisation, person, AUTONOMY)
    client.force_login(owner)
    page = client.get(result_url(second)).content.decode()
    assert f"Depuis le repérage du {first.completed_at.day}" in page
    assert "progrès réel" in page
    assert "Chercher une information : 1 → 2, écart trop petit pour conclure" in page


def test_the_person_page_shows_the_history_chart_and_tables(client, owner, organisation, person):
    now = timezone.now()
    screening(owner, organisation, person, BEGINNER, at=now - dt.timedelta(days=120))
    in_depth(
        owner,
        organisation,
        person,
        {"appareil": 2, "information": 1, "communication": 1, "contenus": 1, "securite": 1},
        at=now - dt.timedelta(days=100),
    )
    screening(owner, organisation, person, AUTONOMY, at=now - dt.timedelta(days=10))
    client.force_login(owner)
    page = client.get(reverse("people:person_detail", args=[person.public_id])).content.decode()
    assert '<svg class="typology-chart"' in page and 'role="img"' in page
    desc = re.search(r'<desc id="typology-chart-desc">(.*?)</desc>', page, re.S).group(1)
    assert desc.count(";") == 2 and "repérage : Autonomie" in desc
    assert "Repérages : points par domaine" in page
    assert "Évaluations approfondies : niveau par domaine" in page
    # Communication went from 0 to 4 points: real progress; information 1 → 2 is noise.
    assert page.count("(progrès réel, +4)") == 1
    assert "(progrès réel, +1)" not in page
    assert JournalEntry.objects.filter(event="assessment_history_accessed").exists()


def test_the_person_page_costs_a_fixed_number_of_queries(
    client, owner, organisation, person, django_assert_max_num_queries
):
    for days in (300, 200, 100, 10):
        screening(
            owner, organisation, person, BEGINNER, at=timezone.now() - dt.timedelta(days=days)
        )
    client.force_login(owner)
    url = reverse("people:person_detail", args=[person.public_id])
    client.get(url)
    with django_assert_max_num_queries(30):
        client.get(url)


def test_after_anonymisation_the_file_and_its_results_are_closed(
    client, owner, organisation, person
):
    assessment = screening(owner, organisation, person, ASSISTANCE)
    withdraw_consent(actor=owner, person=person)
    client.force_login(owner)
    page = client.get(reverse("people:person_detail", args=[person.public_id]))
    result = client.get(result_url(assessment))
    assert page.status_code == 404 and result.status_code == 404
    assert "Assistance numérique" not in page.content.decode()
    assert "Assistance numérique" not in result.content.decode()


def test_a_partner_structure_sees_the_finished_result(
    client, owner, outsider, organisation, other_organisation, person
):
    from aiguillage.people.actions import grant_access

    assessment = screening(owner, organisation, person, BEGINNER)
    grant_access(actor=owner, person=person, organisation=other_organisation, reason="orientation")
    client.force_login(outsider)
    assert client.get(result_url(assessment)).status_code == 200


def test_without_a_commune_the_places_are_listed_and_the_page_says_why(
    client, owner, organisation, places
):
    from tests.assessments.conftest import make_person

    person = make_person(owner, organisation, first_name="Sans commune")
    assessment = screening(owner, organisation, person, BEGINNER)
    client.force_login(owner)
    page = client.get(result_url(assessment)).content.decode()
    assert "La commune de la personne n'est pas indiquée" in page
    assert "Espace numérique Bastille" in page
