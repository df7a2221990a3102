"""Professionals manage places: lists, creation, edition, history, and the admin's writes.

Organisations manage their own places; coordinators every place of their territory;
every change is kept (who, when, what) and date_maj follows it.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from aiguillage.places.actions import EDITABLE_FIELDS
from aiguillage.places.forms import PlaceForm
from aiguillage.places.models import Place, PlaceChange, PlaceChangeKind
from tests import factories


class _FormReader(HTMLParser):
    """What a browser would submit for each form of a page (enough for our forms)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append([])
        elif tag == "input" and attr.get("name") and self.forms:
            kind = attr.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in attr:
                return
            if kind not in {"submit", "button", "file"}:
                self.forms[-1].append(
                    (attr["name"], attr.get("value", "on" if kind == "checkbox" else ""))
                )
        elif tag == "textarea":
            self._textarea = attr["name"]
            self.forms[-1].append((self._textarea, ""))
        elif tag == "select":
            self._select = attr["name"]
        elif tag == "option" and self._select and "selected" in attr:
            self.forms[-1].append((self._select, attr.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, text = self.forms[-1][-1]
            # Browsers drop the first newline of a textarea and send line breaks as CRLF.
            text = (text + data).removeprefix("\n") if not text else text + data
            self.forms[-1][-1] = (name, text)


def form_data(html: str) -> dict[str, list[str]]:
    """The largest form of the page (not the logout one), as the test client posts it."""
    reader = _FormReader()
    reader.feed(html)
    fields = max(reader.forms, key=len)
    data: dict[str, list[str]] = {}
    for name, value in fields:
        if name in {"horaires", "presentation_detail", "presentation_resume"}:
            value = value.replace("\n", "\r\n")
        data.setdefault(name, []).append(value)
    return data


GOOD = {
    "nom": "Espace public numérique du Village Olympique",
    "adresse": "12 avenue Marie Reynoard",
    "complement_adresse": "Bâtiment B, 2e étage",
    "code_postal": "38100",
    "commune": "Grenoble",
    "code_insee": "38185",
    "latitude": "45,1702",
    "longitude": "5,7311",
    "telephone": "04 76 12 34 56",
    "courriels": "contact@epn-vo.fr, accueil@epn-vo.fr",
    "site_web": "www.epn-vo.fr",
    "horaires": "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00",
    "presentation_resume": "Ordinateurs en accès libre et aide pour vos démarches.",
    "services": ["Aide aux démarches administratives", "Accès internet et matériel informatique"],
    "typologie": ["EPN", "MUNI"],
    "frais_a_charge": ["Gratuit"],
    "modalites_acces": ["Se présenter", "Téléphoner"],
    "extra_services": ["wifi", "impression"],
    "languages": ["fr", "ar"],
    "is_published": "on",
}


@pytest.fixture
def place(territory, organisation):
    return factories.PlaceFactory(territory=territory, organisation=organisation)


@pytest.fixture
def hidden_place(territory, organisation):
    return factories.PlaceFactory(territory=territory, organisation=organisation, unpublished=True)


@pytest.fixture
def other_place(territory, other_organisation):
    return factories.PlaceFactory(
        territory=territory, organisation=other_organisation, nom="Centre social Arlequin"
    )


@pytest.fixture
def far_away():
    """A second territory, with its own coordinator, structure and place."""
    territory = factories.TerritoryFactory(
        name="Grand Chambéry", slug="chambery", siren="200069110"
    )
    organisation = factories.OrganisationFactory(name="Médiathèque Chambéry", territory=territory)
    return {
        "territory": territory,
        "coordinator": factories.CoordinationFactory(territory=territory).user,
        "place": factories.PlaceFactory(
            territory=territory, organisation=organisation, nom="EPN de Chambéry"
        ),
    }


def flashed(response) -> str:
    """The messages the next page will show."""
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def edit_url(place: Place) -> str:
    return reverse("places:place_edit", args=[place.public_id])


def test_the_form_offers_every_editable_field_of_a_place():
    assert set(PlaceForm.base_fields) == set(EDITABLE_FIELDS)
    grouped = [name for _, names in PlaceForm.FIELDSETS for name in names]
    assert sorted(grouped) == sorted(EDITABLE_FIELDS)


# --- List ---------------------------------------------------------------------------------


def test_member_sees_their_structure_places_by_default(client, owner, place, other_place):
    client.force_login(owner)
    response = client.get(reverse("places:manage"))
    assert response.status_code == 200
    content = response.content.decode()
    assert escape(place.nom) in content
    assert escape(other_place.nom) not in content
    assert "du lundi au vendredi : 9 h – 12 h et 14 h – 17 h" in content
    assert edit_url(place) in content


def test_member_lists_their_structure_by_its_public_id(
    client, colleague_read_only, organisation, place
):
    client.force_login(colleague_read_only)
    response = client.get(reverse("places:manage"), {"structure": organisation.public_id})
    assert escape(place.nom) in response.content.decode()


def test_coordinator_lists_one_structure_of_their_territory(
    client, coordinator, other_organisation, other_place, place, far_away
):
    client.force_login(coordinator)
    url = reverse("places:manage")
    content = client.get(url, {"structure": other_organisation.public_id}).content.decode()
    assert escape(other_place.nom) in content
    assert escape(place.nom) not in content
    elsewhere = far_away["place"].organisation
    assert client.get(url, {"structure": elsewhere.public_id}).status_code == 404


def test_outsider_gets_404_on_another_structure_list(client, outsider, organisation):
    client.force_login(outsider)
    response = client.get(reverse("places:manage"), {"structure": organisation.public_id})
    assert response.status_code == 404
    assert client.get(reverse("places:manage"), {"structure": "pas-un-uuid"}).status_code == 404


def test_coordinator_lists_every_place_of_the_territory(
    client, coordinator, territory, place, hidden_place, other_place, far_away
):
    client.force_login(coordinator)
    response = client.get(reverse("places:manage"), {"territoire": territory.slug})
    content = response.content.decode()
    assert response.status_code == 200
    for shown in (place, hidden_place, other_place):
        assert escape(shown.nom) in content
    assert escape(far_away["place"].nom) not in content
    assert "Importer des lieux" in content


def test_member_and_other_coordinators_get_404_on_a_territory_list(
    client, owner, territory, far_away
):
    client.force_login(owner)
    assert client.get(reverse("places:manage"), {"territoire": territory.slug}).status_code == 404
    client.force_login(far_away["coordinator"])
    assert client.get(reverse("places:manage"), {"territoire": territory.slug}).status_code == 404


def test_list_filters_by_name_or_commune(client, coordinator, territory, territory_places):
    client.force_login(coordinator)
    url = reverse("places:manage")
    by_name = client.get(url, {"territoire": territory.slug, "q": "arlequin"}).content.decode()
    assert "Centre social Arlequin" in by_name
    assert "Médiathèque Kateb Yacine" not in by_name
    by_commune = client.get(url, {"territoire": territory.slug, "q": "échirolles"}).content.decode()
    assert "Point numérique de la Butte" in by_commune
    assert "Centre social Arlequin" not in by_commune


@pytest.fixture
def territory_places(territory, organisation):
    factories.PlaceFactory(
        territory=territory, organisation=organisation, nom="Centre social Arlequin"
    )
    factories.PlaceFactory(territory=territory, nom="Médiathèque Kateb Yacine")
    factories.PlaceFactory(
        territory=territory, nom="Point numérique de la Butte", commune="Échirolles"
    )


def test_list_is_paginated_by_25_with_a_fixed_number_of_queries(
    client, coordinator, territory, organisation, django_assert_max_num_queries
):
    factories.PlaceFactory.create_batch(30, territory=territory, organisation=organisation)
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("places:manage"), {"territoire": territory.slug})
    assert response.content.decode().count("Modifier<span") == 25
    second = client.get(reverse("places:manage"), {"territoire": territory.slug, "page": 2})
    assert second.content.decode().count("Modifier<span") == 5
    assert "Page 2 sur 2" in second.content.decode()


def test_empty_list_says_how_to_add_or_import(client, coordinator, territory, owner):
    client.force_login(coordinator)
    content = client.get(reverse("places:manage"), {"territoire": territory.slug}).content.decode()
    assert "Aucun lieu pour le moment" in content
    assert "importer les lieux du territoire" in content
    client.force_login(owner)
    content = client.get(reverse("places:manage")).content.decode()
    assert "Aucun lieu pour le moment" in content
    assert "Ajouter un lieu" in content


def test_someone_without_a_structure_is_told_so(client, db):
    client.force_login(factories.UserFactory())
    content = client.get(reverse("places:manage")).content.decode()
    assert "aucune structure" in content


@pytest.mark.parametrize("name", ["places:manage", "places:place_create"])
def test_anonymous_is_sent_to_login_from_lists_and_forms(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_is_sent_to_login_from_edit_and_history(client, place):
    for url in (edit_url(place), reverse("places:place_history", args=[place.public_id])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# --- Create -------------------------------------------------------------------------------


def test_create_form_groups_every_field_with_the_standard_values(client, owner):
    client.force_login(owner)
    content = client.get(reverse("places:place_create")).content.decode()
    for legend in (
        "Identité",
        "Adresse et position",
        "Contact",
        "Horaires",
        "Services et accompagnement",
        "Publics et accessibilité",
        "Labels et dispositifs",
        "En plus du standard",
    ):
        assert f"<legend>{legend}</legend>" in content
    for value in ("Aide aux démarches administratives", "Prendre un RDV en ligne", "Seniors"):
        assert f'value="{value}"' in content
    assert "Bibliothèque / Médiathèque" in content  # typologies by label
    assert 'value="BIB"' in content
    assert "Wifi public gratuit" in content
    # Members add places to their own structure: no structure to choose.
    assert 'name="organisation"' not in content


def test_member_creates_a_place_of_their_structure(client, owner, organisation, territory):
    client.force_login(owner)
    response = client.post(reverse("places:place_create"), GOOD)

    place = Place.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("places:place_detail", args=[place.public_id])
    assert place.organisation == organisation
    assert place.territory == territory
    assert place.telephone == "+33476123456"
    assert place.courriels == ["contact@epn-vo.fr", "accueil@epn-vo.fr"]
    assert place.site_web == ["https://www.epn-vo.fr"]
    assert place.latitude == 45.1702
    assert place.typologie == ["EPN", "MUNI"]
    assert place.languages == ["fr", "ar"]
    assert place.date_maj == timezone.localdate()
    change = place.changes.get()
    assert (change.kind, change.actor) == (PlaceChangeKind.CREATED, owner)
    assert "a été ajouté" in flashed(response)


def test_coordinator_creates_a_place_for_a_structure_of_the_territory(
    client, coordinator, territory, other_organisation, far_away
):
    client.force_login(coordinator)
    url = reverse("places:place_create") + f"?territoire={territory.slug}"
    content = client.get(url).content.decode()
    assert other_organisation.name in content
    assert "Médiathèque Chambéry" not in content

    elsewhere = far_away["place"].organisation
    refused = client.post(url, GOOD | {"organisation": elsewhere.pk})
    assert "Choisissez une structure de la liste." in refused.content.decode()
    assert not Place.objects.filter(territory=territory).exists()

    client.post(url, GOOD | {"organisation": other_organisation.pk})
    place = Place.objects.get(territory=territory)
    assert place.organisation == other_organisation


def test_someone_without_a_structure_cannot_create(client, db):
    client.force_login(factories.UserFactory())
    assert client.get(reverse("places:place_create")).status_code == 403


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("nom", "", "Indiquez le nom du lieu."),
        ("adresse", "", "Indiquez l&#x27;adresse du lieu."),
        ("code_postal", "", "Indiquez le code postal."),
        ("commune", "", "Indiquez la commune."),
        ("code_postal", "3800", "Le code postal doit comporter 5 chiffres"),
        ("code_insee", "381", "Le code INSEE comporte 5 caractères"),
        ("telephone", "04 76 12 34", "Numéro de téléphone non reconnu"),
        ("telephone", "04 76 12 34 56 ou 06 12 34 56 78", "Numéro de téléphone non reconnu"),
        (
            "courriels",
            "contact@epn-vo.fr, accueil@",
            "« accueil@ » n&#x27;est pas une adresse e-mail",
        ),
        ("site_web", "pas un site", "n&#x27;est pas une adresse web valide"),
        ("prise_rdv", "rdv epn", "n&#x27;est pas une adresse web valide"),
        ("latitude", "95", "La latitude doit être comprise entre -90 et 90."),
        ("longitude", "5,7a", "Saisissez un nombre, par exemple 5,7245."),
        ("longitude", "", "Indiquez aussi la longitude, ou effacez la latitude."),
        ("presentation_resume", "é" * 281, "280 caractères au plus (elle en fait 281)"),
        ("pivot", "1234", "Indiquez un SIRET (14 chiffres) ou un numéro RNA"),
        ("horaires", "lundi 9h-12h", "écrivez les jours en abrégé anglais"),
        ("horaires", "Mo-Fr 17:00-09:00", "17:00-09:00"),
    ],
)
def test_each_bad_input_shows_a_french_message_and_keeps_what_was_typed(
    client, owner, field, typed, message
):
    client.force_login(owner)
    response = client.post(reverse("places:place_create"), GOOD | {field: typed})

    content = response.content.decode()
    assert response.status_code == 200
    assert not Place.objects.exists()
    assert message in content
    assert "Le formulaire contient 1 erreur" in content
    # Nothing typed is lost: the bad value, the other fields and the ticked boxes come back.
    if typed and field != "presentation_resume":
        assert typed.replace("'", "&#x27;") in content
    assert "Bâtiment B, 2e étage" in content
    assert 'value="wifi" id="id_extra_services_0" checked' in content
    assert 'value="Gratuit" id="id_frais_a_charge_0" checked' in content
    if field != "nom":
        assert 'value="Espace public numérique du Village Olympique"' in content


def test_phone_numbers_are_stored_in_international_form(client, owner):
    client.force_login(owner)
    for typed in ("04.76.12.34.56", "+33 4 76 12 34 56", "0033476123456"):
        client.post(reverse("places:place_create"), GOOD | {"telephone": typed, "nom": typed})
    assert set(Place.objects.values_list("telephone", flat=True)) == {"+33476123456"}


# --- Edit ---------------------------------------------------------------------------------


def test_owner_edit_records_one_change_and_moves_date_maj(client, owner, place):
    client.force_login(owner)
    data = form_data(client.get(edit_url(place)).content.decode())
    data |= {"telephone": ["04 76 00 11 22"], "horaires": ["Mo-Fr 09:00-17:00"]}

    response = client.post(edit_url(place), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("places:place_detail", args=[place.public_id])
    place.refresh_from_db()
    assert place.date_maj == timezone.localdate()
    change = PlaceChange.objects.get(place=place)
    assert change.actor == owner
    assert change.changes == {
        "telephone": ["", "+33476001122"],
        "horaires": ["Mo-Fr 09:00-12:00,14:00-17:00", "Mo-Fr 09:00-17:00"],
    }


def test_saving_an_untouched_form_records_nothing(client, owner, territory, organisation):
    place = factories.PlaceFactory(
        territory=territory,
        organisation=organisation,
        latitude=45.18851234567,
        longitude=5.724512,
        telephone="+33476123456",
        courriels=["b@exemple.fr", "a@exemple.fr"],
        site_web=["https://exemple.fr/lieu"],
        typologie=["MUNI", "EPN", "CODE_ANCIEN"],
        services=["Loisirs et créations numériques", "Aide aux démarches administratives"],
        presentation_detail="Première ligne.\nDeuxième ligne.",
        location_is_approximate=True,
    )
    client.force_login(owner)
    page = client.get(edit_url(place)).content.decode()
    assert 'value="04 76 12 34 56"' in page  # numbers are shown as people write them
    data = form_data(page)

    response = client.post(edit_url(place), data)

    assert response.status_code == 302
    assert not PlaceChange.objects.exists()
    assert Place.objects.get(pk=place.pk).date_maj == place.date_maj
    assert "Aucune modification" in flashed(response)


def test_colleague_can_edit_their_structure_place(client, colleague_read_only, place):
    client.force_login(colleague_read_only)
    data = form_data(client.get(edit_url(place)).content.decode()) | {"nom": ["Nouveau nom"]}
    assert client.post(edit_url(place), data).status_code == 302
    assert Place.objects.get(pk=place.pk).nom == "Nouveau nom"


def test_outsider_gets_403_on_a_published_place_and_404_on_a_hidden_one(
    client, outsider, place, hidden_place
):
    client.force_login(outsider)
    assert client.get(edit_url(place)).status_code == 403
    assert client.post(edit_url(place), GOOD).status_code == 403
    assert client.get(edit_url(hidden_place)).status_code == 404
    assert client.post(edit_url(hidden_place), GOOD).status_code == 404
    assert not PlaceChange.objects.exists()


def test_coordinator_edits_any_place_of_their_territory_only(
    client, coordinator, other_place, far_away
):
    client.force_login(coordinator)
    content = client.get(edit_url(other_place)).content.decode()
    assert 'name="organisation"' in content  # coordinators may hand the place to a structure
    data = form_data(content) | {"organisation": [""]}
    assert client.post(edit_url(other_place), data).status_code == 302
    assert Place.objects.get(pk=other_place.pk).organisation is None

    assert client.get(edit_url(far_away["place"])).status_code == 403
    far_away["place"].is_published = False
    far_away["place"].save()
    assert client.get(edit_url(far_away["place"])).status_code == 404


def test_hours_preview_follows_what_is_typed(client, owner, place):
    client.force_login(owner)
    page = client.get(edit_url(place)).content.decode()
    assert f'hx-get="{edit_url(place)}"' in page
    assert "du lundi au vendredi : 9 h – 12 h et 14 h – 17 h" in page  # shown without JavaScript

    preview = client.get(
        edit_url(place), {"horaires": "Sa 10:00-12:00"}, headers={"HX-Request": "true"}
    )
    assert preview.content.decode() == (
        '<p class="hint">Aperçu, tel que les personnes le liront :</p>'
        "<ul><li>le samedi : 10 h – 12 h</li></ul>"
    )
    wrong = client.get(edit_url(place), {"horaires": "samedi"}, headers={"HX-Request": "true"})
    assert "abrégé anglais" in wrong.content.decode()


def test_hours_preview_is_behind_the_same_door(client, outsider, place):
    client.force_login(outsider)
    response = client.get(
        edit_url(place), {"horaires": "Sa 10:00-12:00"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 403


# --- History ------------------------------------------------------------------------------


def test_history_shows_who_changed_what_in_french(client, owner, colleague_read_only, place):
    client.force_login(colleague_read_only)
    data = form_data(client.get(edit_url(place)).content.decode())
    client.post(
        edit_url(place), data | {"telephone": ["04 76 00 11 22"], "extra_services": ["wifi"]}
    )

    client.force_login(owner)
    response = client.get(reverse("places:place_history", args=[place.public_id]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Modification le" in content
    assert f"Par {colleague_read_only.display_name}" in content
    assert '<th scope="row">Téléphone</th><td>(vide)</td><td>+33476001122</td>' in content
    assert (
        '<th scope="row">Équipements et services</th><td>(vide)</td><td>Wifi public gratuit</td>'
        in content
    )


def test_history_is_hidden_from_those_who_cannot_edit(client, outsider, place):
    client.force_login(outsider)
    assert client.get(reverse("places:place_history", args=[place.public_id])).status_code == 404


# --- Admin --------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return factories.UserFactory(is_staff=True, is_superuser=True, email="support@aiguillage.test")


def test_admin_edits_go_through_the_actions(client, superuser, place):
    client.force_login(superuser)
    url = reverse("admin:places_place_change", args=[place.pk])
    data = form_data(client.get(url).content.decode()) | {"nom": ["Nom corrigé"]}

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    change = PlaceChange.objects.get(place=place)
    assert change.actor == superuser
    assert change.changes == {"nom": [place.nom, "Nom corrigé"]}
    assert Place.objects.get(pk=place.pk).date_maj == timezone.localdate()


def test_admin_refuses_broken_hours_with_the_action_message(client, superuser, place):
    client.force_login(superuser)
    url = reverse("admin:places_place_change", args=[place.pk])
    data = form_data(client.get(url).content.decode()) | {"horaires": ["lundi"]}

    response = client.post(url, data)

    assert response.status_code == 200
    assert "abrégé anglais" in response.content.decode()
    assert not PlaceChange.objects.exists()


def test_admin_adds_a_place_through_the_actions(client, superuser, territory):
    client.force_login(superuser)
    url = reverse("admin:places_place_add")
    data = form_data(client.get(url).content.decode())
    data |= {
        "territory": [str(territory.pk)],
        "nom": ["Lieu ajouté par le support"],
        "adresse": ["1 rue A"],
        "code_postal": ["38000"],
        "commune": ["Grenoble"],
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    place = Place.objects.get()
    assert place.courriels == []
    assert place.changes.get().kind == PlaceChangeKind.CREATED
    assert place.changes.get().actor == superuser
