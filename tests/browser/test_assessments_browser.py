"""Assessments in a real browser: a social worker creates a person with consent and runs the
screening on a phone; a mediator runs the in-depth assessment and sees progress; a
coordinator reads the anonymous statistics. With axe checks on every page of the journeys.

The phone screening is timed and its screens and taps counted (printed with -s, and
written to var/screenshots/assess-timing.txt); nothing asserts on the time.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from aiguillage.assessments import actions
from aiguillage.assessments.engine import next_item
from aiguillage.people.actions import create_person
from aiguillage.people.models import Person
from aiguillage.people.rules import CONSENT_EXPLANATION
from aiguillage.territories.models import Commune
from tests import factories
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    axe_violations,
    describe_violations,
    screenshot,
    watch,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRENOBLE = (45.1824, 5.7155)
# A beginner's answers, as the person gives them on each screen (question → choice codes).
BEGINNER = {
    "appareil": "personnel",
    "connexion": "limitee",
    "usage_internet": "moins_3_mois",
    "allumer_appareil": "seul",
    "recherche": "avec_aide",
    "email": "ne_sait_pas",
    "compte_en_ligne": "avec_aide",
    "demarche_en_ligne": "ne_sait_pas",
    "photo_document": "avec_aide",
    "arnaque": "avec_aide",
    "probleme": "avec_aide",
    "difficultes": ["peur_erreur"],
    "demarche_urgente": "non",
    "aide_entourage": "parfois",
}
AREAS = ("appareil", "information", "communication", "contenus", "securite", "problemes")


@pytest.fixture
def social_worker(territory):
    organisation = factories.OrganisationFactory(
        name="CCAS de test", kind="social", territory=territory
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
def places(territory, organisation):
    """Places north of Grenoble's centre offering what beginners are recommended."""
    rows = [
        ("Espace numérique Bastille", 600, ["Accompagnement individuel"]),
        ("Atelier du quartier", 1_100, ["Dans un atelier collectif"]),
        ("Médiathèque Kateb Yacine", 2_000, ["Accompagnement individuel"]),
    ]
    return [
        factories.PlaceFactory(
            territory=territory,
            organisation=organisation,
            nom=name,
            latitude=GRENOBLE[0] + metres / 111_195,
            longitude=GRENOBLE[1],
            horaires="Mo-Sa 09:00-18:00",
            services=[
                "Maîtrise des outils numériques du quotidien",
                "Aide aux démarches administratives",
            ],
            extra_services=["wifi"],
            modalites_accompagnement=modalites,
        )
        for name, metres, modalites in rows
    ]


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
    assert violations == [], f"{page.url}\n{describe_violations(violations)}"


class Journey:
    """Counts what the professional does: screens seen and taps (a click, a tick, a field)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.screens = 1
        self.taps = 0

    def tap(self, locator, *, navigates: bool = True) -> None:
        locator.click()
        self.taps += 1
        self.screens += navigates

    def tick(self, locator) -> None:
        locator.check()
        self.taps += 1

    def fill(self, locator, text: str) -> None:
        locator.fill(text)
        self.taps += 1


def test_a_social_worker_creates_a_person_and_runs_the_screening_on_a_phone(
    open_context, live_server, social_worker, places
):
    page = logged_in(open_context, live_server, social_worker, viewport=PHONE, is_mobile=True)
    problems = watch(page, live_server)
    started = time.monotonic()
    page.goto(live_server.url + reverse("people:person_create"))
    journey = Journey(page)

    # --- The person's file, with the consent to record the assessment -----------------------
    journey.fill(page.locator("#id_first_name"), "Fatima")
    journey.fill(page.locator("#id_birth_year"), "1961")
    page.locator("#id_commune").select_option(label="Grenoble (38185)")
    journey.taps += 1
    journey.tick(page.get_by_label("Garder une fiche pour suivre"))
    journey.tick(page.get_by_label("Enregistrer le diagnostic de ses compétences"))
    journey.tick(page.get_by_label("J'ai expliqué à la personne"))
    journey.tap(page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Fatima")
    created = time.monotonic()
    person_taps, person_screens = journey.taps, journey.screens

    # --- The screening, one question per screen -------------------------------------------
    journey.tap(page.get_by_role("button", name="Faire le diagnostic"))
    expect(page.get_by_text("Question 1 sur 14")).to_be_visible()
    fits_the_phone(page)
    no_serious_violation(page, live_server)
    screenshot(page, "assess-browser-question")
    journey.tap(page.get_by_role("button", name="Formulation très simple"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vous avez un téléphone")
    no_serious_violation(page, live_server)
    screenshot(page, "assess-browser-question-simple")
    asked = 0
    while "/question/" in page.url:
        question = page.locator("input[name=question]").get_attribute("value")
        answer = BEGINNER[question]
        asked += 1
        if isinstance(answer, list):
            for code in answer:
                journey.tick(page.locator(f"#reponse-{code}"))
            no_serious_violation(page, live_server)
            journey.tap(page.get_by_role("button", name="Valider"))
        else:
            journey.tap(page.locator(f"button[name=reponse][value={answer}]"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifier les réponses")
    fits_the_phone(page)
    no_serious_violation(page, live_server)
    journey.tap(page.get_by_role("button", name="Voir le résultat"))

    # --- The result: typology, reasons, places ---------------------------------------------
    expect(page.locator(".typology-name")).to_have_text("Accès accompagné — débutant")
    finished = time.monotonic()
    expect(page.locator("#why-title + ul.reasons li").first).to_contain_text("7 points sur 16")
    expect(page.get_by_role("link", name="Espace numérique Bastille").first).to_be_visible()
    expect(page.get_by_text("Connexion limitée").first).to_be_visible()
    fits_the_phone(page)
    no_serious_violation(page, live_server)
    screenshot(page, "assess-browser-result")
    # The recommended place opens its page.
    journey.tap(page.get_by_role("link", name="Espace numérique Bastille").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace numérique Bastille")
    problems.assert_none()

    screening_taps = journey.taps - person_taps
    screening_screens = journey.screens - person_screens - 1  # not the place page
    report = (
        f"Repérage sur téléphone (390×844) : {asked} questions posées, "
        f"{screening_screens} écrans et {screening_taps - 1} appuis de « Faire le diagnostic » au "
        f"résultat (dont 1 pour la formulation très simple), {finished - created:.1f} s dans "
        f"le navigateur de test ; création de la fiche avec accord : {person_screens} écrans, "
        f"{person_taps} appuis ou saisies, {created - started:.1f} s."
    )
    print("\n" + report)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "assess-timing.txt").write_text(report + "\n", encoding="utf-8")
    assert asked == 14
    assert screening_screens <= 20


def test_the_screening_works_without_javascript(open_context, live_server, social_worker):
    organisation = social_worker.memberships.get().organisation
    person = create_person(
        actor=social_worker,
        organisation=organisation,
        values={"first_name": "Jo"},
        purposes=["accompagnement", "evaluation"],
        explained_text=CONSENT_EXPLANATION,
    )
    page = logged_in(open_context, live_server, social_worker, java_script_enabled=False)
    page.goto(live_server.url + reverse("people:person_detail", args=[person.public_id]))
    page.get_by_role("button", name="Faire le diagnostic").click()
    page.locator("button[name=reponse][value=personnel]").click()
    expect(page.get_by_text("Question 2 sur 14")).to_be_visible()
    page.get_by_role("link", name="← Question précédente").click()
    expect(page.get_by_text("(réponse actuelle)")).to_be_visible()


def test_without_consent_the_page_explains_how_to_record_it(
    open_context, live_server, social_worker
):
    person = create_person(
        actor=social_worker,
        organisation=social_worker.memberships.get().organisation,
        values={"first_name": "Jo"},
        purposes=["accompagnement"],
        explained_text=CONSENT_EXPLANATION,
    )
    page = logged_in(open_context, live_server, social_worker, viewport=PHONE, is_mobile=True)
    page.goto(live_server.url + reverse("people:person_detail", args=[person.public_id]))
    page.get_by_role("link", name="Faire le diagnostic").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Il faut d'abord l'accord de la personne"
    )
    fits_the_phone(page)
    no_serious_violation(page, live_server)
    page.get_by_label("J'ai expliqué à la personne").check()
    page.get_by_role("button", name="Enregistrer l'accord et commencer").click()
    expect(page.get_by_role("button", name="Commencer le repérage")).to_be_visible()


def test_a_mediator_runs_the_in_depth_assessment_then_sees_progress(
    open_context, live_server, mediator, organisation, places
):
    person = create_person(
        actor=mediator,
        organisation=organisation,
        values={"first_name": "Karim", "commune": Commune.objects.get(insee_code="38185")},
        purposes=["accompagnement", "evaluation"],
        explained_text=CONSENT_EXPLANATION,
    )
    screening = actions.start_assessment(
        actor=mediator, organisation=organisation, person=person, kind="screening"
    )
    actions.save_answers(actor=mediator, assessment=screening, answers=BEGINNER)
    actions.complete_screening(actor=mediator, assessment=screening)

    page = logged_in(open_context, live_server, mediator, viewport=DESKTOP)
    problems = watch(page, live_server)
    page.goto(live_server.url + reverse("people:person_detail", args=[person.public_id]))
    page.get_by_role("button", name="Évaluation approfondie (médiateur)").click()
    expect(page.get_by_text("Domaine 1 sur 6")).to_be_visible()
    no_serious_violation(page, live_server)
    screenshot(page, "assess-browser-item")
    # Every first task done alone, the second with help: level 1 everywhere.
    observed = 0
    while "/observation/" in page.url:
        level = page.get_by_text("Niveau ", exact=False).first.inner_text()
        outcome = "Fait seul(e)" if level.startswith("Niveau 1 sur") else "Fait avec de l'aide"
        page.get_by_role("button", name=outcome).click()
        observed += 1
    expect(page.get_by_role("heading", level=1)).to_have_text("Niveaux observés")
    no_serious_violation(page, live_server)
    screenshot(page, "assess-browser-conclusion")
    page.get_by_role("button", name="Terminer l'évaluation").click()
    expect(page.locator(".typology-name")).to_have_text("Accès accompagné — débutant")
    expect(page.get_by_role("heading", name="Niveau par domaine")).to_be_visible()
    no_serious_violation(page, live_server)

    # A re-assessment after training (recorded through the actions), then the person's page.
    again = actions.start_assessment(
        actor=mediator,
        organisation=organisation,
        person=Person.objects.get(pk=person.pk),
        kind="in_depth",
    )
    referential = again.engine_referential()
    while item := next_item(referential, again.answers, screening_typology="accompagne_debutant"):
        outcome = "fait_seul" if item.level <= 3 else "avec_aide"
        actions.record_observation(
            actor=mediator, assessment=again, item_id=item.id, outcome=outcome
        )
    actions.complete_in_depth(
        actor=mediator,
        assessment=again,
        retained_typology="autonomie",
        reason="Tout est fait seul jusqu'au niveau 3, après huit ateliers.",
    )
    page.goto(live_server.url + reverse("people:person_detail", args=[person.public_id]))
    chart = page.get_by_role("img", name="Évolution de la typologie")
    expect(chart).to_be_visible()
    expect(page.get_by_text("progrès réel", exact=False).first).to_be_attached()
    no_serious_violation(page, live_server)
    screenshot(page, "assess-browser-person-progress")
    # On a phone the wide progress tables scroll inside their region, not the whole page
    # (their visually-hidden "progrès réel" labels once widened the page to 976 px).
    page.set_viewport_size(PHONE)
    fits_the_phone(page)
    problems.assert_none()
    assert 6 <= observed <= 18


def test_a_coordinator_sees_the_anonymous_statistics(
    open_context, live_server, coordinator, territory, social_worker
):
    organisation = social_worker.memberships.get().organisation
    for index in range(6):
        person = create_person(
            actor=social_worker,
            organisation=organisation,
            values={"first_name": f"P{index}", "commune": Commune.objects.get(insee_code="38185")},
            purposes=["accompagnement", "evaluation"],
            explained_text=CONSENT_EXPLANATION,
        )
        draft = actions.start_assessment(
            actor=social_worker, organisation=organisation, person=person, kind="screening"
        )
        actions.save_answers(actor=social_worker, assessment=draft, answers=BEGINNER)
        actions.complete_screening(actor=social_worker, assessment=draft)
    page = logged_in(open_context, live_server, coordinator)
    problems = watch(page, live_server)
    page.goto(live_server.url + reverse("accounts:dashboard"))
    page.get_by_role("link", name="Diagnostics : statistiques anonymes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Diagnostics numériques")
    row = page.get_by_role("row", name="Grenoble")
    expect(row).to_contain_text("6")
    expect(page.get_by_text("P0")).to_have_count(0)
    no_serious_violation(page, live_server)
    screenshot(page, "assess-browser-stats")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en CSV").click()
    assert download.value.suggested_filename.startswith("diagnostics-")
    problems.assert_none()
