"""Public search, place page and printable sheet, through the test client."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.places.search import SEARCH_RADII_M
from tests import factories

pytestmark = pytest.mark.django_db

SEARCH = reverse("places:search")
GEOJSON = reverse("places:search_geojson")
SUGGESTIONS = reverse("places:commune_suggestions")
HTMX_RESULTS = {"HX-Request": "true", "HX-Target": "results"}


def detail_url(place) -> str:
    return reverse("places:place_detail", args=[place.public_id])


def print_url(place) -> str:
    return reverse("places:place_print", args=[place.public_id])


def result_names(html: str) -> list[str]:
    return re.findall(r'<a href="/lieux/[0-9a-f-]+/">([^<]+)</a></h3>', html)


def place_north_of_grenoble(territory, metres: float, **fields):
    return factories.PlaceFactory(
        territory=territory, latitude=45.1824 + metres / 111_195, longitude=5.7155, **fields
    )


@pytest.fixture
def full_place(territory, organisation):
    """A place with every field filled, owned by ``organisation``."""
    return factories.PlaceFactory(
        territory=territory,
        organisation=organisation,
        nom="Médiathèque Kateb Yacine",
        adresse="202 Grand'Place",
        complement_adresse="Entrée côté parc",
        code_postal="38100",
        telephone="+33476000000",
        courriels=["contact@mediatheque.exemple.fr"],
        site_web=["https://www.mediatheque.exemple.fr/numerique/"],
        horaires="Tu,Th 14:00-18:00; We 10:00-12:00,14:00-18:00; Sa 10:00-17:00; PH off",
        presentation_resume="Postes en libre accès et ateliers d'initiation.",
        presentation_detail="Des médiateurs vous accompagnent pour vos démarches.",
        source="Ville de Grenoble",
        structure_parente="Bibliothèques municipales de Grenoble",
        typologie=["BIB"],
        itinerance=["Fixe"],
        services=["Aide aux démarches administratives", "Loisirs et créations numériques"],
        extra_services=["wifi", "impression"],
        publics_specifiquement_adresses=["Seniors", "Jeunes"],
        prise_en_charge_specifique=["Surdité", "Illettrisme"],
        frais_a_charge=["Gratuit"],
        dispositif_programmes_nationaux=["Conseillers numériques"],
        formations_labels=["Formé à « Mon Espace Santé »"],
        modalites_acces=["Se présenter", "Prendre un RDV en ligne"],
        modalites_accompagnement=["Accompagnement individuel", "Dans un atelier collectif"],
        fiche_acces_libre="https://acceslibre.beta.gouv.fr/app/38-grenoble/a/bibliotheque/erp/kateb/",
        prise_rdv="https://rdv.exemple.fr/mediatheque",
        languages=["fr", "ar", "lsf"],
        capacity_note="12 postes, ateliers de 8 personnes",
        date_maj=dt.date(2026, 11, 1),
    )


# --- Search page -------------------------------------------------------------------------


def test_anonymous_person_gets_the_search_form_without_results(client, territory):
    response = client.get(SEARCH)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Trouver de l'aide numérique près de chez moi" in html
    assert 'name="ou"' in html
    assert 'value="demarches"' in html
    assert "Indiquez votre commune ou votre code postal" in html
    assert "lieux trouvés" not in html


def test_search_by_commune_lists_places_nearest_first_with_badge_and_distance(client, territory):
    place_north_of_grenoble(territory, 3_000, nom="Loin", horaires="")
    place_north_of_grenoble(territory, 1_200, nom="Près", horaires="24/7")

    response = client.get(SEARCH, {"ou": "Grenoble"})

    html = response.content.decode()
    assert result_names(html) == ["Près", "Loin"]
    assert "2 lieux trouvés" in html
    assert "Autour de Grenoble (38000)" in html
    assert "à 1,2 km" in html
    assert "à 3,0 km" in html
    assert 'class="badge badge-open">Ouvert maintenant' in html
    assert 'class="badge badge-unknown">Horaires non renseignés' in html


def test_search_by_postcode_finds_the_commune(client, territory):
    place_north_of_grenoble(territory, 100, nom="Lieu")

    html = client.get(SEARCH, {"ou": "38130"}).content.decode()

    assert "Autour de Échirolles (38130)" in html
    assert result_names(html) == ["Lieu"]


def test_services_filter_keeps_places_offering_a_ticked_need(client, territory):
    place_north_of_grenoble(territory, 100, nom="Démarches")
    place_north_of_grenoble(
        territory, 200, nom="Réparation", services=[], extra_services=["reparation"]
    )

    html = client.get(SEARCH, {"ou": "Grenoble", "services": ["reparation"]}).content.decode()

    assert result_names(html) == ["Réparation"]
    assert "1 lieu trouvé" in html


def test_every_filter_of_the_query_string_is_applied(client, territory):
    place_north_of_grenoble(territory, 100, nom="Payant", frais_a_charge=["Payant"])
    place_north_of_grenoble(
        territory,
        200,
        nom="Complet",
        prise_rdv="https://rdv.exemple.fr",
        languages=["fr", "uk"],
        prise_en_charge_specifique=["Surdité"],
    )
    place_north_of_grenoble(territory, 300, nom="Sans langue")

    params = {
        "ou": "Grenoble",
        "gratuit": "1",
        "rdv": "1",
        "langues": "uk",
        "prise_en_charge": "surdite",
    }
    html = client.get(SEARCH, params).content.decode()

    assert result_names(html) == ["Complet"]


def test_open_now_keeps_places_open_at_this_moment(client, territory):
    place_north_of_grenoble(territory, 100, nom="Toujours ouvert", horaires="24/7")
    place_north_of_grenoble(territory, 200, nom="Jamais ouvert", horaires="")

    html = client.get(SEARCH, {"ou": "Grenoble", "quand": "maintenant"}).content.decode()

    assert result_names(html) == ["Toujours ouvert"]
    assert "ouverts maintenant" in html


def test_chosen_day_and_slot_keep_places_open_then(client, territory):
    place_north_of_grenoble(territory, 100, nom="Le matin", horaires="Mo-Su 09:00-12:00")
    place_north_of_grenoble(territory, 200, nom="Le soir", horaires="Mo-Su 18:00-20:00")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    params = {"ou": "Grenoble", "quand": "creneau", "jour": tomorrow.isoformat()}
    morning = client.get(SEARCH, {**params, "creneau": "matin"}).content.decode()
    evening = client.get(SEARCH, {**params, "creneau": "soir"}).content.decode()

    assert result_names(morning) == ["Le matin"]
    assert "ouverts demain," in morning
    assert result_names(evening) == ["Le soir"]


def test_position_searches_around_coordinates_in_every_territory(client, territory):
    other = factories.TerritoryFactory(name="Grand Chambéry")
    factories.PlaceFactory(territory=other, nom="Chambéry", latitude=45.5646, longitude=5.9178)
    place_north_of_grenoble(territory, 100, nom="Grenoble")

    html = client.get(SEARCH, {"lat": "45.565", "lon": "5.918"}).content.decode()

    assert "Autour de votre position" in html
    assert result_names(html) == ["Chambéry", "Grenoble"]


def test_a_commune_search_stays_in_the_commune_territory(client, territory):
    other = factories.TerritoryFactory(name="Grand Chambéry")
    factories.PlaceFactory(territory=other, nom="Ailleurs", latitude=45.1824, longitude=5.7155)
    place_north_of_grenoble(territory, 900, nom="Ici")

    html = client.get(SEARCH, {"ou": "Grenoble"}).content.decode()

    assert result_names(html) == ["Ici"]


def test_query_string_round_trip_keeps_every_criterion(client, territory):
    for metres in range(100, 2_600, 100):
        place_north_of_grenoble(territory, metres, horaires="Mo-Su 09:00-12:00")
    day = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    params = {
        "ou": "Grenoble",
        "services": ["demarches", "wifi"],
        "quand": "creneau",
        "jour": day,
        "creneau": "matin",
    }

    html = client.get(SEARCH, params).content.decode()

    assert 'value="Grenoble"' in html
    assert 'id="service-demarches" name="services" value="demarches" checked' in html
    assert 'id="service-wifi" name="services" value="wifi" checked' in html
    assert 'id="service-quotidien" name="services" value="quotidien">' in html
    assert 'id="quand-creneau" name="quand" value="creneau" checked' in html
    assert f'<option value="{day}" selected>' in html
    assert '<option value="matin" selected>' in html
    assert 'id="criteria-count">(3 choisis)</span>' in html
    next_link = re.search(r'<a href="([^"]+)" rel="next">Page suivante</a>', html)
    assert next_link is not None
    query = parse_qs(urlsplit(next_link.group(1).replace("&amp;", "&")).query)
    assert query == {
        "ou": ["Grenoble"],
        "services": ["demarches", "wifi"],
        "quand": ["creneau"],
        "jour": [day],
        "creneau": ["matin"],
        "page": ["2"],
    }


def test_pages_hold_twenty_places_and_link_both_ways(client, territory):
    for metres in range(100, 2_600, 100):
        place_north_of_grenoble(territory, metres, nom=f"Lieu à {metres:04d} m")

    first = client.get(SEARCH, {"ou": "Grenoble"}).content.decode()
    second = client.get(SEARCH, {"ou": "Grenoble", "page": "2"}).content.decode()

    assert len(result_names(first)) == 20
    assert "25 lieux trouvés" in first
    assert "Page 1 sur 2" in first
    assert "Page précédente" not in first
    assert result_names(second) == [f"Lieu à {metres:04d} m" for metres in range(2_100, 2_600, 100)]
    assert '<ol class="results" start="21">' in second
    assert "Page précédente" in second
    assert "Page suivante" not in second


def test_page_beyond_the_last_offers_the_first_page(client, territory):
    place_north_of_grenoble(territory, 100)

    html = client.get(SEARCH, {"ou": "Grenoble", "page": "3"}).content.decode()

    assert "Cette page de résultats n'existe pas" in html
    assert 'href="/lieux/?ou=Grenoble"' in html


def test_empty_result_says_which_criterion_to_remove(client, territory):
    place_north_of_grenoble(territory, 100, frais_a_charge=["Payant"])

    html = client.get(SEARCH, {"ou": "Grenoble", "gratuit": "1"}).content.decode()

    assert "Aucun lieu trouvé" in html
    assert "Aucun lieu ne correspond à tous vos critères autour de Grenoble (38000)" in html
    assert '<a href="/lieux/?ou=Grenoble">Retirer « gratuit »</a>' in html


def test_unknown_commune_redisplays_the_form_with_a_french_message(client, territory):
    response = client.get(SEARCH, {"ou": "Atlantide", "services": "demarches"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nous ne trouvons pas la commune « Atlantide »" in html
    assert "Erreur : " in html
    assert 'aria-invalid="true"' in html
    assert 'id="service-demarches" name="services" value="demarches" checked' in html


def test_ambiguous_commune_offers_a_choice_list_that_resolves(client, territory):
    factories.CommuneFactory(
        insee_code="38421", name="Saint-Martin-d'Hères", territory=territory, postcodes=["38400"]
    )
    factories.CommuneFactory(
        insee_code="38423", name="Saint-Martin-le-Vinoux", territory=territory, postcodes=["38950"]
    )
    place_north_of_grenoble(territory, 100, nom="Lieu")

    html = client.get(SEARCH, {"ou": "st martin", "services": "demarches"}).content.decode()

    assert "Plusieurs communes correspondent à « st martin »" in html
    links = dict(
        (label, url.replace("&amp;", "&"))
        for url, label in re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', html)
    )
    assert "Saint-Martin-d&#x27;Hères (38400)" in links
    chosen = client.get(links["Saint-Martin-le-Vinoux (38950)"]).content.decode()
    assert "Autour de Saint-Martin-le-Vinoux (38950)" in chosen
    assert result_names(chosen) == ["Lieu"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"ou": "Grenoble", "services": "inconnu"}, "Le besoin « inconnu » n&#x27;existe pas"),
        ({"ou": "Grenoble", "langues": "xx"}, "La langue « xx » n&#x27;est pas dans la liste"),
        ({"ou": "Grenoble", "prise_en_charge": "x"}, "L&#x27;accompagnement « x »"),
        ({"ou": "Grenoble", "quand": "demain"}, "Choisissez « maintenant » ou un jour"),
        (
            {"ou": "Grenoble", "quand": "creneau", "jour": "2026-13-45", "creneau": "matin"},
            "Choisissez un jour parmi les 7 prochains jours",
        ),
        (
            {"ou": "Grenoble", "quand": "creneau", "jour": "2020-01-06", "creneau": "matin"},
            "Choisissez un jour parmi les 7 prochains jours",
        ),
        ({"ou": "Grenoble", "quand": "creneau", "creneau": "nuit"}, "Choisissez un créneau"),
        ({"lat": "abc", "lon": "5.7"}, "Votre position n&#x27;a pas été reconnue"),
        ({"lat": "95", "lon": "5.7"}, "Votre position n&#x27;a pas été reconnue"),
        ({"lat": "nan", "lon": "inf"}, "Votre position n&#x27;a pas été reconnue"),
        ({"lat": "45.1"}, "Votre position n&#x27;a pas été reconnue"),
        ({"ou": "Grenoble", "page": "deux"}, "Le numéro de page n&#x27;est pas valide"),
        ({"ou": "Grenoble", "page": "0"}, "Le numéro de page n&#x27;est pas valide"),
        ({"ou": "Grenoble", "page": "100000"}, "Affinez votre recherche"),
        ({"ou": "G" * 300}, "Indiquez seulement le nom de la commune"),
    ],
)
def test_bad_parameters_redisplay_the_form_with_a_french_error(client, territory, params, message):
    response = client.get(SEARCH, params)
    geojson = client.get(GEOJSON, params)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Votre recherche est à préciser" in html
    assert message in html
    assert result_names(html) == []
    assert geojson.status_code == 200
    assert geojson.json()["features"] == []


def test_a_day_is_ignored_when_no_slot_is_asked(client, territory):
    place_north_of_grenoble(territory, 100, nom="Lieu")

    html = client.get(SEARCH, {"ou": "Grenoble", "jour": "pas-une-date"}).content.decode()

    assert result_names(html) == ["Lieu"]


def test_htmx_request_gets_only_the_results_and_the_count_heading(client, territory):
    place_north_of_grenoble(territory, 100, nom="Lieu")

    response = client.get(SEARCH, {"ou": "Grenoble"}, headers=HTMX_RESULTS)

    html = response.content.decode()
    assert "<html" not in html
    assert '<span id="results-heading" hx-swap-oob="innerHTML">1 lieu trouvé</span>' in html
    assert result_names(html) == ["Lieu"]


def test_htmx_history_restore_gets_the_whole_page(client, territory):
    headers = {**HTMX_RESULTS, "HX-History-Restore-Request": "true"}

    html = client.get(SEARCH, {"ou": "Grenoble"}, headers=headers).content.decode()

    assert "<html" in html


def test_htmx_request_with_an_error_shows_the_error_summary_in_the_results(client, territory):
    response = client.get(SEARCH, {"ou": "Atlantide"}, headers=HTMX_RESULTS)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<div class="error-summary" role="alert"' in html
    assert "Recherche à corriger" in html


def test_results_list_uses_a_fixed_number_of_queries(
    client, territory, django_assert_max_num_queries
):
    for metres in range(100, 3_100, 100):
        place_north_of_grenoble(territory, metres, languages=["fr", "ar"])
    params = {"ou": "Grenoble", "services": "demarches", "quand": "maintenant", "langues": "ar"}

    # Commune and postcodes (2), at most one per radius of the growing circle (8), the
    # page of places (1), the count (1) and the demo banner (1): none per place.
    with django_assert_max_num_queries(2 + len(SEARCH_RADII_M) + 3):
        response = client.get(SEARCH, params)

    assert response.status_code == 200


def test_search_is_the_same_for_a_logged_in_professional(client, territory, owner):
    place_north_of_grenoble(territory, 100, nom="Lieu")
    client.force_login(owner)

    html = client.get(SEARCH, {"ou": "Grenoble"}).content.decode()

    assert result_names(html) == ["Lieu"]


# --- Commune suggestions and map feed ----------------------------------------------------


def test_commune_suggestions_are_datalist_options(client, territory):
    html = client.get(SUGGESTIONS, {"ou": "gre"}).content.decode()

    assert '<option value="Grenoble (38000)"></option>' in html
    assert "Échirolles" not in html


def test_commune_suggestions_wait_for_two_characters(client, territory):
    html = client.get(SUGGESTIONS, {"ou": "g"}).content.decode()

    assert "<option" not in html


def test_commune_suggestions_by_postcode(client, territory):
    html = client.get(SUGGESTIONS, {"ou": "381"}).content.decode()

    assert '<option value="Grenoble (38000)"></option>' in html
    assert '<option value="Échirolles (38130)"></option>' in html


def test_geojson_lists_the_current_page_with_what_the_map_shows(client, territory):
    near = place_north_of_grenoble(territory, 100, nom="Près", horaires="24/7")
    place_north_of_grenoble(territory, 2_000, nom="Loin")

    response = client.get(GEOJSON, {"ou": "Grenoble"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert data["origin"] == [5.7155, 45.1824]
    first = data["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [near.longitude, near.latitude]}
    assert first["properties"] == {
        "number": 1,
        "name": "Près",
        "url": detail_url(near),
        "distance": "à 100 m",
        "status": "Ouvert maintenant",
        "is_open": True,
    }
    assert [f["properties"]["name"] for f in data["features"]] == ["Près", "Loin"]


# --- Place page and printable sheet ------------------------------------------------------


def test_place_page_shows_everything_a_person_needs(client, full_place):
    response = client.get(detail_url(full_place))

    assert response.status_code == 200
    html = response.content.decode()
    for expected in (
        "<h1>Médiathèque Kateb Yacine</h1>",
        "202 Grand&#x27;Place, Entrée côté parc, 38100 Grenoble",
        "https://www.openstreetmap.org/directions?route=%3B45.1885%2C5.7245",
        'href="geo:45.1885,5.7245?q=45.1885,5.7245(M%C3%A9diath%C3%A8que%20Kateb%20Yacine)"',
        '<a href="tel:+33476000000">04 76 00 00 00</a>',
        'href="mailto:contact@mediatheque.exemple.fr"',
        '<a href="https://www.mediatheque.exemple.fr/numerique/">www.mediatheque.exemple.fr/numerique</a>',
        '<a href="https://rdv.exemple.fr/mediatheque">Prendre rendez-vous en ligne</a>',
        "acceslibre.beta.gouv.fr",
        "<li>Le mardi et le jeudi : 14 h – 18 h</li>",
        "<li>Fermé les jours fériés</li>",
        '<th scope="row">Mercredi</th>',
        "<h3>Démarches</h3>",
        "<li>Wifi public gratuit</li>",
        "Se présenter, Prendre un RDV en ligne",
        "Accompagnement individuel, Dans un atelier collectif",
        "<dd>Gratuit</dd>",
        "Français, arabe, langue des signes française",
        "Surdité, Illettrisme",
        "Seniors, Jeunes",
        "12 postes, ateliers de 8 personnes",
        "Des médiateurs vous accompagnent pour vos démarches.",
        "Bibliothèque / Médiathèque",
        "<dd>Médiathèque du centre</dd>",
        "Bibliothèques municipales de Grenoble",
        "Conseillers numériques",
        "Formé à « Mon Espace Santé »",
        "<dd>Ville de Grenoble</dd>",
        "<dd>1 novembre 2026</dd>",
        print_url(full_place),
    ):
        assert expected in html, expected
    assert re.search(r'class="badge badge-(open|closed)">(Ouvert|Fermé)', html)


def test_place_with_unreadable_hours_still_shows(client, territory):
    place = factories.PlaceFactory(territory=territory, horaires="pas des horaires")

    response = client.get(detail_url(place))

    assert response.status_code == 200
    assert "Les horaires enregistrés sont à vérifier" in response.content.decode()
    assert "badge-unknown" in response.content.decode()


def test_unknown_place_is_a_404(client, territory):
    assert client.get("/lieux/6f1c1a49-3f57-4a57-9c2d-3d4bb0f1a111/").status_code == 404
    assert client.get("/lieux/6f1c1a49-3f57-4a57-9c2d-3d4bb0f1a111/fiche/").status_code == 404


@pytest.fixture
def hidden_place(territory, organisation):
    return factories.PlaceFactory(territory=territory, organisation=organisation, unpublished=True)


def test_unpublished_place_is_a_404_for_anonymous_people(client, hidden_place):
    assert client.get(detail_url(hidden_place)).status_code == 404
    assert client.get(print_url(hidden_place)).status_code == 404


def test_unpublished_place_is_a_404_for_an_outsider(client, hidden_place, outsider):
    client.force_login(outsider)

    assert client.get(detail_url(hidden_place)).status_code == 404


def test_unpublished_place_shows_to_its_owner_with_a_notice(client, hidden_place, owner):
    client.force_login(owner)

    response = client.get(detail_url(hidden_place))

    assert response.status_code == 200
    assert "n'est pas visible dans la recherche publique" in response.content.decode()


def test_unpublished_place_shows_to_the_territory_coordinator(client, hidden_place, coordinator):
    client.force_login(coordinator)

    assert client.get(detail_url(hidden_place)).status_code == 200


def test_merged_place_is_a_404_for_anonymous_people(client, territory):
    kept = factories.PlaceFactory(territory=territory)
    merged = factories.PlaceFactory(territory=territory, merged_into=kept)

    assert client.get(detail_url(merged)).status_code == 404


@pytest.mark.parametrize(
    ("persona", "sees_link"),
    [
        (None, False),
        ("outsider", False),
        ("owner", True),
        ("colleague_read_only", True),
        ("coordinator", True),
    ],
)
def test_edit_link_shows_only_to_those_who_may_edit_the_place(
    client, full_place, request, persona, sees_link
):
    if persona is not None:
        client.force_login(request.getfixturevalue(persona))
    edit_url = reverse("places:place_edit", args=[full_place.public_id])

    html = client.get(detail_url(full_place)).content.decode()

    assert ("Modifier ce lieu" in html) is sees_link
    assert (edit_url in html) is sees_link


def test_printable_sheet_holds_the_essentials_and_the_page_address(client, full_place):
    response = client.get(print_url(full_place))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Médiathèque Kateb Yacine</h1>" in html
    assert "04 76 00 00 00" in html
    assert "Le mardi et le jeudi : 14 h – 18 h" in html
    assert "<strong>Démarches :</strong> Aide aux démarches administratives" in html
    assert f"http://testserver{detail_url(full_place)}" in html
    assert "mises à jour le 1 novembre 2026" in html


def test_search_refuses_post(client, territory):
    assert client.post(SEARCH, {"ou": "Grenoble"}).status_code == 405
