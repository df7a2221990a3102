"""Journeys through the event pages: the list and its filters, noting an event (ahead or
after the fact), changing, cancelling, recording attendance. Bad input comes back in French
with what was typed, as a 400, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.events.actions import cancel_event, record_event_attendance
from aiguillage.events.models import Event, EventStatus
from tests import factories
from tests.events.conftest import local

pytestmark = pytest.mark.django_db
LIST = reverse("events:event_list")
CREATE = reverse("events:event_create")


def _form(territory, days: int = -30, **changes) -> dict:
    day = local(territory, days, 14).date().isoformat()
    data = {
        "kind": "awareness_day",
        "title": "Connectons-nous !",
        "day": day,
        "start_time": "14:00",
        "end_time": "17:30",
        "address": "Salle des fêtes, 2 rue de la Paix, Grenoble",
        "audiences": ["habitants", "parents"],
        "other_partners": "Emmaüs Connect",
        "description": "Une journée pour découvrir les usages du numérique.",
    }
    return data | changes


def _url(name: str, event) -> str:
    return reverse(f"events:{name}", args=[event.public_id])


# --- The list ---------------------------------------------------------------------------


def test_the_list_shows_the_structure_s_events_and_those_it_is_a_partner_of(
    client, owner, new_event, partner_member, partner_organisation
):
    new_event(title="Conférence de lancement")
    new_event(days=10, title="Forum du numérique", partners=[partner_organisation])
    client.force_login(partner_member)
    page = client.get(LIST).content.decode()
    assert "Forum du numérique" in page
    assert "Conférence de lancement" not in page
    assert "Partenaire · organisé par Médiathèque du centre" in page
    assert "Noter un événement" in page


def test_the_list_filters_by_year_and_kind(client, owner, new_event):
    new_event(days=-400, title="Vieille conférence", kind="conference")
    new_event(days=-30, title="Journée récente")
    client.force_login(owner)
    last_year = local(owner.memberships.get().organisation.territory, -400, 14).year
    page = client.get(LIST, {"annee": last_year}).content.decode()
    assert "Vieille conférence" in page and "Journée récente" not in page
    page = client.get(LIST, {"type": "awareness_day"}).content.decode()
    assert "Journée récente" in page and "Vieille conférence" not in page
    page = client.get(LIST, {"annee": 1999}).content.decode()  # not a year of the list
    assert "Vieille conférence" in page and "Journée récente" in page


def test_bad_filters_and_pages_never_break_the_list(client, owner, new_event):
    new_event()
    client.force_login(owner)
    for query in ({"annee": "abc"}, {"type": "zzz"}, {"page": "-3"}, {"page": "x" * 50}):
        assert client.get(LIST, query).status_code == 200


def test_the_list_is_paginated_with_a_fixed_number_of_queries(
    client, owner, new_event, django_assert_max_num_queries
):
    for index in range(23):
        new_event(days=-index - 1, title=f"Événement {index}")
    client.force_login(owner)
    client.get(LIST)  # sessions, second factor: warmed up
    with django_assert_max_num_queries(12):
        page = client.get(LIST).content.decode()
    assert "Page 1 sur 2" in page
    assert "Événement 0" in page and "Événement 22" not in page
    assert "Événement 22" in client.get(LIST, {"page": 2}).content.decode()


def test_the_empty_list_says_what_to_do(client, owner):
    client.force_login(owner)
    page = client.get(LIST).content.decode()
    assert "Aucun événement noté pour l'instant." in page
    assert CREATE in page


def test_a_past_event_in_the_list_offers_to_record_its_attendance(client, owner, past_event):
    client.force_login(owner)
    page = client.get(LIST).content.decode()
    assert _url("event_attendance", past_event) in page


def test_a_coordinator_without_a_structure_lists_the_territory_s_events(
    client, coordinator, past_event
):
    client.force_login(coordinator)
    page = client.get(LIST).content.decode()
    assert "Connectons-nous !" in page
    assert "Médiathèque du centre" in page
    assert reverse("events:territory_summary", args=["test"]) in page
    assert CREATE not in page


def test_the_menu_links_to_the_events(client, owner, coordinator):
    for user in (owner, coordinator):
        client.force_login(user)
        assert f'href="{LIST}"' in client.get(reverse("accounts:dashboard")).content.decode()


# --- Noting an event --------------------------------------------------------------------


def test_a_past_event_is_noted_then_its_attendance_is_asked(
    client, owner, territory, partner_organisation
):
    client.force_login(owner)
    data = _form(territory, partners=[partner_organisation.pk], is_public="on")
    response = client.post(CREATE, data)
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("event_attendance", event)
    assert event.starts_at.astimezone(territory.tz).hour == 14
    assert event.ends_at.astimezone(territory.tz).minute == 30
    assert list(event.partners.all()) == [partner_organisation]
    assert event.audiences == ["habitants", "parents"] and event.is_public


def test_a_coming_event_is_created_and_shown(client, owner, territory):
    client.force_login(owner)
    response = client.post(CREATE, _form(territory, days=15))
    event = Event.objects.get()
    assert response["Location"] == _url("event_detail", event)
    page = client.get(response["Location"]).content.decode()
    assert "Connectons-nous !" in page
    assert "Elles se noteront à partir du jour de l'événement." in page
    assert _url("event_attendance", event) not in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Ce champ est obligatoire."),
        ({"kind": "banquet"}, "Sélectionnez un choix valide."),
        ({"end_time": "13:00"}, "L&#x27;heure de fin doit être après l&#x27;heure de début."),
        ({"day": "31/02/2026"}, "Saisissez une date valide."),
        ({"day": "2010-05-04"}, "La date doit être après le 01/01/2015."),
        ({"start_time": "25:00"}, "Saisissez une heure valide."),
        ({"audiences": ["martiens"]}, "Sélectionnez un choix valide."),
        ({"partners": ["999999"]}, "Sélectionnez un choix valide."),
        ({"partners": ["abc"]}, "n’est pas une valeur correcte"),
        ({"place": "999999"}, "Sélectionnez un choix valide."),
        ({"description": "x" * 5001}, "au plus 5000 caractères"),
    ],
)
def test_a_bad_event_is_shown_again_with_what_was_typed(client, owner, territory, changes, message):
    client.force_login(owner)
    response = client.post(CREATE, _form(territory, **changes))
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "Emmaüs Connect" in page  # nothing lost
    assert not Event.objects.exists()


def test_a_place_and_an_address_at_once_are_refused_by_the_action(client, owner, territory):
    place = factories.PlaceFactory(territory=territory, nom="Maison des habitants")
    client.force_login(owner)
    response = client.post(CREATE, _form(territory, place=place.pk))
    assert response.status_code == 400
    assert "mais pas les deux" in response.content.decode()
    assert not Event.objects.exists()


# --- Changing, cancelling ---------------------------------------------------------------


def test_the_organiser_changes_an_event(client, colleague_read_only, coming_event, territory):
    client.force_login(colleague_read_only)  # any member of the organiser
    form = client.get(_url("event_edit", coming_event)).content.decode()
    assert 'value="Forum du numérique"' in form
    data = _form(territory, days=21, title="Forum du numérique 2027")
    response = client.post(_url("event_edit", coming_event), data)
    assert response.status_code == 302
    coming_event.refresh_from_db()
    assert coming_event.title == "Forum du numérique 2027"
    assert coming_event.local_day() == local(territory, 21, 14).date()
    assert not coming_event.partners.exists()  # unticked


def test_a_bad_change_comes_back_and_changes_nothing(client, owner, coming_event, territory):
    client.force_login(owner)
    response = client.post(_url("event_edit", coming_event), _form(territory, end_time="10:00"))
    assert response.status_code == 400
    coming_event.refresh_from_db()
    assert coming_event.title == "Forum du numérique"


def test_a_cancelled_event_s_edit_page_sends_back_to_it(client, owner, coming_event):
    cancel_event(actor=owner, event=coming_event)
    client.force_login(owner)
    response = client.get(_url("event_edit", coming_event))
    assert response.status_code == 302
    assert response["Location"] == _url("event_detail", coming_event)


def test_the_organiser_cancels_an_event_with_a_reason(client, owner, coming_event):
    client.force_login(owner)
    assert "Oui, annuler" in client.get(_url("event_cancel", coming_event)).content.decode()
    response = client.post(_url("event_cancel", coming_event), {"reason": "Grève"})
    assert response.status_code == 302
    coming_event.refresh_from_db()
    assert coming_event.status == EventStatus.CANCELLED and coming_event.cancel_reason == "Grève"
    page = client.get(_url("event_detail", coming_event)).content.decode()
    assert "Annulé" in page and "Grève" in page
    again = client.post(_url("event_cancel", coming_event))
    assert again.status_code == 400
    assert "déjà annulé" in again.content.decode()


# --- Attendance -------------------------------------------------------------------------


def test_attendance_is_recorded_in_one_form_and_the_total_shown(client, owner, past_event):
    client.force_login(owner)
    form = client.get(_url("event_attendance", past_event)).content.decode()
    assert "Enregistrer les présences" in form and 'inputmode="numeric"' in form
    data = {"habitants": "38", "parents": "", "agents": "4", "autres": "0"}
    response = client.post(_url("event_attendance", past_event), data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "A eu lieu" in page
    assert "<td>38</td>" in page and "<td>4</td>" in page  # no masking on the event itself
    assert "<td>42</td>" in page
    again = client.get(_url("event_attendance", past_event)).content.decode()
    assert 'value="38"' in again  # a correction starts from what was noted


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"habitants": "-2"}, "supérieure ou égale à 0"),
        ({"habitants": "100001"}, "inférieure ou égale à 100000"),
        ({"habitants": "douze"}, "Saisissez un nombre entier."),
        ({"habitants": "99999999999999999999999"}, "inférieure ou égale à 100000"),
        ({"habitants": "60000", "parents": "50000"}, "Au plus 100 000 personnes en tout."),
        ({"elus": ""}, "Indiquez au moins une personne présente"),
    ],
)
def test_bad_counts_come_back_in_french_and_keep_what_was_typed(
    client, owner, past_event, data, message
):
    client.force_login(owner)
    response = client.post(_url("event_attendance", past_event), {"elus": "3"} | data)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    if data.get("elus", "3"):
        assert 'value="3"' in page
    past_event.refresh_from_db()
    assert past_event.status == EventStatus.PLANNED
    assert not past_event.attendances.exists()


def test_a_coming_event_s_attendance_page_explains_when_and_refuses_counts(
    client, owner, coming_event
):
    client.force_login(owner)
    page = client.get(_url("event_attendance", coming_event)).content.decode()
    assert "Les présences se notent à partir du jour de l'événement" in page
    assert "Enregistrer les présences" not in page
    response = client.post(_url("event_attendance", coming_event), {"habitants": "5"})
    assert response.status_code == 400
    assert not coming_event.attendances.exists()


def test_held_events_show_their_total_in_the_list(client, owner, past_event):
    record_event_attendance(actor=owner, event=past_event, counts={"habitants": 2})
    client.force_login(owner)
    assert "2 personnes" in client.get(LIST).content.decode()
