"""The demo's programme of Grenoble-Alpes Métropole: seeded through the actions for the
demo territory, its 2017 plan built from the working groups' proposals and approved by the
COPIL, the demo accounts given a part; idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from aiguillage.demo.steering import COORDINATOR, MANAGER, MEDIATOR, SOCIAL, seed_steering
from aiguillage.journal.models import JournalEntry
from aiguillage.steering.models import (
    Axis,
    PlanAction,
    PlanStatus,
    PlanVersion,
    Programme,
    ProposalStatus,
    SteeringRole,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_accounts(territory):
    """The demo's accounts in the territory of the demo's SIREN (the shared ``territory``
    fixture uses Grenoble-Alpes Métropole's)."""
    factories.CoordinationFactory(territory=territory, user__email=COORDINATOR)
    for email in (MANAGER, MEDIATOR, SOCIAL):
        organisation = factories.OrganisationFactory(territory=territory, name=f"Structure {email}")
        factories.MembershipFactory(organisation=organisation, user__email=email)
    factories.OrganisationFactory(territory=territory, name="Maison des habitants")
    factories.OrganisationFactory(territory=territory, name="Café associatif")
    return territory


def test_the_demo_programme_is_seeded_once(demo_accounts):
    assert seed_steering() is True
    assert seed_steering() is False
    programme = Programme.objects.get()
    assert programme.is_demo and programme.territory == demo_accounts
    assert Axis.objects.filter(programme=programme).count() == 5
    assert Axis.objects.get(code="5").title == "L'insertion professionnelle et l'emploi"
    plan = PlanVersion.objects.get()
    assert (plan.year, plan.status, plan.is_demo) == (2017, PlanStatus.APPROVED, True)
    approval = plan.decisions.get()
    assert approval.meeting.committee.title == "Comité de pilotage de la politique de la ville"
    actions = PlanAction.objects.filter(plan_version=plan)
    assert actions.count() == 4 and all(a.is_demo for a in actions)
    assert actions.filter(proposal__status=ProposalStatus.ACCEPTED).count() == 2
    assert all(a.budget_lines.filter(financer="feder").exists() for a in actions)
    assert actions.filter(partners__left_on__isnull=False).count() == 1
    assert {r.user.email for r in SteeringRole.objects.all()} == {MEDIATOR, SOCIAL, MANAGER}
    assert JournalEntry.objects.filter(event="steering_plan_version_status_changed").exists()


def test_without_the_demo_territory_nothing_is_seeded(db):
    assert seed_steering() is False
    assert not Programme.objects.exists()


def test_the_demo_coordinator_sees_the_programme(client, demo_accounts):
    seed_steering()
    client.force_login(factories.UserFactory(email=COORDINATOR))
    home = client.get(client.get("/espace/programme/")["Location"])
    assert "Programme d&#x27;actions partagé sur les usages du numérique" in home.content.decode()


def test_seed_demo_calls_the_programme(monkeypatch):
    calls = []
    from aiguillage.demo.management.commands import seed_demo

    monkeypatch.setattr(seed_demo, "seed_steering", lambda: calls.append(1) or False)
    for step in (
        "_seed_territory",
        "_seed_accounts",
        "_seed_fragility_scores",
        "_seed_referrals",
        "_seed_assessments",
        "_seed_workshops",
        "_seed_activities",
        "_print_logins",
    ):
        monkeypatch.setattr(seed_demo.Command, step, lambda *args, **kwargs: None)
    for name in ("seed_chambery_bilan", "seed_events", "seed_pool", "seed_neighbourhoods"):
        if hasattr(seed_demo, name):
            monkeypatch.setattr(seed_demo, name, lambda: False)
    call_command("seed_demo")
    assert calls == [1]
