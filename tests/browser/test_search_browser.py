"""Journeys through the public search and the place pages in a real browser, with axe checks."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import (
    PHONE,
    axe_violations,
    describe_violations,
    pdf_page_count,
    screenshot,
    watch,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRENOBLE = (45.1824, 5.7155)
# The folded criteria of a page that already shows results.
CRITERIA = "Besoins, jour d'ouverture et autres critères"


def north(metres: float) -> float:
    return GRENOBLE[0] + metres / 111_195


@pytest.fixture
def places(territory, organisation):
    """Eight places north of Grenoble's centre, 300 m to 9 km away; two repair computers."""
    made = {}
    rows = [
        ("Médiathèque Kateb Yacine", 300, "24/7", ["wifi", "ordinateurs"]),
        ("Centre social Chorier-Berriat", 900, "Mo-Fr 09:00-12:00,14:00-17:00", []),
        ("Atelier solidaire La Bricole", 1_600, "Tu-Sa 09:30-12:30", ["reparation", "pret"]),
        ("Maison des habitants Centre-ville", 2_400, "", ["impression"]),
        ("Espace public numérique Mistral", 3_300, "Mo,We,Fr 14:00-18:00", []),
        ("CCAS de Grenoble", 4_500, "Mo-Th 08:30-12:00,13:30-17:00; Fr 08:30-12:00", []),
        ("Repair café du Village olympique", 6_000, "Sa 10:00-13:00", ["reparation"]),
        ("France services Échirolles", 9_000, "Mo-Fr 08:30-12:30,13:30-17:30", []),
    ]
    for name, metres, horaires, extras in rows:
        made[name] = factories.PlaceFactory(
            territory=territory,
            organisation=organisation,
            nom=name,
            adresse=f"{metres // 100} rue de la République",
            latitude=north(metres),
            longitude=GRENOBLE[1],
            horaires=horaires,
            telephone="+33476000000",
            extra_services=extras,
            services=[
                "Aide aux démarches administratives",
                "Maîtrise des outils numériques du quotidien",
            ],
        )
    return made


@pytest.fixture
def full_place(territory, organisation):
    """A place with every field filled, long enough to test the one-page sheet."""
    return factories.PlaceFactory(
        territory=territory,
        organisation=organisation,
        nom="Maison des solidarités et du numérique de la Villeneuve",
        adresse="97 galerie de l'Arlequin",
        complement_adresse="Rez-de-chaussée, entrée par la place du marché",
        code_postal="38100",
        latitude=north(1_000),
        longitude=GRENOBLE[1],
        telephone="+33476123456",
        courriels=["accueil@solidarites-villeneuve.exemple.fr", "numerique@villeneuve.exemple.fr"],
        site_web=["https://www.solidarites-villeneuve.exemple.fr/aide-numerique/"],
        horaires=(
            "Mo 14:00-18:00; Tu,Th 09:00-12:00,14:00-18:00; We 09:00-12:00; "
            "Fr 09:00-12:00,13:30-16:30; Sa 10:00-12:00; PH off"
        ),
        presentation_resume=(
            "Accueil, aide aux démarches en ligne, ateliers d'initiation et postes en libre accès."
        ),
        presentation_detail=(
            "Des conseillers numériques vous reçoivent avec ou sans rendez-vous pour vos démarches "
            "(CAF, impôts, France Travail, santé), pour apprendre à utiliser un ordinateur, une "
            "tablette ou un téléphone, et pour sécuriser vos comptes en ligne. Des ateliers "
            "collectifs ont lieu chaque semaine ; les enfants sont les bienvenus avec leurs "
            "parents. "
        )
        * 2,
        source="Ville de Grenoble",
        structure_parente="Centre communal d'action sociale de Grenoble",
        typologie=["CCAS", "EPN"],
        itinerance=["Fixe"],
        services=[
            "Aide aux démarches administratives",
            "Maîtrise des outils numériques du quotidien",
            "Insertion professionnelle via le numérique",
            "Utilisation sécurisée du numérique",
            "Parentalité et éducation avec le numérique",
            "Loisirs et créations numériques",
            "Compréhension du monde numérique",
            "Accès internet et matériel informatique",
            "Acquisition de matériel informatique à prix solidaire",
        ],
        extra_services=["wifi", "ordinateurs", "impression", "reparation", "pret"],
        publics_specifiquement_adresses=[
            "Jeunes",
            "Étudiants",
            "Familles et/ou enfants",
            "Seniors",
        ],
        prise_en_charge_specifique=[
            "Surdité",
            "Handicaps moteurs",
            "Illettrisme",
            "Déficience visuelle",
        ],
        frais_a_charge=["Gratuit", "Gratuit sous condition"],
        dispositif_programmes_nationaux=[
            "Conseillers numériques",
            "Aidants Connect",
            "France Services",
        ],
        formations_labels=["Formé à « Mon Espace Santé »", "Formé à « DUPLEX » (illettrisme)"],
        autres_formations_labels="Label Numérique inclusif",
        modalites_acces=[
            "Se présenter",
            "Téléphoner",
            "Contacter par mail",
            "Prendre un RDV en ligne",
        ],
        modalites_accompagnement=[
            "En autonomie",
            "Accompagnement individuel",
            "Dans un atelier collectif",
            "À distance",
        ],
        fiche_acces_libre=(
            "https://acceslibre.beta.gouv.fr/app/38-grenoble/a/centre-social/erp/maison-des-solidarites/"
        ),
        prise_rdv="https://rdv.exemple.fr/grenoble/maison-des-solidarites-villeneuve/prendre-rdv",
        languages=["fr", "en", "ar", "es", "tr", "uk", "lsf"],
        capacity_note="12 postes en libre accès, ateliers de 8 personnes, 30 minutes par RDV",
    )


def to_metres(text: str) -> float:
    """« à 1,2 km » → 1200, « à 350 m » → 350."""
    number, unit = re.fullmatch(r"à ([\d,]+) (m|km)", text.strip()).groups()
    value = float(number.replace(",", "."))
    return value * 1000 if unit == "km" else value


def search_results(page: Page) -> list[str]:
    return page.locator(".result h3 a").all_inner_texts()


# --- Journeys ----------------------------------------------------------------------------


def test_search_by_commune_then_a_need_lists_nearest_places_with_badges(
    page, problems, live_server, places
):
    page.goto(live_server.url + reverse("places:search"))
    page.get_by_label("Où ?").fill("Grenoble")
    page.get_by_role("button", name="Chercher").click()

    heading = page.locator("#results-heading")
    expect(heading).to_have_text("8 lieux trouvés")
    # Shareable address without empty criteria.
    expect(page).to_have_url(re.compile(r"/lieux/\?ou=Grenoble$"))
    assert search_results(page)[0] == "Médiathèque Kateb Yacine"

    page.get_by_label("Réparation de matériel").check()

    expect(heading).to_have_text("2 lieux trouvés")
    expect(page).to_have_url(re.compile(r"/lieux/\?ou=Grenoble&services=reparation$"))
    expect(page).to_have_title(re.compile(r"^2 lieux trouvés — Trouver de l'aide"))
    assert search_results(page) == [
        "Atelier solidaire La Bricole",
        "Repair café du Village olympique",
    ]
    distances = [to_metres(text) for text in page.locator(".result-distance").all_inner_texts()]
    assert distances == sorted(distances) == [1_600, 6_000]
    for badge in page.locator(".result .badge").all():
        assert re.search(r"badge-(open|closed|unknown)", badge.get_attribute("class"))
        assert badge.inner_text().startswith(("Ouvert", "Fermé", "Horaires"))
    # The map shows the same numbered places, and none of its parts takes the keyboard focus.
    expect(page.locator(".map-marker")).to_have_count(2)
    expect(page.locator("#search-map")).to_have_attribute("aria-hidden", "true")
    focusable = page.locator("#search-map a:not([tabindex='-1']), #search-map [tabindex='0']")
    expect(focusable).to_have_count(0)
    screenshot(page, "search-results-desktop")
    problems.assert_none()


def test_back_button_restores_the_previous_results(page, problems, live_server, places):
    page.goto(live_server.url + reverse("places:search") + "?ou=Grenoble")
    page.get_by_text(CRITERIA).click()
    page.get_by_label("Réparation de matériel").check()
    expect(page.locator("#results-heading")).to_have_text("2 lieux trouvés")

    page.go_back()

    expect(page.locator("#results-heading")).to_have_text("8 lieux trouvés")
    expect(page.get_by_label("Réparation de matériel")).not_to_be_checked()
    expect(page.locator(".map-marker")).to_have_count(8)
    problems.assert_none()


def test_an_unknown_then_ambiguous_commune_is_explained_in_the_results(
    page, problems, live_server, territory
):
    factories.CommuneFactory(
        insee_code="38421", name="Saint-Martin-d'Hères", territory=territory, postcodes=["38400"]
    )
    factories.CommuneFactory(
        insee_code="38423", name="Saint-Martin-le-Vinoux", territory=territory, postcodes=["38950"]
    )
    page.goto(live_server.url + reverse("places:search"))
    where = page.get_by_label("Où ?")

    where.fill("Atlantide")
    where.press("Enter")

    expect(page.get_by_role("alert")).to_contain_text(
        "Nous ne trouvons pas la commune « Atlantide »"
    )
    expect(page.locator("#results-heading")).to_have_text("Recherche à corriger")

    where.fill("saint martin")
    where.press("Enter")

    expect(page.locator("#results-heading")).to_have_text("Choisissez votre commune")
    page.get_by_role("link", name="Saint-Martin-le-Vinoux (38950)").click()
    expect(page.locator(".results-summary")).to_contain_text("Autour de Saint-Martin-le-Vinoux")
    expect(page.get_by_label("Où ?")).to_have_value("Saint-Martin-le-Vinoux (38950)")
    problems.assert_none()


def test_commune_suggestions_fill_the_datalist_as_one_types(page, problems, live_server, places):
    page.goto(live_server.url + reverse("places:search"))

    page.get_by_label("Où ?").press_sequentially("Éch", delay=50)

    options = page.locator("#commune-suggestions option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_attribute("value", "Échirolles (38130)")
    problems.assert_none()


def test_choosing_a_day_and_a_slot_shows_places_open_then(page, problems, live_server, places):
    page.goto(live_server.url + reverse("places:search") + "?ou=Grenoble")
    page.get_by_text(CRITERIA).click()
    expect(page.get_by_label("Jour", exact=True)).to_be_hidden()

    page.get_by_label("Ouvert un jour et un créneau choisis").check()
    expect(page.locator("#results-heading")).not_to_have_text("8 lieux trouvés")
    page.get_by_label("Créneau", exact=True).select_option("soir")

    # Only the place open round the clock is open after 18 h.
    expect(page.locator("#results-heading")).to_have_text("1 lieu trouvé")
    assert search_results(page) == ["Médiathèque Kateb Yacine"]
    expect(page).to_have_url(re.compile(r"quand=creneau&jour=\d{4}-\d\d-\d\d&creneau=soir"))
    problems.assert_none()


def test_use_my_position_searches_around_the_device(open_context, live_server, places):
    context = open_context(
        geolocation={"latitude": north(6_000), "longitude": GRENOBLE[1]},
        permissions=["geolocation"],
    )
    page = context.new_page()
    problems = watch(page, live_server)
    page.goto(live_server.url + reverse("places:search"))

    page.get_by_role("button", name="Utiliser ma position").click()

    expect(page.locator(".results-summary")).to_contain_text("Autour de votre position")
    assert search_results(page)[0] == "Repair café du Village olympique"
    expect(page).to_have_url(re.compile(r"lat=45\.\d{3}&lon=5\.\d{3}"))
    problems.assert_none()


def test_the_search_works_without_javascript(open_context, live_server, places):
    page = open_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + reverse("places:search"))

    page.get_by_label("Où ?").fill("grenoble")
    page.get_by_label("Réparation de matériel").check()
    page.get_by_role("button", name="Chercher").click()

    expect(page.locator("#results-heading")).to_have_text("2 lieux trouvés")
    expect(page.get_by_role("button", name="Utiliser ma position")).to_be_hidden()
    expect(page.locator("#search-map")).to_be_hidden()


def test_phone_sized_search_fits_the_screen(open_context, live_server, places):
    page = open_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    problems = watch(page, live_server)
    page.goto(live_server.url + reverse("places:search"))
    page.get_by_label("Où ?").fill("Grenoble")
    page.get_by_label("Aide aux démarches administratives").check()

    expect(page.locator("#results-heading")).to_have_text("8 lieux trouvés")
    page.goto(page.url)  # the shared address shows the same search, criteria folded
    expect(page.locator("#results-heading")).to_have_text("8 lieux trouvés")
    expect(page.get_by_label("Aide aux démarches administratives")).to_be_hidden()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    screenshot(page, "search-results-phone")
    problems.assert_none()


def test_place_page_from_the_results_then_its_one_page_sheet(
    page, problems, live_server, places, full_place
):
    page.goto(live_server.url + reverse("places:search") + "?ou=Grenoble")
    page.get_by_role("link", name=full_place.nom).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(full_place.nom)
    expect(page.get_by_role("link", name="04 76 12 34 56")).to_have_attribute(
        "href", "tel:+33476123456"
    )
    expect(page.get_by_role("link", name="Itinéraire sur OpenStreetMap")).to_be_visible()
    expect(page.get_by_role("link", name="Modifier ce lieu")).to_have_count(0)
    screenshot(page, "search-place-desktop")

    page.get_by_role("link", name="Imprimer la fiche").click()

    expect(page.get_by_role("button", name="Imprimer la fiche")).to_be_visible()
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert pdf_page_count(pdf) == 1
    # What the sheet looks like on paper: the printable area of A4 with 12 mm margins at 96 dpi.
    page.set_viewport_size({"width": 703, "height": 1032})
    page.emulate_media(media="print")
    screenshot(page, "search-place-print")
    problems.assert_none()


def test_phone_sized_place_page(open_context, live_server, full_place):
    page = open_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    problems = watch(page, live_server)

    page.goto(live_server.url + reverse("places:place_detail", args=[full_place.public_id]))

    expect(page.get_by_role("heading", level=1)).to_have_text(full_place.nom)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "search-place-phone")
    problems.assert_none()


# --- Accessibility ------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["home", "search", "place", "print"])
def test_key_pages_have_no_serious_accessibility_violation(
    page, problems, live_server, places, full_place, which
):
    urls = {
        "home": reverse("ui:home"),
        "search": reverse("places:search") + "?ou=Grenoble&services=demarches",
        "place": reverse("places:place_detail", args=[full_place.public_id]),
        "print": reverse("places:place_print", args=[full_place.public_id]),
    }
    page.goto(live_server.url + urls[which])
    if which == "search":
        # Check the page with the map drawn: nothing in it may be focusable.
        expect(page.locator(".map-marker").first).to_be_attached()

    violations = axe_violations(page, live_server)

    assert violations == [], describe_violations(violations)
    problems.assert_none()
