"""Issue 15, programme steering, done when: a coordinator builds the annual plan from a working
group's proposal and the committee approves it (a decision recorded at a meeting) — in a
browser, the approval on a 360 px phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from aiguillage.steering import governance_actions
from aiguillage.steering.models import PlanStatus, PlanVersion
from tests import factories
from tests.browser.conftest import screenshot, watch
from tests.browser.test_referrals_browser import logged_in, no_serious_violation
from tests.steering import factories as sf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 360, "height": 740}


def fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide"


def test_a_coordinator_builds_the_plan_from_a_proposal_and_the_copil_approves_it(
    open_context, live_server, territory, organisation
):
    coordinator = factories.CoordinationFactory(
        territory=territory, user__first_name="Camille"
    ).user
    programme = sf.programme(coordinator, territory)
    sf.axis(coordinator, programme, code="2", title="L'accès aux droits")
    copil = sf.committee(coordinator, programme)
    meeting = sf.meeting(coordinator, copil, held_on=dt.date(2017, 3, 21))
    animation = sf.committee(coordinator, programme, "Comité d'animation", "animation")
    group = governance_actions.create_working_group(
        actor=coordinator, programme=programme, title="Accès aux droits"
    )
    referent = factories.UserFactory(first_name="Hugo")
    governance_actions.grant_role(
        actor=coordinator, programme=programme, user=referent, kind="group_referent", group=group
    )
    elected = factories.UserFactory(first_name="Élise")
    governance_actions.grant_role(
        actor=coordinator, programme=programme, user=elected, kind="committee_member",
        committee=copil, is_elected=True,
    )  # fmt: skip

    # The group's referent writes the proposal and sends it to the comité d'animation.
    group_page = logged_in(open_context, live_server, referent)
    problems = watch(group_page, live_server)
    group_page.goto(live_server.url + reverse("steering:group_detail", args=[group.public_id]))
    group_page.get_by_role("link", name="Nouvelle proposition").click()
    group_page.get_by_label("Titre").fill("Permanences numériques d'accès aux droits")
    group_page.get_by_label("Type d'action").select_option("local")
    group_page.get_by_role("button", name="Enregistrer la proposition").click()
    group_page.get_by_role("link", name="Proposer au comité").click()
    group_page.get_by_label("Comité").select_option(label=animation.title)
    group_page.get_by_role("button", name="Proposer au comité").click()
    expect(group_page.locator(".badge").first).to_have_text("Proposée au comité")

    # The coordinator opens the year's plan and takes the proposal into it.
    page = logged_in(open_context, live_server, coordinator)
    problems_desk = watch(page, live_server)
    page.goto(live_server.url + reverse("steering:programme_index"))
    expect(page.get_by_role("heading", level=1)).to_have_text(programme.title)
    page.get_by_role("link", name="Nouvelle version du plan").click()
    page.get_by_label("Année du plan").fill("2017")
    page.get_by_label("Date de la version").fill("2017-02-07")
    page.get_by_role("button", name="Créer la version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan d'actions 2017 (version 1)")
    page.get_by_role("link", name=programme.title).click()
    page.get_by_role("link", name="Accès aux droits", exact=True).click()
    page.get_by_role("link", name="Permanences numériques d'accès aux droits").click()
    page.get_by_role("link", name="Retenir dans le plan").click()
    page.get_by_label("Version du plan").select_option(label="Plan d'actions 2017 (version 1)")
    page.get_by_label("Axe").select_option(label="2. L'accès aux droits")
    page.get_by_label("Chef de file").select_option(label=organisation.name)
    page.get_by_role("button", name="Ajouter au plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Permanences numériques d'accès aux droits"
    )
    no_serious_violation(page, live_server)

    # After the COPIL, on a 360 px phone: « Approuver le plan » with the meeting's decision.
    phone = logged_in(open_context, live_server, coordinator, viewport=SMALL_PHONE, is_mobile=True)
    problems_phone = watch(phone, live_server)
    version = PlanVersion.objects.get()
    phone.goto(live_server.url + reverse("steering:plan_detail", args=[version.public_id]))
    fits(phone, SMALL_PHONE["width"])
    phone.get_by_role("link", name="Approuver le plan").click()
    fits(phone, SMALL_PHONE["width"])
    phone.get_by_label("Réunion du comité").select_option(value=str(meeting.pk))
    phone.get_by_label("Décision").fill("Le COPIL approuve le plan d'actions 2017.")
    no_serious_violation(phone, live_server)
    screenshot(phone, "steering-approve-phone")
    phone.get_by_role("button", name="Approuver le plan").click()
    expect(phone.locator(".steer-status .badge").first).to_have_text("Approuvé")
    expect(
        phone.get_by_text("décision du COPIL politique de la ville du 21 mars 2017")
    ).to_be_visible()
    fits(phone, SMALL_PHONE["width"])
    version.refresh_from_db()
    assert version.status == PlanStatus.APPROVED

    # The elected member of the COPIL reads the decision at the meeting (read only).
    reader = logged_in(open_context, live_server, elected, viewport=SMALL_PHONE, is_mobile=True)
    reader.goto(live_server.url + reverse("steering:meeting_detail", args=[meeting.public_id]))
    expect(reader.get_by_text("Le COPIL approuve le plan d'actions 2017.")).to_be_visible()
    expect(reader.get_by_role("link", name="Noter une décision")).to_have_count(0)
    fits(reader, SMALL_PHONE["width"])
    for found in (problems, problems_desk, problems_phone):
        found.assert_none()
