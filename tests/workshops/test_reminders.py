"""The day before a session, ``remind_workshop_participants`` reminds the participants who
chose e-mail, each prescriber structure (with the SMS text to send the others) and the
organiser, once; through a real SMTP conversation with a local server (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from aiguillage.journal.models import JournalEntry
from aiguillage.people.actions import anonymise_person
from aiguillage.sms import is_gsm7
from aiguillage.workshops import actions, enrolment_actions, reminder_actions, rules
from aiguillage.workshops.models import Session
from tests import factories
from tests.workshops import factories as wf

pytestmark = pytest.mark.django_db

SMS_HEADING = "Texte à envoyer par SMS"


def _messages(server) -> dict[str, email.message.EmailMessage]:
    out = {}
    for envelope in server.envelopes:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert envelope.rcpt_tos[0] not in out, f"two messages to {envelope.rcpt_tos[0]}"
        out[envelope.rcpt_tos[0]] = message
    return out


def _body(message) -> str:
    return message.get_content().replace("\r\n", "\n")


def _subject(message) -> str:
    return " ".join(str(message["Subject"]).split())


def _sms(body: str) -> str:
    return body.split(SMS_HEADING, 1)[1].split(":\n", 1)[1].split("\n", 1)[0]


def _run(*args: str) -> str:
    out = StringIO()
    call_command("remind_workshop_participants", *args, stdout=out)
    return out.getvalue()


def _enrol(actor, organisation, target, first_name: str, **values):
    person = wf.person(actor, organisation, first_name, **values)
    enrolment_actions.enrol_person(
        actor=actor, target=target, person=person, prescriber_organisation=organisation
    )
    return person


@pytest.fixture
def tomorrow(owner, organisation, place):
    return wf.session(owner, organisation, place=place, days=1, hour=14, capacity=5)


@pytest.fixture
def participants(tomorrow, owner, organisation, social_worker, social_organisation, person):
    """Fatima (SMS), Claire (e-mail) and Karim (« Ne pas contacter ») by the social service,
    Ali by the organiser, one participant without a file, Léa on the waiting list."""
    enrolment_actions.enrol_person(
        actor=social_worker, target=tomorrow, person=person,
        prescriber_organisation=social_organisation,
    )  # fmt: skip
    _enrol(social_worker, social_organisation, tomorrow, "Claire",
           contact_preference="courriel", contact_value="claire@exemple.fr")  # fmt: skip
    _enrol(social_worker, social_organisation, tomorrow, "Karim", contact_preference="aucun")
    wf.enrol(owner, organisation, tomorrow, "Ali")
    enrolment_actions.enrol_anonymous(actor=owner, target=tomorrow, organisation=organisation)
    _enrol(social_worker, social_organisation, tomorrow, "Léa",
           contact_preference="courriel", contact_value="lea@exemple.fr")  # fmt: skip
    return tomorrow


def test_each_one_receives_what_concerns_them(
    smtp_server, settings, owner, social_worker, participants, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://aiguillage.example"
    with django_capture_on_commit_callbacks(execute=True):
        assert "1 séances rappelées." in _run("--wet-run")

    messages = _messages(smtp_server)
    # Léa is on the waiting list: no reminder for her.
    assert set(messages) == {"claire@exemple.fr", owner.email, social_worker.email}

    to_claire = messages["claire@exemple.fr"]
    assert _subject(to_claire) == "Rappel : votre atelier demain"
    body = _body(to_claire)
    assert "Votre atelier « Premiers pas sur ordinateur » a lieu demain." in body
    assert f"Quand : {rules.when_text(*_local(participants))}" in body
    assert "Où : Médiathèque Kateb Yacine" in body
    assert f"Adresse : {participants.place.full_address}" in body
    assert "Téléphone : 04 76 00 00 00" in body
    for other in ("Claire", "Fatima", "Karim", "Ali", "Benali", "https://"):
        assert other not in body

    to_prescriber = messages[social_worker.email]
    assert _subject(to_prescriber) == "Rappel : séance demain, Premiers pas sur ordinateur"
    body = _body(to_prescriber)
    assert "1 personne que vous avez inscrite a reçu ce rappel par courriel." in body
    assert "Vous y avez inscrit : Fatima, Karim." in body
    assert "Claire" not in body and "Ali" not in body and "Léa" not in body
    assert "Benali" not in body and "06 12" not in body
    assert "Texte à envoyer par SMS à Fatima :" in body
    assert "Ne pas contacter : Karim a demandé à ne pas être contacté(e)." in body
    assert "https://aiguillage.example/espace/ateliers/seances/" in body

    summary = _body(messages[owner.email])
    assert "Inscrits : 5 sur 5 places. Liste d'attente : 1." in summary
    assert "1 participant a reçu ce rappel par courriel" in summary
    assert "Votre structure y a inscrit : Ali et 1 participant sans fiche." in summary
    assert "Texte à envoyer par SMS à Ali et à la personne sans fiche :" in summary
    assert "Fatima" not in summary and "Claire" not in summary and "Karim" not in summary
    assert f"/espace/ateliers/seances/{participants.public_id}/appel/" in summary

    for message in messages.values():
        for name in ("Fatima", "Claire", "Karim", "Ali", "Léa"):
            assert name not in _subject(message)


def _local(session: Session):
    tz = session.territory.tz
    return session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)


def test_the_sms_text_says_it_is_tomorrow_in_gsm7_and_two_parts_at_most(
    smtp_server, social_worker, participants, django_capture_on_commit_callbacks
):
    Session.objects.filter(pk=participants.pk).update(title=("Atelier « numérique » " * 12)[:200])
    with django_capture_on_commit_callbacks(execute=True):
        _run("--wet-run")

    sms = _sms(_body(_messages(smtp_server)[social_worker.email]))
    assert "Rappel : c'est demain." in sms
    assert "Tél. 04 76 00 00 00" in sms
    assert rules.septets(sms) <= rules.SMS_MAX_SEPTETS
    assert is_gsm7(sms)


def test_a_rerun_sends_nothing_twice_and_the_journal_says_it_once(
    smtp_server, participants, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _run("--wet-run")
    first = len(smtp_server.envelopes)
    with django_capture_on_commit_callbacks(execute=True):
        assert "0 séances rappelées." in _run("--wet-run")

    assert first == 3 and len(smtp_server.envelopes) == first
    participants.refresh_from_db()
    assert participants.reminder_sent_at is not None
    entries = JournalEntry.objects.filter(event="workshop_session_reminded")
    assert list(entries.values_list("object_id", flat=True)) == [str(participants.public_id)]


def test_a_dry_run_counts_and_sends_nothing(
    smtp_server, participants, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert "1 séances à rappeler (simulation, ajoutez --wet-run)." in _run()

    assert smtp_server.envelopes == []
    participants.refresh_from_db()
    assert participants.reminder_sent_at is None
    assert not JournalEntry.objects.filter(event="workshop_session_reminded").exists()


def test_a_cancelled_session_is_not_reminded(
    smtp_server, owner, participants, django_capture_on_commit_callbacks
):
    actions.cancel_session(actor=owner, session=participants, reason="Salle inondée")
    with django_capture_on_commit_callbacks(execute=True):
        assert "0 séances rappelées." in _run("--wet-run")

    assert smtp_server.envelopes == []


def test_only_tomorrow_s_sessions_with_someone_enrolled_are_reminded(
    smtp_server, owner, organisation, place, django_capture_on_commit_callbacks
):
    later = wf.session(owner, organisation, place=place, days=2, title="Après-demain")
    wf.enrol(owner, organisation, later, "Ali")
    wf.session(owner, organisation, place=place, days=1, title="Personne d'inscrit")
    early = wf.session(owner, organisation, place=place, days=1, hour=8, title="Tôt demain")
    wf.enrol(owner, organisation, early, "Nadia")

    with django_capture_on_commit_callbacks(execute=True):
        assert "1 séances rappelées." in _run("--wet-run")

    assert [str(m["Subject"]) for m in _messages(smtp_server).values()] == [
        "Rappel : séance demain, Tôt demain"
    ]
    assert list(Session.objects.filter(reminder_sent_at__isnull=False)) == [early]


def test_an_unpublished_session_and_a_cycle_s_session_are_reminded_too(
    smtp_server, owner, organisation, place, social_worker, social_organisation,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    cycle = wf.cycle(owner, organisation, place=place, sessions=3, first_day=1, is_published=False)
    _enrol(social_worker, social_organisation, cycle, "Claire",
           contact_preference="courriel", contact_value="claire@exemple.fr")  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        assert "1 séances rappelées." in _run("--wet-run")

    assert set(_messages(smtp_server)) == {"claire@exemple.fr", owner.email}
    first = cycle.sessions.order_by("starts_at").first()
    assert list(Session.objects.filter(reminder_sent_at__isnull=False)) == [first]


def test_an_anonymised_person_gets_no_reminder(
    smtp_server, owner, organisation, social_worker, social_organisation, tomorrow,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    claire = _enrol(social_worker, social_organisation, tomorrow, "Claire",
                    contact_preference="courriel", contact_value="claire@exemple.fr")  # fmt: skip
    wf.enrol(owner, organisation, tomorrow, "Ali")
    anonymise_person(actor=social_worker, person=claire, reason="test")

    with django_capture_on_commit_callbacks(execute=True):
        _run("--wet-run")

    messages = _messages(smtp_server)
    assert set(messages) == {owner.email}
    assert "Claire" not in _body(messages[owner.email])


def test_people_who_asked_not_to_be_contacted_get_no_sms_text(
    smtp_server, social_worker, social_organisation, tomorrow, django_capture_on_commit_callbacks
):
    _enrol(social_worker, social_organisation, tomorrow, "Karim", contact_preference="aucun")

    with django_capture_on_commit_callbacks(execute=True):
        _run("--wet-run")

    body = _body(_messages(smtp_server)[social_worker.email])
    assert "Vous y avez inscrit : Karim." in body
    assert "Karim a demandé à ne pas être contacté(e). Ne lui envoyez pas ce rappel." in body
    assert SMS_HEADING not in body


def test_a_prescriber_whose_people_all_chose_e_mail_gets_nothing(
    smtp_server, owner, social_worker, social_organisation, tomorrow,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    _enrol(social_worker, social_organisation, tomorrow, "Claire",
           contact_preference="courriel", contact_value="claire@exemple.fr")  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        _run("--wet-run")

    assert set(_messages(smtp_server)) == {"claire@exemple.fr", owner.email}


def test_a_prescriber_who_left_is_replaced_by_the_structure_s_managers(
    smtp_server, owner, social_organisation, social_worker, person, tomorrow,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    enrolment_actions.enrol_person(
        actor=social_worker, target=tomorrow, person=person,
        prescriber_organisation=social_organisation,
    )  # fmt: skip
    manager = factories.MembershipFactory(organisation=social_organisation, manager=True).user
    social_worker.memberships.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        _run("--wet-run")

    assert set(_messages(smtp_server)) == {owner.email, manager.email}


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_remind_a_session_once(owner, organisation, place):
    session = wf.session(owner, organisation, place=place, days=1)
    wf.enrol(owner, organisation, session, "Ali")
    now = timezone.now()
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(reminder_actions.remind_session(session=session, now=now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == [False, True]
    assert JournalEntry.objects.filter(event="workshop_session_reminded").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_session_being_reminded_elsewhere_is_skipped_without_waiting(owner, organisation, place):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only")
    session = wf.session(owner, organisation, place=place, days=1)
    results: list[bool] = []

    def other_run() -> None:
        try:
            results.append(reminder_actions.remind_session(session=session, now=timezone.now()))
        finally:
            connections.close_all()

    with transaction.atomic():
        Session.objects.select_for_update().get(pk=session.pk)  # another run holds the row
        thread = threading.Thread(target=other_run)
        thread.start()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the second run waited for the lock"

    assert results == [False]
    session.refresh_from_db()
    assert session.reminder_sent_at is None
