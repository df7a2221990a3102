"""The demo's events: created through the actions for the Grenoble demo territory, with
attendance for the past ones, and idempotent."""

from __future__ import annotations

import pytest

from aiguillage.demo.seed_events import MANAGER, MEDIATOR, SOCIAL, seed_events
from aiguillage.events.models import Event, EventStatus
from aiguillage.journal.models import JournalEntry
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_accounts(territory):
    """The demo's three structure accounts, in the territory of the demo's SIREN (the shared
    ``territory`` fixture uses Grenoble-Alpes Métropole's)."""
    for email in (MANAGER, MEDIATOR, SOCIAL):
        organisation = factories.OrganisationFactory(territory=territory, name=f"Structure {email}")
        factories.MembershipFactory(organisation=organisation, user__email=email)
    return territory


def test_the_demo_events_are_seeded_once(demo_accounts):
    seed_events()
    seed_events()
    events = {event.title: event for event in Event.objects.all()}
    assert len(events) == 3
    launch = events["Conférence de lancement du réseau d'inclusion numérique"]
    assert launch.status == EventStatus.HELD and launch.partners.count() == 2
    assert events["Connectons-nous !"].status == EventStatus.HELD
    coming = events["Journée découverte : le numérique au quotidien"]
    assert coming.status == EventStatus.PLANNED and coming.is_public
    assert JournalEntry.objects.filter(event="event_created").count() == 3


def test_without_the_demo_territory_nothing_is_seeded(db):
    seed_events()
    assert not Event.objects.exists()
