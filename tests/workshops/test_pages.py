"""Journeys through the pages: create a series, take the roll call on a phone, print the
sheet, enrol from a session or a person's page, the public list. Bad input is shown in
French with what was typed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from aiguillage.journal.models import JournalEntry
from aiguillage.workshops import actions, enrolment_actions
from aiguillage.workshops.models import Attendance, Cycle, Enrolment, EnrolmentStatus, Session
from tests import factories
from tests.workshops import factories as wf

pytestmark = pytest.mark.django_db
E = EnrolmentStatus


def _series_data(territory, **changes) -> dict:
    start = wf.local(territory, 7, 14).date()
    data = {
        "mode": "cycle",
        "kind": wf.kind(territory).pk,
        "title": "Ordi'Pratique",
        "weekdays": ["1"],
        "start_time": "14:00",
        "end_time": "16:00",
        "first_day": start.isoformat(),
        "last_day": (start + dt.timedelta(days=62)).isoformat(),
        "skip_public_holidays": "on",
        "capacity": "10",
        "audiences": ["habitants"],
        "is_free": "on",
        "is_published": "on",
    }
    return data | changes


def test_a_series_form_creates_the_cycle_and_shows_it(client, owner, territory):
    client.force_login(owner)
    response = client.post(reverse("workshops:series_create"), _series_data(territory))
    cycle = Cycle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workshops:cycle_detail", args=[cycle.public_id])
    assert 8 <= cycle.sessions.count() <= 10
    page = client.get(response["Location"]).content.decode()
    assert "Ordi&#x27;Pratique" in page and "80 %" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"first_day": "2020-01-07", "last_day": "2020-03-01"}, "déjà commencée"),
        ({"end_time": "13:00"}, "L&#x27;heure de fin doit être après l&#x27;heure de début."),
        ({"last_day": "2000-01-01"}, "La date de fin doit être après la date de début."),
        ({"weekdays": []}, "Ce champ est obligatoire."),
        ({"capacity": "0"}, "supérieure ou égale à 1"),
    ],
)
def test_a_bad_series_is_shown_again_with_what_was_typed(
    client, owner, territory, changes, message
):
    client.force_login(owner)
    response = client.post(reverse("workshops:series_create"), _series_data(territory, **changes))
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert 'value="Ordi&#x27;Pratique"' in page  # nothing lost
    assert not Session.objects.exists()


def test_the_session_form_refuses_an_overlap_of_a_facilitator(
    client, owner, organisation, territory
):
    wf.session(owner, organisation, days=9, hour=14, facilitators=[owner])
    client.force_login(owner)
    day = wf.local(territory, 9, 15).date().isoformat()
    response = client.post(
        reverse("workshops:session_create"),
        {
            "kind": wf.kind(territory).pk, "title": "Démarches", "day": day,
            "start_time": "15:00", "end_time": "17:00", "capacity": "6",
            "facilitators": [owner.pk],
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert "anime déjà" in response.content.decode()
    assert Session.objects.count() == 1


def test_the_session_list_shows_upcoming_first_with_seats(
    client, owner, organisation, session, cycle, django_assert_max_num_queries
):
    wf.enrol(owner, organisation, session, "Ali")
    client.force_login(owner)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("workshops:session_list")).content.decode()
    assert page.index("Premiers pas") < page.index("Ordi&#x27;Pratique")
    assert "1 inscrit sur 2 places" in page
    assert "Cycle, séance 1 sur 5" in page


def test_the_session_list_costs_the_same_for_more_sessions(
    client, owner, organisation, django_assert_num_queries
):
    client.force_login(owner)
    wf.session(owner, organisation, days=5)
    wf.cycle(owner, organisation, sessions=2, first_day=6)
    client.get(reverse("workshops:session_list"))  # warm caches (sessions, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("workshops:session_list"))
    for days in range(20, 30):
        wf.session(owner, organisation, days=days)
    wf.cycle(owner, organisation, sessions=3, first_day=40)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("workshops:session_list"))


def test_an_empty_list_says_what_to_do(client, outsider):
    client.force_login(outsider)
    page = client.get(reverse("workshops:session_list")).content.decode()
    assert "Aucun atelier prévu" in page and "tous les mardis de 14 h à 16 h" in page


def test_roll_call_by_plain_post_and_by_htmx(client, owner, organisation, session):
    ali = wf.enrol(owner, organisation, session, "Ali")
    binta = wf.enrol(owner, organisation, session, "Binta")
    wf.start_now(session)
    client.force_login(owner)
    url = reverse("workshops:roll_call", args=[session.public_id])
    page = client.get(url).content.decode()
    assert page.count('class="roll-button roll-present"') == 2
    assert "2 à marquer" in page
    response = client.post(url, {"inscription": ali.public_id, "presence": "present"})
    assert response.status_code == 302 and response["Location"].endswith(f"#p-{ali.public_id}")
    fragment = client.post(
        url, {"inscription": binta.public_id, "presence": "excused"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'id="p-{binta.public_id}"' in fragment and f'id="p-{ali.public_id}"' not in fragment
    assert 'value="excused" class="roll-button roll-excused" aria-pressed="true"' in fragment
    assert 'hx-swap-oob="true"' in fragment and "1 présent · 1 excusé · 0 absent" in fragment
    assert dict(Attendance.objects.values_list("enrolment_id", "status")) == {
        ali.pk: "present",
        binta.pk: "excused",
    }
    journal = JournalEntry.objects.filter(event="people_listed").latest("id")
    assert journal.data["purpose"] == "appel d'un atelier"


def test_roll_call_before_the_day_is_refused_in_french(client, owner, organisation, session):
    ali = wf.enrol(owner, organisation, session, "Ali")
    client.force_login(owner)
    url = reverse("workshops:roll_call", args=[session.public_id])
    response = client.post(url, {"inscription": ali.public_id, "presence": "present"})
    assert response.status_code == 400
    assert "L&#x27;appel se fait le jour de la séance" in response.content.decode()
    bad = client.post(url, {"inscription": "pas-un-uuid", "presence": "present"})
    assert bad.status_code == 400


def test_the_sign_in_sheet_lists_names_and_blank_lines(client, owner, organisation, session):
    wf.enrol(owner, organisation, session, "Ali")
    client.force_login(owner)
    page = client.get(reverse("workshops:sign_in_sheet", args=[session.public_id])).content
    page = page.decode()
    assert "Feuille d'émargement" in page and "Ali" in page
    assert page.count('<td class="sign-cell">') == 14
    assert "workshops/workshops.css" in page


def test_enrolling_from_the_session_page(client, owner, organisation, session, mailoutbox):
    karim = wf.person(owner, organisation, "Karim", last_name="Saidi")
    client.force_login(owner)
    url = reverse("workshops:session_enrol", args=[session.public_id])
    page = client.get(url, {"q": "kar"}).content.decode()
    assert "Karim Saidi" in page
    assert JournalEntry.objects.filter(event="people_listed").latest("id").data["people"] == [
        str(karim.public_id)
    ]
    response = client.post(url, {"person": karim.public_id}, follow=True)
    enrolment = Enrolment.objects.get(person=karim)
    assert response.redirect_chain[-1][0] == reverse(
        "workshops:enrolment_detail", args=[enrolment.public_id]
    )
    page = response.content.decode()
    assert "La personne est inscrite." in page and "Texte à envoyer à la personne" in page
    again = client.post(url, {"person": karim.public_id})
    assert again.status_code == 400 and "déjà inscrite" in again.content.decode()


def test_enrolling_from_a_person_s_page_then_the_sms_link(
    client, social_worker, person, session, cycle
):
    client.force_login(social_worker)
    url = reverse("workshops:enrol_for_person") + f"?personne={person.public_id}"
    page = client.get(url).content.decode()
    assert "Premiers pas sur ordinateur" in page and "Ordi&#x27;Pratique" in page
    enrol_url = reverse("workshops:cycle_enrol", args=[cycle.public_id])
    assert f"{enrol_url}?personne={person.public_id}" in page
    chosen = client.get(enrol_url, {"personne": person.public_id}).content.decode()
    assert "Inscrire Fatima" in chosen
    response = client.post(enrol_url, {"person": person.public_id}, follow=True)
    page = response.content.decode()
    assert 'href="sms:06 12 34 56 78?body=Bonjour%20Fatima.' in page


def test_a_cycle_session_page_sends_to_the_cycle_enrolment(client, owner, cycle):
    client.force_login(owner)
    first = cycle.sessions.first()
    response = client.get(
        reverse("workshops:session_enrol", args=[first.public_id]), {"personne": "x"}
    )
    assert response["Location"] == (
        reverse("workshops:cycle_enrol", args=[cycle.public_id]) + "?personne=x"
    )


def test_a_full_session_puts_the_person_on_the_waiting_list(client, owner, organisation, session):
    wf.enrol(owner, organisation, session, "Ali")
    wf.enrol(owner, organisation, session, "Binta")
    chloe = wf.person(owner, organisation, "Chloé")
    client.force_login(owner)
    url = reverse("workshops:session_enrol", args=[session.public_id])
    assert "Complet" in client.get(url).content.decode()
    page = client.post(url, {"person": chloe.public_id}, follow=True).content.decode()
    assert "liste d&#x27;attente" in page
    detail = client.get(reverse("workshops:session_detail", args=[session.public_id]))
    assert "Liste d'attente (1)" in detail.content.decode()


def test_counting_an_anonymous_participant(client, owner, session, grenoble):
    client.force_login(owner)
    url = reverse("workshops:session_enrol_anonymous", args=[session.public_id])
    response = client.post(
        url, {"age_bracket": "soixante_dix_plus", "social_status": "retraite",
              "commune": grenoble.pk},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Participant sans fiche" in page and "70 ans et plus, Grenoble" in page


def test_moving_a_session_through_its_page(client, owner, session, territory):
    client.force_login(owner)
    url = reverse("workshops:session_move", args=[session.public_id])
    day = wf.local(territory, 20, 9).date().isoformat()
    response = client.post(url, {"day": day, "start_time": "09:30", "end_time": "11:00"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == wf.local(territory, 20, 9, 30)
    past = client.post(url, {"day": "2020-01-01", "start_time": "09:30", "end_time": "11:00"})
    assert past.status_code == 400 and 'value="2020-01-01"' in past.content.decode()


def test_cancelling_a_session_asks_first(client, owner, session):
    client.force_login(owner)
    url = reverse("workshops:session_cancel", args=[session.public_id])
    assert "Oui, annuler la séance" in client.get(url).content.decode()
    response = client.post(url, {"reason": "Formatrice malade"}, follow=True)
    assert "Annulée" in response.content.decode()
    session.refresh_from_db()
    assert session.is_cancelled


def test_capacity_below_the_enrolled_count_keeps_the_value(client, owner, organisation, session):
    wf.enrol(owner, organisation, session, "Ali")
    wf.enrol(owner, organisation, session, "Binta")
    client.force_login(owner)
    url = reverse("workshops:session_capacity", args=[session.public_id])
    response = client.post(url, {"capacity": "1"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "ne peut pas être inférieur à 2" in page and 'value="1"' in page


def test_cancelling_an_enrolment_from_its_page_promotes_the_waiting(
    client, owner, organisation, session
):
    ali = wf.enrol(owner, organisation, session, "Ali")
    wf.enrol(owner, organisation, session, "Binta")
    chloe = wf.enrol(owner, organisation, session, "Chloé")
    client.force_login(owner)
    client.post(reverse("workshops:enrolment_cancel", args=[ali.public_id]), {"note": "Malade"})
    chloe.refresh_from_db()
    ali.refresh_from_db()
    assert ali.status == E.CANCELLED and chloe.status == E.ENROLLED


def test_the_public_list_filters_by_commune_and_kind_without_people(
    client, owner, organisation, territory, place, social_worker, social_organisation, person
):
    echirolles = factories.PlaceFactory(
        territory=territory, organisation=organisation, nom="Centre social Village 2",
        commune="Échirolles", code_insee="38151", code_postal="38130",
    )  # fmt: skip
    here = wf.session(owner, organisation, days=2, place=place, title="Initiation Grenoble")
    there = wf.session(
        owner, organisation, days=3, place=echirolles, title="Tablette Échirolles",
        kind=wf.kind(territory, "tablette_smartphone"),
    )  # fmt: skip
    wf.session(owner, organisation, days=4, place=place, title="Secret", is_published=False)
    wf.session(owner, organisation, days=20, place=place, title="Plus tard")
    enrolment_actions.enrol_person(
        actor=social_worker, target=here, person=person,
        prescriber_organisation=social_organisation,
    )  # fmt: skip
    url = reverse("workshops:public_list", args=[territory.slug])
    page = client.get(url).content.decode()
    assert "Initiation Grenoble" in page and "Tablette Échirolles" in page
    assert "Secret" not in page and "Plus tard" not in page
    for private in ("Fatima", "Benali", owner.last_name):
        assert private not in page
    assert "Plus tard" in client.get(url, {"periode": "mois"}).content.decode()
    only_echirolles = client.get(url, {"commune": "38151"}).content.decode()
    assert "Tablette Échirolles" in only_echirolles and "Initiation Grenoble" not in only_echirolles
    only_kind = client.get(url, {"type": "tablette_smartphone"}).content.decode()
    assert "Tablette Échirolles" in only_kind and "Initiation Grenoble" not in only_kind
    assert there.title in only_kind


def test_the_public_list_s_empty_state_suggests_what_to_try(client, territory):
    page = client.get(reverse("workshops:public_list", args=[territory.slug])).content.decode()
    assert "Aucun atelier publié pour ces critères" in page


def test_the_coordinator_creates_the_catalogue_and_sets_the_rule(client, coordinator, territory):
    client.force_login(coordinator)
    url = reverse("workshops:catalogue", args=[territory.slug])
    page = client.get(url).content.decode()
    assert "Éducation aux médias" in page and "Parentalité et éducation avec le numérique" in page
    response = client.post(url, {"percent": "75"})
    assert response.status_code == 302
    assert actions.completion_threshold(territory) == 75
    bad = client.post(url, {"percent": "150"})
    assert bad.status_code == 400 and 'value="150"' in bad.content.decode()
