"""The equipment pool in a browser: a structure asks to borrow a case of tablets on a phone
(360 px), the lending structure accepts, hands it over and takes it back without a charger.
Screenshots of the catalogue and a booking at 360 px and 1280 px go to /tmp/pool_*.png."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from aiguillage.pool.models import Booking, BookingStatus
from tests import factories
from tests.browser.conftest import DESKTOP, watch
from tests.browser.test_referrals_browser import logged_in, no_serious_violation
from tests.pool import factories as pf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NARROW = {"width": 360, "height": 780}
FORMAT = "%Y-%m-%dT%H:%M"


def _fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide"


def _shots(page, name: str) -> None:
    for label, viewport in (("360", NARROW), ("1280", DESKTOP)):
        page.set_viewport_size(viewport)
        _fits(page, viewport["width"])
        page.screenshot(path=f"/tmp/pool_{name}_{label}.png", full_page=True)
    page.set_viewport_size(NARROW)


def test_a_loan_from_request_to_return_with_a_missing_charger(
    open_context, live_server, territory, organisation, other_organisation
):
    lender = factories.MembershipFactory(organisation=organisation, user__first_name="Nadia").user
    borrower = factories.MembershipFactory(
        organisation=other_organisation, user__first_name="Samia"
    ).user
    item = pf.item(lender, organisation, name="Valise de 6 tablettes")
    pf.item(lender, organisation, name="Vidéoprojecteur et écran", category="projection")

    # The borrowing structure, on a 360 px phone: catalogue, item, request.
    page = logged_in(open_context, live_server, borrower, viewport=NARROW, is_mobile=True)
    problems = watch(page, live_server)
    page.goto(live_server.url + reverse("accounts:dashboard"))
    page.get_by_role("link", name="Prêt de matériel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prêt de matériel")
    no_serious_violation(page, live_server)
    _shots(page, "catalogue")
    page.get_by_role("link", name="Valise de 6 tablettes").click()
    _fits(page, NARROW["width"])
    page.get_by_role("link", name="Demander à l'emprunter").click()
    page.get_by_label("Début").fill(pf.local(territory, 4, 9).strftime(FORMAT))
    page.get_by_label("Fin").fill(pf.local(territory, 6, 17).strftime(FORMAT))
    page.get_by_label("Pour quoi faire ?").fill("Atelier tablettes")
    no_serious_violation(page, live_server)
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator(".badge").first).to_have_text("Demandée")
    booking_url = page.url

    # The lending structure accepts, hands over, takes back without the charger.
    owner = logged_in(open_context, live_server, lender, viewport=NARROW, is_mobile=True)
    owner.goto(live_server.url + reverse("pool:my_items"))
    owner.get_by_role("link", name="Valise de 6 tablettes").first.click()
    assert owner.url == booking_url
    owner.get_by_role("button", name="Accepter la demande").click()
    expect(owner.locator(".badge").first).to_have_text("Acceptée")
    owner.get_by_label("Bon état").check()
    owner.get_by_role("button", name="L'objet est remis").click()
    expect(owner.locator(".badge").first).to_have_text("Prêtée")
    no_serious_violation(owner, live_server)
    _fits(owner, NARROW["width"])
    owner.get_by_role("group", name="État au retour").get_by_label("Usé mais fonctionne").check()
    owner.get_by_label("chargeur").check()
    owner.get_by_label("Note (facultative)").fill("Une tablette rayée")
    owner.get_by_role("button", name="L'objet est rendu").click()
    expect(owner.locator(".badge").first).to_have_text("Rendue")
    expect(owner.get_by_text("Accessoires manquants")).to_be_visible()
    _shots(owner, "booking")

    booking = Booking.objects.get(item=item)
    assert booking.status == BookingStatus.RETURNED
    assert booking.missing_accessories == ["chargeur"]
    assert booking.return_condition == "use"
    problems.assert_none()
