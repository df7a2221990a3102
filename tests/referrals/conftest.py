"""Referral fixtures: a social service sends a person to the library's place.

Personas: ``social_worker`` (sending structure), ``owner`` and ``colleague_read_only``
(receiving structure, from tests/conftest.py), ``outsider`` (a third structure of the
territory), ``coordinator`` and ``staff``.
"""

from __future__ import annotations

import pytest

from aiguillage.organisations.models import OrganisationKind
from aiguillage.people.actions import create_person
from aiguillage.people.rules import CONSENT_EXPLANATION
from aiguillage.referrals.actions import send_referral
from aiguillage.territories.models import Commune
from tests import factories

GRENOBLE = (45.1824, 5.7155)


def north_of_grenoble(metres: float) -> float:
    return GRENOBLE[0] + metres / 111_195


@pytest.fixture
def sender_organisation(territory):
    return factories.OrganisationFactory(
        name="CCAS de test", kind=OrganisationKind.SOCIAL, territory=territory
    )


@pytest.fixture
def social_worker(sender_organisation):
    return factories.MembershipFactory(
        organisation=sender_organisation, user__first_name="Samia", user__last_name="Haddad"
    ).user


@pytest.fixture
def grenoble(territory):
    return Commune.objects.get(insee_code="38185")


@pytest.fixture
def person(social_worker, sender_organisation, grenoble):
    return create_person(
        actor=social_worker,
        organisation=sender_organisation,
        values={
            "first_name": "Fatima",
            "last_name": "Benali",
            "commune": grenoble,
            "languages": ["fr", "ar"],
            "contact_preference": "telephone",
            "contact_value": "06 12 34 56 78",
        },
        purposes=["accompagnement", "orientation"],
        explained_text=CONSENT_EXPLANATION,
    )


@pytest.fixture
def place(territory, organisation):
    """The receiving structure's place, 1.2 km north of Grenoble's centre, speaks Arabic."""
    return factories.PlaceFactory(
        territory=territory,
        organisation=organisation,
        nom="Médiathèque Kateb Yacine",
        latitude=north_of_grenoble(1_200),
        longitude=GRENOBLE[1],
        horaires="Tu 14:00-17:00; Th 09:00-12:00",
        telephone="+33476000000",
        languages=["fr", "ar"],
        services=["Aide aux démarches administratives"],
        modalites_accompagnement=["Accompagnement individuel"],
    )


@pytest.fixture
def referral(social_worker, sender_organisation, person, place, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return send_referral(
            actor=social_worker,
            organisation=sender_organisation,
            person=person,
            place=place,
            values={"needs": ["demarche"], "availability": "Tu 14:00-18:00", "languages": ["ar"]},
            message="Elle doit refaire sa déclaration CAF avant la fin du mois.",
            reasons=["ouvert mardi, 14 h – 17 h"],
        )
