"""Workshop fixtures: the library (``organisation``) runs workshops; a social service
(``social_organisation``) enrols the people it follows.

Personas: ``owner`` (manager) and ``colleague_read_only`` (member) of the organiser,
``social_worker`` (another structure of the territory), ``outsider`` (a third structure of
the territory), ``stranger`` (a structure of another territory), ``coordinator``, ``staff``.
"""

from __future__ import annotations

import pytest

from aiguillage.organisations.models import OrganisationKind
from aiguillage.territories.models import Commune
from tests import factories
from tests.workshops import factories as wf


@pytest.fixture(autouse=True)
def _catalogue(territory):
    wf.kind(territory)


@pytest.fixture
def social_organisation(territory):
    return factories.OrganisationFactory(
        name="CCAS de test", kind=OrganisationKind.SOCIAL, territory=territory
    )


@pytest.fixture
def social_worker(social_organisation):
    return factories.MembershipFactory(
        organisation=social_organisation, user__first_name="Samia", user__last_name="Haddad"
    ).user


@pytest.fixture
def stranger(db):
    other = factories.TerritoryFactory(name="Autre territoire", slug="autre", siren="200000999")
    organisation = factories.OrganisationFactory(name="Ailleurs", territory=other)
    return factories.MembershipFactory(organisation=organisation, manager=True).user


@pytest.fixture
def grenoble(territory):
    return Commune.objects.get(insee_code="38185")


@pytest.fixture
def place(territory, organisation):
    return factories.PlaceFactory(
        territory=territory,
        organisation=organisation,
        nom="Médiathèque Kateb Yacine",
        telephone="04 76 00 00 00",
    )


@pytest.fixture
def person(social_worker, social_organisation, grenoble):
    return wf.person(
        social_worker,
        social_organisation,
        "Fatima",
        last_name="Benali",
        commune=grenoble,
        birth_year=1961,
        contact_preference="telephone",
        contact_value="06 12 34 56 78",
    )


@pytest.fixture
def session(owner, organisation, place):
    return wf.session(owner, organisation, place=place, capacity=2)


@pytest.fixture
def cycle(owner, organisation, place):
    return wf.cycle(owner, organisation, place=place, sessions=5, capacity=3)
