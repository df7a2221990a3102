"""Event fixtures: the library (``organisation``) organises events with a partner structure.

Personas from tests/conftest.py: ``owner`` (manager) and ``colleague_read_only`` (plain
member) of the library, ``outsider`` (another structure of the territory, not a partner),
``coordinator`` of the territory, ``staff``; here also ``partner_member`` (a member of the
partner structure), ``stranger`` (a structure of another territory) and ``far_coordinator``
(who coordinates another territory).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aiguillage.events.actions import create_event
from aiguillage.organisations.models import OrganisationKind
from tests import factories


def local(territory, days: int, hour: int, minute: int = 0) -> dt.datetime:
    """An aware moment ``days`` from today at ``hour`` on the territory's wall clock."""
    tz = territory.tz
    day = timezone.now().astimezone(tz).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def values(territory, *, days: int = -30, hour: int = 14, hours: int = 3, **changes) -> dict:
    """What an event needs, ``days`` from today (in the past by default: noted afterwards)."""
    return {
        "kind": "awareness_day",
        "title": "Connectons-nous !",
        "starts_at": local(territory, days, hour),
        "ends_at": local(territory, days, hour + hours),
    } | changes


@pytest.fixture
def partner_organisation(territory):
    return factories.OrganisationFactory(
        name="CCAS partenaire", kind=OrganisationKind.SOCIAL, territory=territory
    )


@pytest.fixture
def partner_member(partner_organisation):
    return factories.MembershipFactory(organisation=partner_organisation).user


@pytest.fixture
def stranger(db):
    other = factories.TerritoryFactory(name="Autre territoire", slug="autre", siren="200000999")
    organisation = factories.OrganisationFactory(name="Ailleurs", territory=other)
    return factories.MembershipFactory(organisation=organisation, manager=True).user


@pytest.fixture
def far_coordinator(stranger):
    other = stranger.memberships.get().organisation.territory
    return factories.CoordinationFactory(territory=other).user


@pytest.fixture
def new_event(owner, organisation):
    """Builds an event of the library through the action."""

    def build(**changes):
        return create_event(
            actor=owner,
            organisation=organisation,
            values=values(organisation.territory, **changes),
        )

    return build


@pytest.fixture
def past_event(new_event, partner_organisation):
    return new_event(partners=[partner_organisation])


@pytest.fixture
def coming_event(new_event, partner_organisation):
    return new_event(days=20, partners=[partner_organisation], title="Forum du numérique")
