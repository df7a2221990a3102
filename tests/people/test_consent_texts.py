"""What the person agrees to says what is really kept, for how long and from when (issue 11),
in short sentences for people who read with difficulty."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from aiguillage.people.models import Consent, Person
from aiguillage.people.rules import CONSENT_EXPLANATION, CONSENT_PURPOSES


def _sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.:;])\s+", str(text)) if part]


def test_the_follow_up_consent_lists_every_field_of_the_file():
    text = CONSENT_PURPOSES["accompagnement"]
    for words in ("prénom", "son nom", "année de naissance", "commune", "langues", "téléphone"):
        assert words in text, words
    assert "courriel" in text and "remarque" in text


def test_the_explanation_says_a_disability_is_noted_only_if_the_person_agrees():
    assert "handicap" in CONSENT_EXPLANATION
    assert "seulement si elle est d'accord" in CONSENT_EXPLANATION


def test_the_explanation_says_anonymous_statistics_stay_after_anonymisation():
    assert "statistiques anonymes" in CONSENT_EXPLANATION


@pytest.mark.parametrize("months", [24, 18])
def test_the_retention_period_is_the_setting_and_counts_from_the_last_activity(settings, months):
    settings.PEOPLE_RETENTION_MONTHS = months
    text = str(CONSENT_EXPLANATION)
    assert f"pendant {months} mois" in text
    assert "24 mois" not in text or months == 24
    # The clock runs from the last activity on the file (people.actions.expired_people),
    # not from an appointment nobody records.
    assert "rendez-vous" not in text
    assert "modification, de diagnostic ni d'orientation" in text


def test_the_texts_are_short_sentences():
    for text in (CONSENT_EXPLANATION, *CONSENT_PURPOSES.values()):
        for sentence in _sentences(text):
            assert len(sentence.split()) <= 25, sentence


def test_the_creation_page_shows_the_period_in_force_and_stores_it(client, owner, settings):
    settings.PEOPLE_RETENTION_MONTHS = 18
    client.force_login(owner)

    page = client.get(reverse("people:person_create")).content.decode()
    client.post(
        reverse("people:person_create"),
        {
            "first_name": "Jo",
            "contact_preference": "professionnel",
            "accord-purposes": ["accompagnement"],
            "accord-explained": "on",
        },
    )

    assert "pendant 18 mois" in page
    consent = Consent.objects.get(person=Person.objects.get())
    assert "pendant 18 mois" in consent.explained_text


def test_the_orientation_purpose_states_the_period_the_referral_rule_applies():
    from aiguillage.people.rules import CONSENT_PURPOSES
    from aiguillage.referrals.rules import RECEIVER_SEES_PERSON_DAYS

    assert f"jusqu'à {RECEIVER_SEES_PERSON_DAYS} jours après" in CONSENT_PURPOSES["orientation"]
