"""Writes on the programme through the actions: versions copy their predecessor, an approved
version is read-only, axes keep their history, and every refused input changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from aiguillage.journal.models import JournalEntry
from aiguillage.steering import plan_actions, programme_actions
from aiguillage.steering.errors import SteeringError
from aiguillage.steering.models import (
    ActionPartner,
    ActionTarget,
    Axis,
    BudgetLine,
    Decision,
    PlanAction,
    PlanStatus,
)
from tests import factories
from tests.steering import factories as sf

pytestmark = pytest.mark.django_db


def test_a_territory_has_one_programme(coordinator, programme, territory):
    with pytest.raises(SteeringError, match="déjà un programme"):
        sf.programme(coordinator, territory)


def test_renaming_an_axis_keeps_the_past(coordinator, programme, axis, action):
    renamed = programme_actions.rename_axis(
        actor=coordinator,
        axis=axis,
        title="Accès aux droits et médiation",
        from_day=dt.date(2018, 1, 1),
    )
    axis.refresh_from_db()
    action.refresh_from_db()
    assert axis.valid_until == dt.date(2017, 12, 31)
    assert action.axis == axis and action.axis.title == "L'accès aux droits"
    assert renamed.code == axis.code and renamed.is_current
    assert list(Axis.objects.filter(programme=programme).valid_on(dt.date(2017, 6, 1))) == [axis]
    assert list(Axis.objects.filter(programme=programme).valid_on(dt.date(2018, 6, 1))) == [renamed]


def test_a_retired_axis_stays_under_its_actions(coordinator, axis, action):
    programme_actions.retire_axis(actor=coordinator, axis=axis, last_day=dt.date(2019, 12, 31))
    with pytest.raises(SteeringError, match="n'est plus en vigueur"):
        programme_actions.retire_axis(actor=coordinator, axis=axis, last_day=dt.date(2020, 1, 1))
    action.refresh_from_db()
    assert action.axis.valid_until == dt.date(2019, 12, 31)


def test_a_fifth_axis_is_added_later(coordinator, programme, axis):
    fifth = sf.axis(
        coordinator, programme, code="5", title="Insertion emploi", valid_from=dt.date(2018, 1, 1)
    )
    assert list(Axis.objects.filter(programme=programme).valid_on(dt.date(2017, 6, 1))) == [axis]
    assert fifth in Axis.objects.filter(programme=programme).valid_on(dt.date(2018, 6, 1))
    with pytest.raises(SteeringError, match="existe déjà"):
        sf.axis(coordinator, programme, code="5", title="Doublon")


def test_a_new_version_copies_the_previous_ones_actions(
    coordinator, programme, version, action, copil, organisation, other_organisation
):
    sf.budget(coordinator, action, "feder", "12000")
    plan_actions.set_target(
        actor=coordinator,
        action=action,
        indicator_code="people_trained",
        target_value=84,
        year=2017,
    )
    plan_actions.add_partner(
        actor=coordinator,
        action=action,
        organisation=other_organisation,
        joined_on=dt.date(2017, 1, 1),
        role="Collecte du matériel",
    )
    sf.approve(coordinator, version, copil)
    second = sf.version(coordinator, programme, year=2017, dated_on=dt.date(2017, 6, 1))
    copy = second.actions.get()
    assert second.number == 2 and second.copied_from == version
    assert (copy.lineage, copy.copied_from, copy.title) == (action.lineage, action, action.title)
    assert list(copy.communes.all()) == list(action.communes.all())
    assert [(b.financer, b.amount) for b in copy.budget_lines.all()] == [("feder", Decimal(12000))]
    assert [t.target_value for t in copy.targets.all()] == [84]
    assert [p.organisation for p in copy.partners.all()] == [other_organisation]


def test_a_copy_files_actions_under_the_renamed_axis(
    coordinator, programme, axis, version, action, copil
):
    sf.approve(coordinator, version, copil)
    renamed = programme_actions.rename_axis(
        actor=coordinator, axis=axis, title="Accès aux droits", from_day=dt.date(2018, 1, 1)
    )
    next_year = sf.version(coordinator, programme, year=2018)
    assert next_year.actions.get().axis == renamed


def test_a_partner_who_left_is_not_copied(
    coordinator, programme, version, action, copil, other_organisation
):
    partner = plan_actions.add_partner(
        actor=coordinator,
        action=action,
        organisation=other_organisation,
        joined_on=dt.date(2017, 1, 1),
    )
    plan_actions.record_partner_leaving(
        actor=coordinator, partner=partner, left_on=dt.date(2017, 9, 1)
    )
    sf.approve(coordinator, version, copil)
    assert not sf.version(coordinator, programme, year=2018).actions.get().partners.exists()


def test_only_one_version_is_proposed_at_a_time(coordinator, programme, version):
    with pytest.raises(SteeringError, match="déjà proposée"):
        sf.version(coordinator, programme, year=2018)


def test_approving_records_the_decision_and_replaces_the_earlier_version(
    coordinator, programme, version, copil
):
    sf.approve(coordinator, version, copil)
    second = sf.version(coordinator, programme, year=2017, dated_on=dt.date(2017, 6, 1))
    meeting = sf.meeting(coordinator, copil, held_on=dt.date(2017, 6, 20))
    decision = programme_actions.approve_plan_version(
        actor=coordinator, plan_version=second, meeting=meeting, text="Version 2 approuvée."
    )
    version.refresh_from_db()
    second.refresh_from_db()
    assert (version.status, second.status) == (PlanStatus.SUPERSEDED, PlanStatus.APPROVED)
    assert decision.plan_version == second and decision.meeting == meeting
    assert second.changes.latest("id").decision == decision
    assert version.changes.latest("id").decision == decision


def test_approving_a_version_that_is_not_proposed_is_refused(coordinator, version, copil):
    sf.approve(coordinator, version, copil)
    decisions = Decision.objects.count()
    with pytest.raises(SteeringError, match="Seule une version proposée s'approuve"):
        sf.approve(coordinator, version, copil)
    assert Decision.objects.count() == decisions


def test_a_meeting_of_another_programme_does_not_approve(coordinator, version, db):
    other = factories.TerritoryFactory(slug="ailleurs", siren="200000888")
    foreign = sf.committee(
        factories.CoordinationFactory(territory=other).user, sf.programme(coordinator, other)
    )
    with pytest.raises(SteeringError, match="n'est pas celle d'un comité du programme"):
        sf.approve(coordinator, version, foreign)
    version.refresh_from_db()
    assert version.status == PlanStatus.PROPOSED


def test_an_approved_version_is_read_only(coordinator, version, axis, action, copil, organisation):
    line = sf.budget(coordinator, action)
    sf.approve(coordinator, version, copil)
    refused = "approuvé : il ne se modifie plus"
    values = {
        "title": "Autre",
        "axis": axis,
        "kind": "local",
        "lead_partner": organisation,
        "scale": "commune",
    }
    with pytest.raises(SteeringError, match=refused):
        sf.action(coordinator, version, axis, organisation, title="Nouvelle")
    with pytest.raises(SteeringError, match=refused):
        plan_actions.update_action(actor=coordinator, action=action, values=values, communes=[])
    with pytest.raises(SteeringError, match=refused):
        sf.budget(coordinator, action)
    with pytest.raises(SteeringError, match=refused):
        plan_actions.remove_budget_line(actor=coordinator, line=line)
    with pytest.raises(SteeringError, match=refused):
        plan_actions.set_target(
            actor=coordinator,
            action=action,
            indicator_code="workshops_held",
            target_value=3,
            year=2017,
        )
    action.refresh_from_db()
    assert action.title == "Ordi'Pratique"
    assert PlanAction.objects.count() == 1 and BudgetLine.objects.count() == 1


def test_follow_up_goes_on_on_an_approved_version_but_not_once_closed(
    coordinator, version, action, copil, other_organisation
):
    sf.approve(coordinator, version, copil)
    plan_actions.update_drift_notes(actor=coordinator, action=action, text="Un partenaire parti.")
    partner = plan_actions.add_partner(
        actor=coordinator,
        action=action,
        organisation=other_organisation,
        joined_on=dt.date(2017, 1, 1),
    )
    programme_actions.close_plan_version(actor=coordinator, plan_version=version)
    with pytest.raises(SteeringError, match="le suivi de ses actions est terminé"):
        plan_actions.record_partner_leaving(
            actor=coordinator, partner=partner, left_on=dt.date(2018, 1, 1)
        )
    with pytest.raises(SteeringError, match="le suivi de ses actions est terminé"):
        plan_actions.update_drift_notes(actor=coordinator, action=action, text="Autre")
    action.refresh_from_db()
    partner.refresh_from_db()
    assert action.drift_notes == "Un partenaire parti." and partner.left_on is None


def test_dates_reversed_are_refused(coordinator, version, axis, organisation):
    with pytest.raises(SteeringError, match="est avant le début"):
        sf.action(
            coordinator,
            version,
            axis,
            organisation,
            starts_on=dt.date(2017, 6, 1),
            ends_on=dt.date(2017, 1, 1),
        )
    assert not PlanAction.objects.exists()


def test_a_partner_cannot_leave_before_joining(coordinator, action, other_organisation):
    partner = plan_actions.add_partner(
        actor=coordinator,
        action=action,
        organisation=other_organisation,
        joined_on=dt.date(2017, 3, 1),
    )
    with pytest.raises(SteeringError, match="avant de l'avoir rejointe"):
        plan_actions.record_partner_leaving(
            actor=coordinator, partner=partner, left_on=dt.date(2017, 2, 1)
        )
    with pytest.raises(SteeringError, match="avant de l'avoir rejointe"):
        plan_actions.add_partner(
            actor=coordinator,
            action=action,
            organisation=factories.OrganisationFactory(
                territory=action.plan_version.programme.territory
            ),
            joined_on=dt.date(2017, 3, 1),
            left_on=dt.date(2017, 1, 1),
        )
    partner.refresh_from_db()
    assert partner.left_on is None and ActionPartner.objects.count() == 1


def test_a_partner_leaves_once_and_is_journaled(coordinator, action, other_organisation):
    partner = plan_actions.add_partner(
        actor=coordinator,
        action=action,
        organisation=other_organisation,
        joined_on=dt.date(2017, 1, 1),
    )
    plan_actions.record_partner_leaving(
        actor=coordinator, partner=partner, left_on=dt.date(2019, 1, 1), reason="Sans salarié"
    )
    with pytest.raises(SteeringError, match="a déjà quitté"):
        plan_actions.record_partner_leaving(
            actor=coordinator, partner=partner, left_on=dt.date(2019, 2, 1)
        )
    assert JournalEntry.objects.filter(event="steering_action_partner_left").count() == 1


def test_the_lead_partner_and_outside_structures_are_not_partners(
    coordinator, action, organisation, stranger
):
    with pytest.raises(SteeringError, match="déjà cheffe de file"):
        plan_actions.add_partner(
            actor=coordinator,
            action=action,
            organisation=organisation,
            joined_on=dt.date(2017, 1, 1),
        )
    with pytest.raises(SteeringError, match="structure du territoire"):
        plan_actions.add_partner(
            actor=coordinator,
            action=action,
            organisation=stranger.memberships.get().organisation,
            joined_on=dt.date(2017, 1, 1),
        )
    assert not ActionPartner.objects.exists()


def test_negative_amounts_are_refused(coordinator, version, axis, organisation, action):
    with pytest.raises(SteeringError, match="ne peut pas être négatif"):
        sf.budget(coordinator, action, amount="-1")
    with pytest.raises(SteeringError, match="dépenses éligibles ne peut pas être négatif"):
        sf.action(coordinator, version, axis, organisation, eligible_expenses=Decimal("-5"))
    assert not BudgetLine.objects.exists() and PlanAction.objects.count() == 1


def test_another_financer_needs_a_name(coordinator, action):
    with pytest.raises(SteeringError, match="Nommez le co-financeur"):
        sf.budget(coordinator, action, financer="autres")
    line = plan_actions.add_budget_line(
        actor=coordinator,
        action=action,
        financer="autres",
        amount=Decimal(500),
        financer_name="Fondation Orange",
    )
    assert line.financer_label == "Fondation Orange"


def test_a_target_needs_a_known_indicator(coordinator, action):
    with pytest.raises(SteeringError, match="Indicateur inconnu « people_happy »"):
        plan_actions.set_target(
            actor=coordinator,
            action=action,
            indicator_code="people_happy",
            target_value=10,
            year=2017,
        )
    assert not ActionTarget.objects.exists()


def test_setting_a_target_again_replaces_it(coordinator, action):
    for value in (100, 140):
        plan_actions.set_target(
            actor=coordinator,
            action=action,
            indicator_code="workshops_held",
            target_value=value,
            year=2017,
        )
    assert [t.target_value for t in action.targets.all()] == [140]


def test_sources_name_structures_of_the_territory(
    coordinator, version, axis, organisation, stranger
):
    foreign = stranger.memberships.get().organisation
    with pytest.raises(SteeringError, match="pas du territoire"):
        sf.action(
            coordinator,
            version,
            axis,
            organisation,
            sources=[{"organisation": foreign.pk, "workshop_kinds": []}],
        )
    made = sf.action(
        coordinator,
        version,
        axis,
        organisation,
        sources=[{"organisation": organisation.pk, "workshop_kinds": ["initiation_ordinateur"]}],
    )
    assert made.sources[0]["workshop_kinds"] == ["initiation_ordinateur"]


def test_communes_and_lead_partner_come_from_the_territory(coordinator, version, axis, stranger):
    foreign = stranger.memberships.get().organisation
    with pytest.raises(SteeringError, match="chef de file est une structure du territoire"):
        sf.action(coordinator, version, axis, foreign)
    assert not PlanAction.objects.exists()
