"""The programme steering part of the matrix (docs/steering.md, « Who sees what »): its
objects, built for each territory through the actions, and its routes' rules.

The matrix's personas hold no steering role: its coordinators run everything, the members of
the territory's structures read the programme, the approved plan and its actions, and every
other page answers 403 to them (404 to other territories). Steering roles are walked by
tests/steering/test_permissions.py."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from aiguillage.steering import governance_actions, plan_actions, programme_actions
from tests import factories
from tests.permission_matrix.personas import (
    POST,
    Route,
    coordinator_of_territory,
    logged_in,
    structures_of_territory,
)

PDF = b"%PDF-1.4\n%%EOF\n"
KINDS = {
    "steering_programme", "steering_axis", "steering_role", "steering_plan",
    "steering_proposed_plan", "steering_action", "steering_partner", "steering_line",
    "steering_target", "steering_group", "steering_member", "steering_proposal",
    "steering_committee", "steering_meeting",
}  # fmt: skip


def steering_objects(world, owner: str, home: dict) -> None:
    """The territory's programme: an approved 2017 plan with one action (partner, budget line,
    target), a proposed second version, a working group with a member and a proposal, the
    COPIL with a meeting (minutes) and a local referent."""
    coordinator, territory, lead = home["coordinator"], home["territory"], home["partner"]
    programme = programme_actions.create_programme(
        actor=coordinator, territory=territory, title=f"Programme {owner}",
        starts_on=dt.date(2017, 1, 1),
    )  # fmt: skip
    axis = programme_actions.add_axis(
        actor=coordinator, programme=programme, code="1", title="Accès aux droits",
        valid_from=dt.date(2017, 1, 1),
    )  # fmt: skip
    version = programme_actions.create_plan_version(
        actor=coordinator, programme=programme, year=2017, dated_on=dt.date(2017, 1, 15)
    )
    action = plan_actions.create_action(
        actor=coordinator, plan_version=version, communes=[home["commune"]],
        values={"title": "Ordi'Pratique", "axis": axis, "kind": "structuring",
                "lead_partner": lead, "scale": "commune"},
    )  # fmt: skip
    partner = plan_actions.add_partner(
        actor=coordinator, action=action, joined_on=dt.date(2017, 1, 1),
        organisation=factories.OrganisationFactory(territory=territory),
    )  # fmt: skip
    line = plan_actions.add_budget_line(
        actor=coordinator, action=action, financer="feder", amount=10_000
    )
    target = plan_actions.set_target(
        actor=coordinator, action=action, indicator_code="people_trained", target_value=84,
        year=2017,
    )  # fmt: skip
    copil = governance_actions.create_committee(
        actor=coordinator, programme=programme, kind="copil", title="COPIL"
    )
    meeting = governance_actions.create_meeting(
        actor=coordinator, committee=copil, held_on=dt.date(2017, 3, 10),
        minutes=SimpleUploadedFile("cr.pdf", PDF),
    )  # fmt: skip
    programme_actions.approve_plan_version(
        actor=coordinator, plan_version=version, meeting=meeting, text="Approuvé."
    )
    proposed = programme_actions.create_plan_version(
        actor=coordinator, programme=programme, year=2017, dated_on=dt.date(2017, 6, 1)
    )
    group = governance_actions.create_working_group(
        actor=coordinator, programme=programme, title="Accès aux droits"
    )
    member = home["worker"]
    governance_actions.add_group_member(actor=coordinator, group=group, user=member)
    proposal = governance_actions.create_proposal(
        actor=coordinator, group=group, title="Permanences", kind="local"
    )
    role = governance_actions.grant_role(
        actor=coordinator, programme=programme, user=factories.UserFactory(),
        kind="local_referent", commune=home["commune"],
    )  # fmt: skip
    add = world.add
    add(owner, "steering_programme", {"public_id": programme.public_id}, programme)
    add(owner, "steering_axis", {"public_id": axis.public_id}, axis)
    add(owner, "steering_role", {"public_id": programme.public_id, "pk": role.pk}, role)
    add(owner, "steering_plan", {"public_id": version.public_id}, version)
    add(owner, "steering_proposed_plan", {"public_id": proposed.public_id}, proposed)
    add(owner, "steering_action", {"public_id": action.public_id}, action)
    for kind, row in (("steering_partner", partner), ("steering_line", line),
                      ("steering_target", target)):  # fmt: skip
        add(owner, kind, {"public_id": action.public_id, "pk": row.pk}, row)
    add(owner, "steering_group", {"public_id": group.public_id}, group)
    add(owner, "steering_member", {"public_id": group.public_id, "user_id": member.pk}, group)
    add(owner, "steering_proposal", {"public_id": proposal.public_id}, proposal)
    add(owner, "steering_committee", {"public_id": copil.public_id}, copil)
    add(owner, "steering_meeting", {"public_id": meeting.public_id}, meeting)


COORDINATION_FORM = ("GET", "POST")
# The territory's structures read the programme, the approved plan and its actions.
READERS = structures_of_territory | coordinator_of_territory


def _run(kind: str, methods=COORDINATION_FORM) -> Route:
    return Route(coordinator_of_territory, kind, methods)


ROUTES: dict[str, Route] = {
    # The menu's « Programme »: every persona of the matrix has a programme to go to.
    "steering:programme_index": Route(logged_in, methods=COORDINATION_FORM),
    "steering:programme_home": Route(READERS, "steering_programme"),
    "steering:plan_detail": Route(READERS, "steering_plan"),
    "steering:action_detail": Route(READERS, "steering_action"),
    **{
        f"steering:{name}": _run("steering_programme")
        for name in ("axis_create", "role_list", "plan_create", "group_create", "committee_create")
    },
    "steering:axis_change": _run("steering_axis"),
    "steering:role_revoke": _run("steering_role", POST),
    "steering:plan_close": _run("steering_plan"),
    "steering:plan_approve": _run("steering_proposed_plan"),
    "steering:action_create": _run("steering_proposed_plan"),
    **{
        f"steering:{name}": _run("steering_action")
        for name in (
            "action_edit",
            "action_followup",
            "partner_add",
            "budget_line_add",
            "target_add",
        )
    },  # fmt: skip
    "steering:note_add": _run("steering_action", POST),
    "steering:partner_leave": _run("steering_partner"),
    "steering:budget_line_remove": _run("steering_line", POST),
    "steering:target_remove": _run("steering_target", POST),
    # Working groups: the coordination (the matrix's personas are no group referents).
    **{
        f"steering:{name}": _run("steering_group", methods)
        for name, methods in (
            ("group_detail", ("GET",)),
            ("group_members", COORDINATION_FORM),
            ("proposal_create", COORDINATION_FORM),
        )
    },  # fmt: skip
    "steering:group_member_remove": _run("steering_member", POST),
    **{
        f"steering:{name}": _run("steering_proposal", methods)
        for name, methods in (
            ("proposal_detail", ("GET",)),
            ("proposal_submit", COORDINATION_FORM),
            ("proposal_accept", COORDINATION_FORM),
            ("proposal_decline", COORDINATION_FORM),
        )
    },  # fmt: skip
    # Committees: the coordination (and committee members, who are not personas here).
    "steering:committee_detail": _run("steering_committee", ("GET",)),
    "steering:meeting_create": _run("steering_committee"),
    **{
        f"steering:{name}": _run("steering_meeting", methods)
        for name, methods in (
            ("meeting_detail", ("GET",)),
            ("meeting_minutes", ("GET",)),
            ("minutes_upload", COORDINATION_FORM),
            ("decision_create", COORDINATION_FORM),
        )
    },  # fmt: skip
}
# What structure B reads of A's territory by design: the programme, the approved plan, its
# actions.
SHARED = {
    ("steering:programme_home", "steering_programme"),
    ("steering:plan_detail", "steering_plan"),
    ("steering:action_detail", "steering_action"),
}
