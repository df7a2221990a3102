"""Referrals in a real browser: a social worker refers a person from a phone, prints the sheet,
the receiving mediator accepts then records the outcome, the sender sees it. With axe checks.

The phone journey is timed and its screens counted (printed with -s, and written beside
the screenshots); nothing asserts on the time.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from aiguillage.people.actions import create_person
from aiguillage.people.rules import CONSENT_EXPLANATION
from aiguillage.referrals.models import Referral
from tests import factories
from tests.browser.conftest import (
    PHONE,
    SCREENSHOTS,
    axe_violations,
    describe_violations,
    pdf_page_count,
    screenshot,
    watch,
)
from tests.referrals.conftest import GRENOBLE, north_of_grenoble

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def social_worker(territory):
    organisation = factories.OrganisationFactory(
        name="CCAS de test", kind="social", territory=territory, phone="04 76 11 22 33"
    )
    return factories.MembershipFactory(
        organisation=organisation, user__first_name="Samia", user__last_name="Haddad"
    ).user


@pytest.fixture
def mediator(organisation):
    return factories.MembershipFactory(
        organisation=organisation, user__first_name="Hugo", user__last_name="Martin"
    ).user


@pytest.fixture
def places(territory, organisation, other_organisation):
    def make(name, metres, horaires, organisation, **fields):
        return factories.PlaceFactory(
            territory=territory,
            organisation=organisation,
            nom=name,
            adresse=f"{metres // 100} rue de la République",
            latitude=north_of_grenoble(metres),
            longitude=GRENOBLE[1],
            horaires=horaires,
            telephone="+33476000000",
            **fields,
        )

    return [
        make(
            "Médiathèque Kateb Yacine",
            1_200,
            "Tu 14:00-17:00; Th 09:00-12:00",
            organisation,
            languages=["fr", "ar"],
        ),
        make("Centre social Chorier", 2_500, "Mo-Fr 09:00-12:00,14:00-17:00", other_organisation),
        make("Fermé le mardi", 400, "Mo 09:00-12:00", other_organisation),
    ]


@pytest.fixture
def person(social_worker, territory):
    from aiguillage.territories.models import Commune

    return create_person(
        actor=social_worker,
        organisation=social_worker.memberships.get().organisation,
        values={
            "first_name": "Fatima",
            "last_name": "Benali",
            "commune": Commune.objects.get(insee_code="38185"),
            "languages": ["fr", "ar"],
        },
        purposes=["accompagnement", "orientation"],
        explained_text=CONSENT_EXPLANATION,
    )


def logged_in(open_context, live_server, user, **options) -> Page:
    """A page whose browser carries ``user``'s session (logging in is not what is tested)."""
    client = Client()
    client.force_login(user)
    context = open_context(**options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def no_serious_violation(page: Page, live_server) -> None:
    violations = axe_violations(page, live_server)
    assert violations == [], describe_violations(violations)


def test_a_social_worker_refers_a_person_from_a_phone_then_the_loop_closes(
    open_context, live_server, social_worker, mediator, person, places
):
    # --- The social worker, on a phone -------------------------------------------------
    page = logged_in(open_context, live_server, social_worker, viewport=PHONE, is_mobile=True)
    problems = watch(page, live_server)
    screens = 0
    started = time.monotonic()

    page.goto(live_server.url + reverse("people:person_detail", args=[person.public_id]))
    screens += 1
    page.get_by_role("link", name="Orienter vers un lieu").click()
    screens += 1
    expect(page.get_by_role("heading", level=1)).to_have_text("Le besoin de Fatima Benali")
    fits_the_phone(page)
    screenshot(page, "referral-phone-1-need")
    page.get_by_label("Faire une démarche en ligne").check()
    page.get_by_label("mardi l'après-midi (14 h – 18 h)").check()
    page.get_by_label("jeudi le matin (9 h – 12 h)").check()
    page.get_by_role("button", name="Voir les lieux qui conviennent").click()
    screens += 1

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Lieux qui conviennent à Fatima Benali"
    )
    first = page.locator(".result").first
    expect(first).to_contain_text("Médiathèque Kateb Yacine")
    expect(first.locator(".match-reasons")).to_contain_text("accompagnement individuel")
    expect(first.locator(".match-reasons")).to_contain_text("parle arabe")
    expect(first.locator(".match-reasons")).to_contain_text("à 1,2 km")
    expect(page.get_by_text("Fermé le mardi")).to_have_count(0)
    fits_the_phone(page)
    screenshot(page, "referral-phone-2-matches")
    first.get_by_role("link", name="Choisir ce lieu").click()
    screens += 1

    expect(page.get_by_role("heading", level=1)).to_contain_text("vers Médiathèque Kateb Yacine")
    page.get_by_label("Message pour la structure").fill("Déclaration CAF à faire ce mois-ci.")
    fits_the_phone(page)
    screenshot(page, "referral-phone-3-confirm")
    page.get_by_role("button", name="Envoyer l'orientation").click()
    screens += 1

    expect(page.locator(".referral-status .badge")).to_have_text("Envoyée")
    elapsed = time.monotonic() - started
    fits_the_phone(page)
    screenshot(page, "referral-phone-4-sent")
    expect(page.locator("#sms-text")).to_contain_text("Bonjour Fatima.")

    page.get_by_role("link", name="Fiche à imprimer").click()
    expect(page.get_by_text("Pour Fatima")).to_be_visible()
    expect(page.locator(".sheet-when")).to_contain_text("quand vous êtes disponible, par exemple")
    screenshot(page, "referral-phone-5-sheet")
    page.emulate_media(media="print")
    assert pdf_page_count(page.pdf(format="A4", prefer_css_page_size=True)) == 1
    page.emulate_media(media="screen")
    problems.assert_none()

    report = (
        f"Orientation depuis la fiche de la personne, écran de téléphone 390×844 : "
        f"{screens} écrans (fiche, besoin, lieux, envoi, confirmation), "
        f"{elapsed:.1f} s dans le navigateur de test (Playwright, sans temps de saisie humain)."
    )
    print("\n" + report)
    (SCREENSHOTS / "referral-timing.txt").write_text(report + "\n", encoding="utf-8")
    referral = Referral.objects.get()
    assert referral.availability == "Tu 14:00-18:00; Th 09:00-12:00"

    # --- The receiving mediator ---------------------------------------------------------
    inbox = logged_in(open_context, live_server, mediator, viewport=PHONE, is_mobile=True)
    inbox_problems = watch(inbox, live_server)
    inbox.goto(live_server.url + reverse("referrals:referral_list"))
    expect(inbox.get_by_role("link", name="Reçues (1 nouvelle)")).to_be_visible()
    fits_the_phone(inbox)
    screenshot(inbox, "referral-phone-6-inbox")
    # The receiver sees the first name only (what the consent lists).
    inbox.get_by_role("link", name="Fatima → Médiathèque Kateb Yacine").click()
    expect(inbox.get_by_text("Pour l'orientation : donné le")).to_be_visible()
    inbox.get_by_label("Venir sans rendez-vous à ces horaires").check()
    inbox.get_by_label("Horaires pour venir").fill("le mardi de 14 h à 17 h")
    fits_the_phone(inbox)
    screenshot(inbox, "referral-phone-7-receive")
    inbox.get_by_role("button", name="Accepter l'orientation").click()
    expect(inbox.locator(".referral-status .badge")).to_have_text("Acceptée")

    inbox.get_by_role("button", name="Noter sa venue").click()
    expect(inbox.locator(".referral-status .badge")).to_have_text("Personne venue")
    inbox.get_by_label("Aide aux démarches administratives", exact=True).check()
    inbox.get_by_label("Démarche : Social - Santé").check()
    inbox.get_by_label("Autonome avec guidage en cas de besoin").check()
    inbox.get_by_role("button", name="Enregistrer l'accompagnement").click()
    expect(inbox.locator(".referral-status .badge")).to_have_text("Accompagnement fait")
    screenshot(inbox, "referral-phone-8-done")
    inbox_problems.assert_none()

    # --- The sender sees the outcome ------------------------------------------------------
    page.goto(live_server.url + reverse("referrals:referral_list") + "?vue=envoyees")
    expect(page.locator(".result").first).to_contain_text("Accompagnement fait")
    page.get_by_role("link", name="Fatima Benali → Médiathèque Kateb Yacine").click()
    expect(page.get_by_text("Ce qui a été fait")).to_be_visible()
    expect(page.get_by_text("Démarche : Social - Santé")).to_be_visible()
    screenshot(page, "referral-phone-9-sender-sees")


def test_from_a_place_page_on_a_desktop(open_context, live_server, social_worker, person, places):
    page = logged_in(open_context, live_server, social_worker)
    problems = watch(page, live_server)
    page.goto(live_server.url + reverse("places:place_detail", args=[places[0].public_id]))

    page.get_by_role("link", name="Orienter une personne ici").click()
    page.get_by_role("link", name="Fatima Benali").click()
    page.get_by_label("Faire une démarche en ligne").check()
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Orienter Fatima Benali vers Médiathèque Kateb Yacine"
    )
    page.get_by_role("button", name="Envoyer l'orientation").click()

    expect(page.locator(".referral-status .badge")).to_have_text("Envoyée")
    screenshot(page, "referral-desktop-detail")
    problems.assert_none()


def test_referral_pages_have_no_serious_accessibility_violation(
    open_context, live_server, social_worker, mediator, person, places, coordinator, territory
):
    page = logged_in(open_context, live_server, social_worker, viewport=PHONE)
    problems = watch(page, live_server)
    need_url = reverse("referrals:referral_need", args=[person.public_id])
    page.goto(live_server.url + reverse("referrals:referral_start"))
    no_serious_violation(page, live_server)
    screenshot(page, "referral-phone-0-start")
    page.goto(live_server.url + need_url)
    no_serious_violation(page, live_server)
    page.get_by_role("button", name="Voir les lieux qui conviennent").click()
    expect(page.get_by_role("alert")).to_contain_text("Cochez au moins un besoin.")
    no_serious_violation(page, live_server)
    page.get_by_label("S'équiper en matériel").check()
    page.get_by_role("button", name="Voir les lieux qui conviennent").click()
    expect(page.get_by_text("Aucun lieu du territoire ne correspond")).to_be_visible()
    no_serious_violation(page, live_server)
    screenshot(page, "referral-phone-no-match")
    page.goto(live_server.url + need_url)
    page.get_by_label("Faire une démarche en ligne").check()
    page.get_by_role("button", name="Voir les lieux qui conviennent").click()
    no_serious_violation(page, live_server)
    chosen = page.locator(".result").filter(has_text="Médiathèque Kateb Yacine")
    chosen.get_by_role("link", name="Choisir ce lieu").click()
    no_serious_violation(page, live_server)
    page.get_by_role("button", name="Envoyer l'orientation").click()
    no_serious_violation(page, live_server)
    page.get_by_role("link", name="Fiche à imprimer").click()
    no_serious_violation(page, live_server)
    problems.assert_none()

    receiver = logged_in(open_context, live_server, mediator)
    receiver.goto(live_server.url + reverse("referrals:referral_list"))
    no_serious_violation(receiver, live_server)
    receiver.get_by_role("link", name="Fatima → Médiathèque Kateb Yacine").click()
    no_serious_violation(receiver, live_server)
    screenshot(receiver, "referral-desktop-receive")

    coordination = logged_in(open_context, live_server, coordinator)
    coordination.goto(live_server.url + reverse("referrals:referral_stats", args=[territory.slug]))
    expect(coordination.get_by_role("heading", level=1)).to_contain_text("Orientations entre")
    no_serious_violation(coordination, live_server)
    screenshot(coordination, "referral-desktop-stats")
