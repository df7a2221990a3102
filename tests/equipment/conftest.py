"""Allocation fixtures: the library (``organisation``) leads the programme, trains and gives;
the social centre (``other_organisation``) is a partner that collects but follows nobody here.

Personas: ``owner`` (manager of the lead, follows ``fatima``), ``outsider`` (a partner that
does not follow her), ``bystander`` (a structure of the territory outside the programme),
``stranger`` (another territory), ``coordinator``, ``staff``.
"""

from __future__ import annotations

import pytest

from tests import factories
from tests.equipment import factories as ef


@pytest.fixture
def programme(organisation, other_organisation):
    return ef.programme(organisation, partners={other_organisation: ["collecte"]})


@pytest.fixture
def fatima(owner, organisation, territory):
    from aiguillage.territories.models import Commune

    return ef.eligible_person(owner, organisation, commune=Commune.objects.get(insee_code="38185"))


@pytest.fixture
def donation(programme, owner, organisation):
    return ef.collection(programme, by=organisation, user=owner)


@pytest.fixture
def ready(donation, owner):
    return ef.ready_device(donation, user=owner, serial="5CG7410XYZ")


@pytest.fixture
def bystander(territory):
    third = factories.OrganisationFactory(name="Maison des habitants", territory=territory)
    return factories.MembershipFactory(organisation=third, manager=True).user


@pytest.fixture
def stranger(db):
    other = factories.TerritoryFactory(name="Autre territoire", slug="autre", siren="200000999")
    organisation = factories.OrganisationFactory(name="Ailleurs", territory=other)
    return factories.MembershipFactory(organisation=organisation, manager=True).user
