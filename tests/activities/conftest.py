"""Accompaniment fixtures: the library (``organisation``) notes what it does at its place.

Personas from tests/conftest.py: ``owner`` (manager) and ``colleague_read_only`` (plain
member) of the library, ``outsider`` (manager of another structure of the territory),
``coordinator`` of the territory, ``staff``; here also ``far_coordinator``, who coordinates
another territory.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aiguillage.activities.actions import record_activity
from aiguillage.people.actions import create_person
from aiguillage.people.rules import CONSENT_EXPLANATION
from aiguillage.territories.models import Commune
from tests import factories


@pytest.fixture
def grenoble(territory):
    return Commune.objects.get(insee_code="38185")


@pytest.fixture
def echirolles(territory):
    return Commune.objects.get(insee_code="38151")


@pytest.fixture
def place(territory, organisation):
    return factories.PlaceFactory(
        territory=territory, organisation=organisation, nom="Médiathèque Kateb Yacine"
    )


@pytest.fixture
def person(owner, organisation, grenoble):
    return create_person(
        actor=owner,
        organisation=organisation,
        values={"first_name": "Fatima", "last_name": "Benali", "commune": grenoble},
        purposes=["accompagnement"],
        explained_text=CONSENT_EXPLANATION,
    )


@pytest.fixture
def far_coordinator(db):
    elsewhere = factories.TerritoryFactory(name="Grand Chambéry", slug="chambery")
    return factories.CoordinationFactory(territory=elsewhere).user


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def note(owner, organisation, today):
    """``note(**values)``: the library's manager notes an accompaniment (defaults: today,
    individual, smartphone, 30 min, done with the person)."""

    def make(actor=None, within=None, **values):
        values = {"occurred_on": today, "themes": ["smartphone"]} | values
        return record_activity(
            actor=actor or owner, organisation=within or organisation, values=values
        )

    return make


def days_ago(today: dt.date, days: int) -> dt.date:
    return today - dt.timedelta(days=days)
