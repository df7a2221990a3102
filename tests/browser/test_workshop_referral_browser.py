"""Issue 13, done when: a social worker refers a person to a cycle, the organiser accepts, the
person attends and completes, is re-assessed, and the sender sees the outcome — in a browser.

The sessions' dates are moved by the test's setup (a cycle lasts weeks); the re-assessment is
recorded through the actions (its screens have their own browser tests)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from aiguillage.assessments import actions as assessment_actions
from aiguillage.people.actions import create_person
from aiguillage.people.rules import CONSENT_EXPLANATION
from aiguillage.territories.models import Commune
from aiguillage.workshops.models import Session
from tests import factories
from tests.assessments.conftest import BEGINNER, INTERMEDIATE
from tests.browser.conftest import PHONE, screenshot, watch
from tests.browser.test_referrals_browser import fits_the_phone, logged_in, no_serious_violation
from tests.workshops import factories as wf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _screening(actor, organisation, person, answers):
    assessment = assessment_actions.start_assessment(
        actor=actor, organisation=organisation, person=person, kind="screening"
    )
    assessment_actions.save_answers(actor=actor, assessment=assessment, answers=answers)
    return assessment_actions.complete_screening(actor=actor, assessment=assessment)


def test_a_person_referred_to_a_cycle_attends_completes_and_the_sender_sees_it(
    open_context, live_server, territory, organisation
):
    social = factories.OrganisationFactory(name="CCAS de test", kind="social", territory=territory)
    social_worker = factories.MembershipFactory(organisation=social, user__first_name="Samia").user
    mediator = factories.MembershipFactory(organisation=organisation, user__first_name="Hugo").user
    place = factories.PlaceFactory(
        territory=territory, organisation=organisation, nom="Médiathèque"
    )
    wf.kind(territory)
    cycle = wf.cycle(mediator, organisation, place=place, sessions=2, capacity=6)
    person = create_person(
        actor=social_worker,
        organisation=social,
        values={"first_name": "Fatima", "commune": Commune.objects.get(insee_code="38185")},
        purposes=["accompagnement", "evaluation"],
        explained_text=CONSENT_EXPLANATION,
    )
    _screening(social_worker, social, person, BEGINNER)

    # The social worker, on a phone: from the person's file to the workshop, consent given.
    sender = logged_in(open_context, live_server, social_worker, viewport=PHONE, is_mobile=True)
    problems = watch(sender, live_server)
    sender.goto(live_server.url + reverse("people:person_detail", args=[person.public_id]))
    sender.get_by_role("link", name="Orienter vers un atelier").click()
    fits_the_phone(sender)
    sender.get_by_role("link", name="Ordi'Pratique").click()
    sender.get_by_label("Message pour la structure").fill("Elle veut écrire à sa fille.")
    sender.get_by_role("checkbox").check()
    no_serious_violation(sender, live_server)
    screenshot(sender, "workshop-referral-confirm-phone")
    sender.get_by_role("button", name="Envoyer l'orientation").click()
    expect(sender.locator(".badge")).to_have_text("Envoyée")
    referral_url = sender.url

    # The organiser accepts: the person is enrolled.
    organiser = logged_in(open_context, live_server, mediator, viewport=PHONE, is_mobile=True)
    organiser.goto(referral_url)
    expect(organiser.get_by_text("En acceptant, vous inscrivez la personne")).to_be_visible()
    organiser.get_by_role("button", name="Accepter l'orientation").click()
    expect(organiser.locator(".badge").first).to_have_text("Acceptée")

    # Both sessions are held; the roll call is taken on the phone.
    sessions = list(cycle.sessions.order_by("starts_at"))
    wf.shift_to_past(sessions, days=1)
    for item in sessions:
        organiser.goto(live_server.url + reverse("workshops:roll_call", args=[item.public_id]))
        row = organiser.locator(".roll-row", has_text="Fatima")
        row.get_by_role("button", name="Présent").click()
        expect(row.get_by_role("button", name="Présent")).to_have_attribute("aria-pressed", "true")
        fits_the_phone(organiser)
    screenshot(organiser, "workshop-roll-call-phone")
    assert all(Session.objects.get(pk=s.pk).roll_call_at for s in sessions)

    # Re-assessed after the cycle.
    _screening(social_worker, social, person, INTERMEDIATE)

    # The sender reads the outcome, and the progress on the person's file.
    sender.goto(referral_url)
    expect(sender.locator(".badge").first).to_have_text("Accompagnement fait")
    expect(sender.get_by_text("2 séances suivies sur 2")).to_be_visible()
    expect(sender.get_by_text("Atelier suivi jusqu'au bout.").first).to_be_visible()
    fits_the_phone(sender)
    no_serious_violation(sender, live_server)
    screenshot(sender, "workshop-referral-outcome-phone")
    sender.goto(live_server.url + reverse("people:person_detail", args=[person.public_id]))
    expect(sender.get_by_role("img", name="Évolution de la typologie")).to_be_visible()
    problems.assert_none()
