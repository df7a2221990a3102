"""Pipeline fixtures: Ordi'Pratique's three partners. The library (``organisation``) leads
and trains, « Régie+ » collects, « TRIRA » refurbishes.

Personas: ``partner`` (member of the lead), ``collector`` (member of Régie+), ``outsider``
(a structure of the territory that is not a partner), ``coordinator`` (of the territory),
``stranger`` (a structure of another territory), ``staff``. These override the allocation
tests' fixtures of the same name (tests/equipment/conftest.py) in this folder only.
"""

from __future__ import annotations

import datetime as dt

import pytest

from aiguillage.equipment import collection_actions
from aiguillage.equipment.collection_actions import DonorValues
from tests import factories
from tests.equipment import factories as ef


@pytest.fixture
def collector_org(territory):
    return factories.OrganisationFactory(name="Régie+", territory=territory)


@pytest.fixture
def refurbisher_org(territory):
    return factories.OrganisationFactory(name="TRIRA", territory=territory)


@pytest.fixture
def programme(organisation, collector_org, refurbisher_org):
    return ef.programme(
        organisation,
        partners={collector_org: ["collecte"], refurbisher_org: ["reconditionnement"]},
        receipt_prefix="DON",
    )


@pytest.fixture
def partner(organisation):
    return factories.MembershipFactory(organisation=organisation).user


@pytest.fixture
def collector(collector_org):
    return factories.MembershipFactory(organisation=collector_org).user


@pytest.fixture
def outsider(other_organisation):
    """A member of a structure of the territory that is not a partner of the programme."""
    return factories.MembershipFactory(organisation=other_organisation, manager=True).user


@pytest.fixture
def stranger(db):
    other = factories.TerritoryFactory(name="Autre territoire", slug="autre", siren="200000999")
    organisation = factories.OrganisationFactory(name="Ailleurs", territory=other)
    return factories.MembershipFactory(organisation=organisation, manager=True).user


@pytest.fixture
def donor(programme):
    values = DonorValues(
        name="Conseil départemental", kind="collectivite", address="1 rue du Palais, Chambéry"
    )
    return collection_actions.create_donor(actor=None, programme=programme, values=values)


@pytest.fixture
def collection(programme, collector_org, collector, donor):
    return ef.recorded_collection(
        programme, by=collector_org, user=collector, donor_=donor, on=dt.date(2026, 1, 15)
    )


@pytest.fixture
def device(collection, partner):
    return ef.device(collection, user=partner, serial="5CG0001", brand="HP", model_name="840 G3")
