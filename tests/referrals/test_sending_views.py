"""Sending through the pages: from a person or from a place, the matches, the consent."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from aiguillage.people.models import Person
from aiguillage.referrals.models import Referral, UnmetNeed
from aiguillage.referrals.views.sending import DRAFT_KEY
from tests import factories

NEED = {
    "needs": ["demarche"],
    "procedure_name": "Déclaration trimestrielle",
    "disponibilites": ["Tu:apres-midi", "Th:matin"],
    "languages": ["fr", "ar"],
}


@pytest.fixture
def sender_client(client, social_worker):
    client.force_login(social_worker)
    return client


def _need_url(person, **query):
    url = reverse("referrals:referral_need", args=[person.public_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_from_a_person_to_a_sent_referral_in_four_screens(sender_client, person, place, grenoble):
    page = sender_client.get(reverse("people:person_detail", args=[person.public_id]))
    assert _need_url(person) in page.content.decode()

    need = sender_client.post(_need_url(person), NEED | {"origin_commune": grenoble.pk})
    assert need.status_code == 302
    assert need["Location"] == reverse("referrals:referral_matches", args=[person.public_id])
    draft = sender_client.session[DRAFT_KEY]
    assert draft["values"]["availability"] == "Tu 14:00-18:00; Th 09:00-12:00"

    matches = sender_client.get(need["Location"]).content.decode()
    assert "Médiathèque Kateb Yacine" in matches
    assert "accompagnement individuel" in matches and "parle arabe" in matches
    assert "à 1,2 km" in matches
    confirm_url = reverse("referrals:referral_confirm", args=[person.public_id, place.public_id])
    assert confirm_url in matches

    confirm = sender_client.get(confirm_url).content.decode()
    assert "Envoyer l'orientation" in confirm
    sent = sender_client.post(confirm_url, {"message": "Elle préfère l'après-midi."})

    referral = Referral.objects.get()
    assert sent["Location"] == reverse("referrals:referral_detail", args=[referral.public_id])
    assert referral.place == place
    assert referral.procedure_name == "Déclaration trimestrielle"
    assert referral.availability == "Tu 14:00-18:00; Th 09:00-12:00"
    assert referral.origin_commune == grenoble
    assert referral.distance_m == pytest.approx(1_200, abs=5)
    assert any(reason.startswith("ouvert ") for reason in referral.match_reasons)
    assert DRAFT_KEY not in sender_client.session


def test_from_a_place_page_the_matches_are_skipped(sender_client, social_worker, person, place):
    place_page = sender_client.get(reverse("places:place_detail", args=[place.public_id]))
    start_url = reverse("referrals:referral_start") + f"?lieu={place.public_id}"
    assert start_url.replace("&", "&amp;") in place_page.content.decode()

    start = sender_client.get(start_url).content.decode()
    assert _need_url(person, lieu=place.public_id) in start

    need = sender_client.post(_need_url(person), NEED | {"lieu": place.public_id})
    confirm_url = reverse("referrals:referral_confirm", args=[person.public_id, place.public_id])
    assert need["Location"] == confirm_url
    sender_client.post(confirm_url, {"message": ""})
    assert Referral.objects.get().place == place


def test_a_new_person_is_created_with_both_consents_on_the_way(
    sender_client, sender_organisation, place, grenoble
):
    response = sender_client.post(
        reverse("referrals:referral_start") + f"?lieu={place.public_id}",
        {"first_name": "Karim", "commune": grenoble.pk, "languages": ["fr"], "explained": "on"},
    )
    person = Person.objects.get(first_name="Karim")
    assert response["Location"] == _need_url(person, lieu=place.public_id)
    assert person.consents.get().purposes == ["accompagnement", "orientation"]
    assert person.created_by_organisation == sender_organisation


def test_the_quick_person_form_requires_the_consent(sender_client):
    response = sender_client.post(reverse("referrals:referral_start"), {"first_name": "Karim"})
    assert response.status_code == 200
    assert "Confirmez que la personne a donné son accord." in response.content.decode()
    assert not Person.objects.exists()


def test_a_person_without_the_orientation_consent_is_asked_for_it(
    sender_client, social_worker, sender_organisation, place, grenoble
):
    from aiguillage.people.actions import create_person

    person = create_person(
        actor=social_worker,
        organisation=sender_organisation,
        values={"first_name": "Jo", "commune": grenoble},
        purposes=["accompagnement"],
        explained_text="x",
    )
    sender_client.post(_need_url(person), NEED | {"lieu": place.public_id})
    confirm_url = reverse("referrals:referral_confirm", args=[person.public_id, place.public_id])

    refused = sender_client.post(confirm_url, {"message": "x"})
    assert refused.status_code == 200
    assert "Sans l'accord de la personne" in html.unescape(refused.content.decode())
    assert not Referral.objects.exists()

    sender_client.post(confirm_url, {"message": "x", "consent": "on"})
    referral = Referral.objects.get()
    assert referral.consent.purposes == ["accompagnement", "orientation"]
    assert person.consents.count() == 2


def test_no_matching_place_records_an_unmet_need_once(sender_client, person, place):
    sender_client.post(_need_url(person), {"needs": ["equipement"], "disponibilites": ["Su:soir"]})
    url = reverse("referrals:referral_matches", args=[person.public_id])
    first = sender_client.get(url).content.decode()
    sender_client.get(url)
    assert "Aucun lieu du territoire ne correspond" in first
    unmet = UnmetNeed.objects.get()
    assert unmet.needs == ["equipement"]
    assert unmet.had_availability is True


def test_a_need_is_required_and_errors_are_in_french(sender_client, person):
    response = sender_client.post(
        _need_url(person), {"procedure_deadline": "2020-01-01", "disponibilites": ["Xx:nuit"]}
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Cochez au moins un besoin." in page
    assert "Cette date est passée" in page
    assert "Sélectionnez un choix valide" in page


def test_a_place_without_a_structure_offers_its_sheet_instead(
    sender_client, person, territory, grenoble
):
    lone = factories.PlaceFactory(
        territory=territory, organisation=None, nom="Point sans structure"
    )
    sender_client.post(_need_url(person), NEED | {"lieu": lone.public_id})
    confirm_url = reverse("referrals:referral_confirm", args=[person.public_id, lone.public_id])
    page = html.unescape(sender_client.get(confirm_url).content.decode())
    assert "ne peut pas recevoir d'orientation" in page
    assert reverse("places:place_print", args=[lone.public_id]) in page
    sender_client.post(confirm_url, {"message": "x"})
    assert not Referral.objects.exists()


def test_without_a_draft_the_later_screens_go_back_to_the_need(sender_client, person, place):
    url = reverse("referrals:referral_matches", args=[person.public_id])
    assert sender_client.get(url)["Location"] == _need_url(person)


def test_a_malformed_place_in_the_address_is_ignored(sender_client, person):
    start = sender_client.get(reverse("referrals:referral_start") + "?lieu=pas-un-id")
    need = sender_client.get(_need_url(person, lieu="pas-un-id"))
    assert (start.status_code, need.status_code) == (200, 200)


def test_a_fresh_start_from_the_person_forgets_the_place_of_an_earlier_draft(
    sender_client, person, place
):
    sender_client.post(_need_url(person), NEED | {"lieu": place.public_id})
    page = sender_client.get(_need_url(person)).content.decode()
    assert "Voir les lieux qui conviennent" in page
    assert 'name="lieu" id="id_lieu"' in page and str(place.public_id) not in page
    # The criteria themselves are kept, to change them.
    assert 'value="demarche" id="id_needs_0" checked' in page
