"""Priority neighbourhoods on the places' pages: the professional's badge on a place page and the
coordinator's « Quartiers prioritaires » page (permissions, counts, map)."""

from __future__ import annotations

import html
import math
from pathlib import Path

import pytest
from django.urls import reverse

from aiguillage.territories.actions import import_priority_neighbourhoods
from aiguillage.territories.neighbourhoods import METRES_PER_DEGREE
from tests import factories

QPV_2024 = Path(__file__).parents[1] / "territories" / "fixtures" / "qpv_2024_sample.geojson"
VEILLE = Path(__file__).parents[1] / "territories" / "fixtures" / "veille_grenoble_sample.geojson"
# Mistral's outline (the fixture) is centred here, 450 m × 300 m around.
MISTRAL = (45.1760, 5.7060)


def _east(metres: float) -> float:
    return metres / (METRES_PER_DEGREE * math.cos(math.radians(MISTRAL[0])))


@pytest.fixture
def neighbourhoods(territory):
    import_priority_neighbourhoods(text=QPV_2024.read_bytes(), actor=None)
    import_priority_neighbourhoods(
        text=VEILLE.read_bytes(), actor=None, kind="veille", territory=territory, is_demo=True
    )


@pytest.fixture
def place_in_mistral(territory, organisation):
    return factories.PlaceFactory(
        territory=territory, organisation=organisation, latitude=MISTRAL[0], longitude=MISTRAL[1]
    )


def _url(territory):
    return reverse("places:territory_neighbourhoods", args=[territory.slug])


def test_a_professional_sees_that_a_place_is_in_qpv(
    client, owner, neighbourhoods, place_in_mistral
):
    client.force_login(owner)
    page = client.get(reverse("places:place_detail", args=[place_in_mistral.public_id]))
    assert 'id="place-neighbourhood"' in page.text
    assert "En QPV" in page.text and "Mistral – Lys Rouge – Camine" in page.text


def test_the_public_does_not_see_the_badge(client, neighbourhoods, place_in_mistral):
    page = client.get(reverse("places:place_detail", args=[place_in_mistral.public_id]))
    assert page.status_code == 200
    assert 'id="place-neighbourhood"' not in page.text


def test_a_place_just_outside_is_near_with_its_distance(client, owner, territory, neighbourhoods):
    # 450 m is the outline's half-width at most: 700 m east is outside, less than 300 m away.
    place = factories.PlaceFactory(
        territory=territory, latitude=MISTRAL[0], longitude=MISTRAL[1] + _east(600)
    )
    client.force_login(owner)
    text = html.unescape(client.get(reverse("places:place_detail", args=[place.public_id])).text)
    assert "À proximité d'un QPV" in text
    assert "Mistral – Lys Rouge – Camine à " in text


def test_a_place_at_its_communes_centre_is_not_localisable(
    client, owner, territory, neighbourhoods
):
    place = factories.PlaceFactory(
        territory=territory, latitude=MISTRAL[0], longitude=MISTRAL[1], location_is_approximate=True
    )
    client.force_login(owner)
    page = client.get(reverse("places:place_detail", args=[place.public_id]))
    assert "QPV : non localisable" in page.text
    assert "En QPV" not in page.text


def test_a_place_far_from_any_neighbourhood_has_no_badge(client, owner, territory, neighbourhoods):
    place = factories.PlaceFactory(territory=territory, latitude=45.2100, longitude=5.7000)
    client.force_login(owner)
    page = client.get(reverse("places:place_detail", args=[place.public_id]))
    assert 'id="place-neighbourhood"' not in page.text


def test_the_coordinator_sees_the_neighbourhoods_with_their_places(
    client, coordinator, territory, neighbourhoods, place_in_mistral
):
    factories.PlaceFactory(
        territory=territory, latitude=MISTRAL[0], longitude=MISTRAL[1] + _east(600)
    )
    factories.PlaceFactory(territory=territory, location_is_approximate=True)
    client.force_login(coordinator)
    page = client.get(_url(territory))
    assert page.status_code == 200
    text = page.text
    assert (
        "4 quartiers prioritaires de la politique de la ville (QPV) et 2 quartiers de veille"
        in text
    )
    row = text.split("Mistral – Lys Rouge – Camine")[1].split("</tr>")[0]
    # Population, one place inside, one within 300 m.
    assert [cell.split(">")[-1] for cell in row.split("</td>")[-4:-1]] == ["2600", "1", "1"]
    assert "Villeneuve – Village Olympique" in text and "Échirolles, Grenoble" in text
    assert "1 lieu placé au centre de leur commune" in text
    assert text.count('class="outline-map-qpv"') == 4 + 1  # 4 outlines and the legend
    assert "Contours approximatifs de démonstration" in text  # the veille list is a demo


def test_the_share_in_qpv_is_not_guessed_for_a_qpv_spanning_communes(
    client, coordinator, territory, neighbourhoods
):
    client.force_login(coordinator)
    text = html.unescape(client.get(_url(territory)).text)
    assert "non calculable : un quartier s'étend sur plusieurs communes" in text


def test_a_member_of_a_structure_of_the_territory_is_refused(client, owner, territory):
    # The territory's coordination pages answer 403 to its structures (accounts.permissions).
    client.force_login(owner)
    assert client.get(_url(territory)).status_code == 403


def test_a_stranger_gets_404(client, territory):
    stranger = factories.MembershipFactory().user  # a structure of another territory
    client.force_login(stranger)
    assert client.get(_url(territory)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, territory):
    response = client.get(_url(territory))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_territory_without_neighbourhoods_says_so(client, coordinator, territory):
    client.force_login(coordinator)
    page = client.get(_url(territory))
    assert "Aucun quartier prioritaire n'est chargé pour ce territoire" in page.text
