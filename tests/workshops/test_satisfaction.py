"""Participants' satisfaction: the organiser opens a session's link (QR code), participants
answer anonymously on their phone (once per browser) or on the organiser's tablet, until
14 days after the session or the expected number of answers; results are counts masked
under 5, with the comments from 5 answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from aiguillage.journal.models import JournalEntry
from aiguillage.workshops import actions, satisfaction, satisfaction_actions
from aiguillage.workshops.attendance_actions import record_headcounts
from aiguillage.workshops.errors import WorkshopError
from aiguillage.workshops.models import SatisfactionLink, SatisfactionResponse, Session
from tests.workshops import factories as wf

pytestmark = pytest.mark.django_db


def _answers(**changes) -> dict:
    answers = {
        "useful": "beaucoup",
        "clear": "un_peu",
        "at_ease": "pas_vraiment",
        "wants_more": "oui",
        "comment": "",
    }
    return answers | changes


@pytest.fixture
def link(owner, session):
    return satisfaction_actions.open_satisfaction_link(actor=owner, session=session)


def _form_url(link) -> str:
    return reverse("workshops:satisfaction_form", args=[link.token])


def _answer(link, count: int, **changes) -> None:
    for _ in range(count):
        satisfaction_actions.record_satisfaction(
            actor=None, link=link, answers=_answers(**changes), channel="lien"
        )


# --- The organiser's page: opening the link -------------------------------------------------


def test_the_organiser_opens_the_link_and_shows_its_qr_code(client, owner, session):
    client.force_login(owner)
    url = reverse("workshops:session_satisfaction", args=[session.public_id])
    assert "Ouvrir le questionnaire" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    link = SatisfactionLink.objects.get(session=session)
    assert len(link.token) >= 32
    assert link.closes_at == session.ends_at + dt.timedelta(days=14)
    page = client.get(url).content.decode()
    assert "<svg" in page and _form_url(link) in page
    assert "Passer la tablette aux participants" in page
    client.post(url)
    assert SatisfactionLink.objects.count() == 1  # the same link afterwards
    assert JournalEntry.objects.filter(event="workshop_satisfaction_link_opened").count() == 1


def test_any_member_of_the_organiser_may_open_it(client, colleague_read_only, session):
    client.force_login(colleague_read_only)
    client.post(reverse("workshops:session_satisfaction", args=[session.public_id]))
    assert SatisfactionLink.objects.filter(session=session).exists()


@pytest.mark.parametrize(
    "name", ["workshops:session_satisfaction", "workshops:satisfaction_tablet"]
)
def test_other_structures_get_403_and_other_territories_404(
    client, name, session, link, social_worker, stranger
):
    url = reverse(name, args=[session.public_id])
    client.force_login(social_worker)  # sees the published session, does not run it
    assert client.get(url).status_code == 403
    assert client.post(url, _answers()).status_code == 403
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert SatisfactionResponse.objects.count() == 0


def test_anonymous_visitors_are_sent_to_the_login_page(client, session):
    url = reverse("workshops:session_satisfaction", args=[session.public_id])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_cancelled_session_has_no_questionnaire(owner, session):
    actions.cancel_session(actor=owner, session=session, reason="Animateur malade")
    with pytest.raises(WorkshopError, match="annulée"):
        satisfaction_actions.open_satisfaction_link(actor=owner, session=session)


def test_it_is_too_late_14_days_after_the_session(owner, session):
    wf.shift_to_past([session], days=15)
    with pytest.raises(WorkshopError, match="plus de 14 jours"):
        satisfaction_actions.open_satisfaction_link(actor=owner, session=session)


# --- The public form ------------------------------------------------------------------------


def test_anyone_with_the_link_answers_once_per_browser(link):
    phone = Client()
    page = phone.get(_form_url(link))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<fieldset" in html and "<legend" in html
    assert "L&#x27;atelier vous a été utile ?" in html and "Oui, beaucoup" in html
    assert '<label class="answer answer-check" for="id_useful_0">' in html
    response = phone.post(_form_url(link), _answers(comment="  Très bien, merci.  "))
    assert response.status_code == 302 and response["Location"] == _form_url(link)
    answer = SatisfactionResponse.objects.get()
    assert (answer.useful, answer.clear, answer.at_ease, answer.wants_more) == (
        "beaucoup",
        "un_peu",
        "pas_vraiment",
        "oui",
    )
    assert answer.comment == "Très bien, merci."  # stripped
    assert (answer.channel, answer.session, answer.cycle) == ("lien", link.session, None)
    assert "Merci ! Votre avis est bien enregistré." in phone.get(_form_url(link)).content.decode()
    # The same browser again: thanked, not counted twice.
    assert phone.post(_form_url(link), _answers()).status_code == 200
    assert SatisfactionResponse.objects.count() == 1
    # Another phone answers too.
    assert Client().post(_form_url(link), _answers()).status_code == 302
    assert SatisfactionResponse.objects.count() == 2


def test_an_answer_keeps_nothing_about_who_gave_it(link):
    Client().post(_form_url(link), _answers(), REMOTE_ADDR="203.0.113.9")
    columns = {field.name for field in SatisfactionResponse._meta.get_fields()}
    assert not columns & {"person", "ip", "ip_address", "user_agent", "enrolment"}
    entry = JournalEntry.objects.get(event="workshop_satisfaction_answered")
    assert entry.actor is None and entry.data == {"channel": "lien"}
    assert "203.0.113.9" not in str(SatisfactionResponse.objects.values().get())


def test_missing_answers_are_explained_in_french_and_nothing_is_lost(link):
    phone = Client()
    response = phone.post(_form_url(link), {"useful": "un_peu", "comment": "Le café était bon"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vérifiez vos réponses" in html and html.count("Choisissez une réponse.") == 6
    assert 'value="un_peu" id="id_useful_1" required checked' in html  # kept
    assert "Le café était bon" in html
    assert SatisfactionResponse.objects.count() == 0


def test_an_unknown_answer_or_a_long_comment_is_refused(link):
    phone = Client()
    assert phone.post(_form_url(link), _answers(useful="génial")).status_code == 400
    response = phone.post(_form_url(link), _answers(comment="x" * 501))
    assert response.status_code == 400 and "500 lettres au plus" in response.content.decode()
    assert SatisfactionResponse.objects.count() == 0


def test_a_closed_link_answers_410_in_french(link, owner):
    session = link.session
    wf.shift_to_past([session], days=15)
    SatisfactionLink.objects.filter(pk=link.pk).update(closes_at=session.ends_at + dt.timedelta(14))
    response = Client().get(_form_url(link))
    assert response.status_code == 410
    assert "Ce questionnaire est fermé" in response.content.decode()
    assert Client().post(_form_url(link), _answers()).status_code == 410
    assert SatisfactionResponse.objects.count() == 0


def test_a_cancelled_sessions_link_is_closed(link, owner):
    actions.cancel_session(actor=owner, session=link.session, reason="Salle inondée")
    response = Client().get(_form_url(link))
    assert response.status_code == 410 and "annulé" in response.content.decode()


def test_a_guessed_token_gets_404(link):
    for token in ("avis", link.token[:-1], link.token + "x", "0" * 32):
        assert Client().get(reverse("workshops:satisfaction_form", args=[token])).status_code == 404


def test_the_link_stops_at_the_expected_number_of_answers(owner, organisation, session, link):
    wf.enrol(owner, organisation, session, "Nadia")
    assert satisfaction.answer_cap(session) == 1 + satisfaction.EXTRA_ANSWERS
    _answer(link, 11)
    response = Client().post(_form_url(link), _answers())
    assert response.status_code == 410 and "toutes les réponses" in response.content.decode()
    assert SatisfactionResponse.objects.count() == 11


def test_people_counted_without_enrolment_raise_the_cap(owner, session):
    wf.start_now(session)
    record_headcounts(actor=owner, session=session, counts={"eleves": 20})
    assert satisfaction.answer_cap(session) == 20 + satisfaction.EXTRA_ANSWERS


# --- The tablet, handed round the table -------------------------------------------------------


def test_the_tablet_takes_one_answer_after_another(client, owner, session, link):
    client.force_login(owner)
    url = reverse("workshops:satisfaction_tablet", args=[session.public_id])
    page = client.get(url).content.decode()
    assert "Votre avis sur l'atelier" in page
    assert reverse("people:person_list") not in page  # no site menu on a device handed round
    for _ in range(2):
        response = client.post(url, _answers())
        assert response.status_code == 302 and response["Location"] == f"{url}?merci=1"
    assert (
        "Passez la tablette à la personne suivante" in client.get(f"{url}?merci=1").content.decode()
    )
    assert list(SatisfactionResponse.objects.values_list("channel", flat=True)) == ["tablette"] * 2
    response = client.post(url, _answers(wants_more=""))
    assert response.status_code == 400 and "Choisissez une réponse." in response.content.decode()


def test_the_tablet_needs_the_link_opened_first(client, owner, session):
    client.force_login(owner)
    response = client.get(reverse("workshops:satisfaction_tablet", args=[session.public_id]))
    assert response["Location"] == reverse(
        "workshops:session_satisfaction", args=[session.public_id]
    )


# --- Results -------------------------------------------------------------------------------------


def test_results_are_masked_under_5_answers_and_comments_wait_for_5(client, owner, session, link):
    _answer(link, 3, comment="Zut, trop court")
    client.force_login(owner)
    url = reverse("workshops:session_detail", args=[session.public_id])
    page = client.get(url).content.decode()
    assert "Avis des participants" in page and "<td>&lt; 5</td>" in page
    assert "Zut, trop court" not in page and "à partir de 5 réponses" in page
    _answer(link, 3, useful="un_peu", comment="avec des exemples")
    page = client.get(url).content.decode()
    assert "Nombre de réponses : <strong>6</strong>" in page
    # « Oui, beaucoup » 3 and « Un peu » 3 would single nobody out but are under 5.
    assert "<td>&lt; 5</td>" in page
    assert page.index("avec des exemples") < page.index("Zut, trop court")  # sorted by text


def test_five_identical_answers_are_shown(owner, session, link):
    _answer(link, 5)
    results = satisfaction.satisfaction_results(SatisfactionResponse.objects.all())
    useful = results.questions[0]
    assert useful.text == "L'atelier vous a été utile ?"
    assert [(a.label, a.shown) for a in useful.answers] == [
        ("Oui, beaucoup", "5"),
        ("Un peu", "0"),
        ("Pas vraiment", "0"),
    ]
    assert results.total == "5"


def test_the_cycle_page_adds_up_its_sessions(client, owner, organisation):
    cycle = wf.cycle(owner, organisation, sessions=2)
    for session in Session.objects.filter(cycle=cycle):
        _answer(satisfaction_actions.open_satisfaction_link(actor=owner, session=session), 3)
    assert SatisfactionResponse.objects.filter(cycle=cycle).count() == 6
    client.force_login(owner)
    page = client.get(reverse("workshops:cycle_detail", args=[cycle.public_id])).content.decode()
    assert "Nombre de réponses : <strong>6</strong>" in page


def test_other_structures_see_no_results(client, session, link, social_worker):
    _answer(link, 6, comment="Un secret")
    client.force_login(social_worker)
    page = client.get(reverse("workshops:session_detail", args=[session.public_id])).content
    assert "Avis des participants" not in page.decode() and "Un secret" not in page.decode()


def test_results_take_one_query(session, link, django_assert_num_queries):
    _answer(link, 7)
    with django_assert_num_queries(1):
        satisfaction.satisfaction_results(SatisfactionResponse.objects.filter(session=session))
