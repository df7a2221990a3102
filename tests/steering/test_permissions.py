"""Every page of the programme against every part someone can play in it (docs/steering.md,
« Who sees what »): allowed (200 or a redirect), 403 (sees it, may not do it) or 404 (does
not know it exists). One test per route, walking the personas."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse

from aiguillage.steering import governance_actions, plan_actions
from aiguillage.steering.models import SteeringRole
from aiguillage.steering.programme_actions import approve_plan_version
from tests.steering import factories as sf
from tests.steering.test_governance import PDF

pytestmark = pytest.mark.django_db

PERSONAS = (
    "coordinator",
    "committee_member",
    "local_referent",
    "other_referent",
    "group_referent",
    "group_member",
    "owner",
    "stranger",
    "anonymous",
)
EVERYONE = set(PERSONAS) - {"stranger", "anonymous"}
# Who sees each object (404 for the others), and who may act on it (403 for the others).
SEES = {
    "programme": EVERYONE,
    "approved": {"coordinator", "committee_member", "local_referent", "other_referent", "owner"},
    "proposed": {"coordinator", "committee_member", "local_referent", "other_referent"},
    "action": {"coordinator", "committee_member", "local_referent", "owner"},
    "group": {"coordinator", "group_referent", "group_member"},
    "committee": {"coordinator", "committee_member"},
}
COORDINATION = {"coordinator"}
# route -> (object the address names, what it sees, who may act, method)
ROUTES = {
    "programme_home": ("programme", "programme", SEES["programme"], "GET"),
    "axis_create": ("programme", "programme", COORDINATION, "GET"),
    "axis_change": ("axis", "programme", COORDINATION, "GET"),
    "role_list": ("programme", "programme", COORDINATION, "GET"),
    "role_revoke": ("role", "programme", COORDINATION, "POST"),
    "plan_create": ("programme", "programme", COORDINATION, "GET"),
    "group_create": ("programme", "programme", COORDINATION, "GET"),
    "committee_create": ("programme", "programme", COORDINATION, "GET"),
    "plan_detail": ("approved", "approved", SEES["approved"], "GET"),
    "plan_close": ("approved", "approved", COORDINATION, "GET"),
    "plan_approve": ("proposed", "proposed", COORDINATION, "GET"),
    "action_create": ("proposed", "proposed", COORDINATION, "GET"),
    "action_detail": ("action", "action", SEES["action"], "GET"),
    "action_edit": ("action", "action", COORDINATION, "GET"),
    "action_followup": ("action", "action", COORDINATION, "GET"),
    "partner_add": ("action", "action", COORDINATION, "GET"),
    "partner_leave": ("partner", "action", COORDINATION, "GET"),
    "budget_line_add": ("action", "action", COORDINATION, "GET"),
    "budget_line_remove": ("line", "action", COORDINATION, "POST"),
    "target_add": ("action", "action", COORDINATION, "GET"),
    "target_remove": ("target", "action", COORDINATION, "POST"),
    "note_add": ("action", "action", {"coordinator", "local_referent"}, "POST"),
    "group_detail": ("group", "group", SEES["group"], "GET"),
    "group_members": ("group", "group", {"coordinator", "group_referent"}, "GET"),
    "group_member_remove": ("member", "group", {"coordinator", "group_referent"}, "POST"),
    "proposal_create": ("group", "group", {"coordinator", "group_referent"}, "GET"),
    "proposal_detail": ("proposal", "group", SEES["group"], "GET"),
    "proposal_submit": ("proposal", "group", {"coordinator", "group_referent"}, "GET"),
    "proposal_accept": ("proposal", "group", COORDINATION, "GET"),
    "proposal_decline": ("proposal", "group", COORDINATION, "GET"),
    "committee_detail": ("committee", "committee", SEES["committee"], "GET"),
    "meeting_create": ("committee", "committee", COORDINATION, "GET"),
    "meeting_detail": ("meeting", "committee", SEES["committee"], "GET"),
    "meeting_minutes": ("meeting", "committee", SEES["committee"], "GET"),
    "minutes_upload": ("meeting", "committee", COORDINATION, "GET"),
    "decision_create": ("meeting", "committee", COORDINATION, "GET"),
}


def test_every_route_of_the_app_is_in_the_table():
    names = {name for name in get_resolver().reverse_dict if isinstance(name, str)} | set()
    steering = set(get_resolver().namespace_dict["steering"][1].reverse_dict)
    steering = {n for n in steering if isinstance(n, str)}
    assert steering - {"programme_index"} == set(ROUTES), names and steering


@pytest.fixture
def world(
    coordinator,
    programme,
    axis,
    version,
    action,
    copil,
    group,
    other_organisation,
    grenoble,
    local_referent,
    other_referent,
    group_referent,
    group_member,
    committee_member,
    owner,
    stranger,
):
    """An approved 2017 plan whose action touches Grenoble (partner, budget, target), its
    proposed second version, the COPIL's meeting with minutes, a draft proposal."""
    partner = plan_actions.add_partner(
        actor=coordinator,
        action=action,
        organisation=other_organisation,
        joined_on=dt.date(2017, 1, 1),
    )
    line = sf.budget(coordinator, action)
    target = plan_actions.set_target(
        actor=coordinator,
        action=action,
        indicator_code="people_trained",
        target_value=84,
        year=2017,
    )
    meeting = sf.meeting(coordinator, copil, minutes=SimpleUploadedFile("cr.pdf", PDF))
    approve_plan_version(actor=coordinator, plan_version=version, meeting=meeting, text="Oui.")
    second = sf.version(coordinator, programme, dated_on=dt.date(2017, 6, 1))
    proposal = governance_actions.create_proposal(
        actor=group_referent, group=group, title="Idée", kind="local"
    )
    users = {
        "coordinator": coordinator,
        "committee_member": committee_member,
        "local_referent": local_referent,
        "other_referent": other_referent,
        "group_referent": group_referent,
        "group_member": group_member,
        "owner": owner,
        "stranger": stranger,
    }
    role = SteeringRole.objects.get(user=other_referent)
    return users, {
        "programme": [programme.public_id],
        "axis": [axis.public_id],
        "role": [programme.public_id, role.pk],
        "approved": [version.public_id],
        "proposed": [second.public_id],
        "action": [action.public_id],
        "partner": [action.public_id, partner.pk],
        "line": [action.public_id, line.pk],
        "target": [action.public_id, target.pk],
        "group": [group.public_id],
        "member": [group.public_id, group_member.pk],
        "proposal": [proposal.public_id],
        "committee": [copil.public_id],
        "meeting": [meeting.public_id],
    }


def _outcome(response) -> str:
    if response.status_code in (403, 404):
        return str(response.status_code)
    if 300 <= response.status_code < 400:
        login = urlsplit(response["Location"]).path == reverse(settings.LOGIN_URL)
        return "login" if login else "ok"
    return "ok" if response.status_code == 200 else str(response.status_code)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_answers_each_part_of_the_programme(world, name):
    users, args = world
    kind, seen_by, allowed, method = ROUTES[name]
    url = reverse(f"steering:{name}", args=args[kind])
    failures = []
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            client.force_login(users[persona])
        data = {"text": "Une note."} if name == "note_add" else {}
        with transaction.atomic():  # a POST allowed to one persona is undone for the next
            response = client.post(url, data) if method == "POST" else client.get(url)
            transaction.set_rollback(True)
        if persona == "anonymous":
            expected = "login"
        elif persona in allowed:
            expected = "ok"
        else:
            expected = "403" if persona in SEES[seen_by] else "404"
        got = _outcome(response)
        if got != expected:
            failures.append(f"{persona}: {got}, expected {expected}")
    assert not failures, f"{name}: " + "; ".join(failures)


def test_the_programme_index_leads_each_part_to_its_programme(world):
    users, args = world
    home = reverse("steering:programme_home", args=args["programme"])
    for persona in EVERYONE:
        client = Client()
        client.force_login(users[persona])
        response = client.get(reverse("steering:programme_index"))
        assert response.status_code == 302 and response["Location"] == home, persona
    client = Client()
    client.force_login(users["stranger"])
    assert client.get(reverse("steering:programme_index")).status_code == 404
