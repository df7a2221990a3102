"""Steering fixtures: Grenoble's programme (test territory) with one axis, a proposed 2017
plan version holding one action led by ``organisation`` in Grenoble, a COPIL and a working
group; and one user per part of the programme.

Personas: ``coordinator`` (runs everything), ``local_referent`` (Grenoble),
``other_referent`` (Échirolles), ``group_referent``, ``group_member``, ``committee_member``
(an elected official of the COPIL), ``owner`` (a structure's member of the territory),
``stranger`` (a structure's member of another territory)."""

from __future__ import annotations

import pytest

from aiguillage.steering import governance_actions
from aiguillage.territories.models import Commune
from tests import factories
from tests.steering import factories as sf


@pytest.fixture
def grenoble(territory):
    return Commune.objects.get(insee_code="38185")


@pytest.fixture
def echirolles(territory):
    return Commune.objects.get(insee_code="38151")


@pytest.fixture
def programme(coordinator, territory):
    return sf.programme(coordinator, territory)


@pytest.fixture
def axis(coordinator, programme):
    return sf.axis(coordinator, programme)


@pytest.fixture
def version(coordinator, programme, axis):
    return sf.version(coordinator, programme)


@pytest.fixture
def action(coordinator, version, axis, organisation, grenoble):
    return sf.action(coordinator, version, axis, organisation, communes=[grenoble])


@pytest.fixture
def copil(coordinator, programme):
    return sf.committee(coordinator, programme)


@pytest.fixture
def group(coordinator, programme):
    return governance_actions.create_working_group(
        actor=coordinator, programme=programme, title="Accès aux droits"
    )


def _role(coordinator, programme, **scope):
    user = factories.UserFactory()
    governance_actions.grant_role(actor=coordinator, programme=programme, user=user, **scope)
    return user


@pytest.fixture
def local_referent(coordinator, programme, grenoble):
    return _role(coordinator, programme, kind="local_referent", commune=grenoble)


@pytest.fixture
def other_referent(coordinator, programme, echirolles):
    return _role(coordinator, programme, kind="local_referent", commune=echirolles)


@pytest.fixture
def group_referent(coordinator, programme, group):
    return _role(coordinator, programme, kind="group_referent", group=group)


@pytest.fixture
def group_member(coordinator, group):
    user = factories.UserFactory()
    governance_actions.add_group_member(actor=coordinator, group=group, user=user)
    return user


@pytest.fixture
def committee_member(coordinator, programme, copil):
    return _role(coordinator, programme, kind="committee_member", committee=copil, is_elected=True)


@pytest.fixture
def stranger(db):
    other = factories.TerritoryFactory(name="Autre territoire", slug="autre", siren="200000999")
    organisation = factories.OrganisationFactory(territory=other)
    return factories.MembershipFactory(organisation=organisation).user
