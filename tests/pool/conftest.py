"""Pool fixtures: the library (``organisation``, its manager ``owner``) lends; the social
centre (``other_organisation``, ``borrower``) borrows; ``stranger`` is a structure of
another territory; ``coordinator`` coordinates the territory."""

from __future__ import annotations

import pytest

from tests import factories
from tests.pool import factories as pf


@pytest.fixture
def borrower(other_organisation):
    return factories.MembershipFactory(organisation=other_organisation).user


@pytest.fixture
def stranger(db):
    other = factories.TerritoryFactory(name="Autre territoire", slug="autre", siren="200000999")
    organisation = factories.OrganisationFactory(name="Ailleurs", territory=other)
    return factories.MembershipFactory(organisation=organisation, manager=True).user


@pytest.fixture
def item(owner, organisation):
    return pf.item(owner, organisation)


@pytest.fixture
def booking(borrower, item, other_organisation):
    return pf.booking(borrower, item, other_organisation)
