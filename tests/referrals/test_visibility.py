"""Issue 11: the person's file belongs to the structures that follow the person.

The receiving structure sees, on the referral only and while it lives, what the consent
lists; once it ends (declined, cancelled, expired, redirected, or 30 days after the
appointment or the outcome) it sees only what is not about the person, on every page that
shows the referral. Sending a referral grants nothing by itself: a structure that redirects
sees what a receiver sees."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from aiguillage.referrals import actions, permissions
from aiguillage.referrals.models import Referral, ReferralStatus
from tests import factories

S = ReferralStatus
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
GONE = "Les informations sur la personne ne sont plus visibles"
# What the sender wrote about the person: none of it may reach the receiver once it ends.
ABOUT_THE_PERSON = [
    "Fatima",
    "Dossier MDPH",  # procedure name (free text)
    "urdité",  # disability support (« prise en charge spécifique »)
    "Faire une démarche en ligne",  # the need
    "Le mardi : 14 h – 18 h",  # availability
    "arle arabe",  # match reasons (« Parle arabe »)
    "Elle doit refaire sa déclaration CAF",  # the sender's message
    "pièce d'identité",  # what to bring, derived from the need
    "Elle a trouvé une aide",  # a status-change note written by the sender
]


def _page(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _url(name, referral):
    return reverse(f"referrals:{name}", args=[referral.public_id])


def _ago(referral: Referral, days: int, **fields) -> None:
    """Move the last status change (and any given field) ``days`` into the past."""
    moment = timezone.now() - days * DAY
    values = {"last_activity_at": moment} | {name: moment for name in fields}
    Referral.objects.filter(pk=referral.pk).update(**values)


@pytest.fixture
def detailed(referral):
    """The referral with a free-text procedure, a disability support and match reasons."""
    Referral.objects.filter(pk=referral.pk).update(
        procedure_name="Dossier MDPH",
        supports=["surdite"],
        match_reasons=["parle arabe", "accompagnement adapté : surdité"],
    )
    referral.refresh_from_db()
    return referral


@pytest.fixture
def elsewhere(territory, other_organisation):
    return factories.PlaceFactory(
        territory=territory, organisation=other_organisation, nom="Espace numérique sud"
    )


def _redirect(referral, owner, place, *, version=0):
    return actions.send_referral(
        actor=owner,
        organisation=referral.receiver_organisation,
        person=referral.person,
        place=place,
        values={"needs": ["equipement"], "procedure_name": "Dossier MDPH"},
        message="Pour un ordinateur",
        previous=referral,
        previous_version=version,
    )


def _end(how: str, referral, *, owner, social_worker, elsewhere) -> None:
    receiver = referral.receiver_organisation
    if how == "declined":
        actions.decline_referral(
            referral=referral, actor=owner, organisation=receiver, version=0,
            reason="complet", note="Rappel en janvier",
        )  # fmt: skip
    elif how == "cancelled":
        actions.cancel_referral(
            referral=referral, actor=social_worker, organisation=referral.sender_organisation,
            version=0, note="Elle a trouvé une aide à la CAF",
        )  # fmt: skip
    elif how == "expired":
        actions.expire_referral(referral=referral)
    elif how == "redirected":
        _redirect(referral, owner, elsewhere)
    elif how == "done 31 days ago":
        actions.accept_referral(
            referral=referral, actor=owner, organisation=receiver, version=0, come_hours="mardi"
        )
        actions.record_came(referral=referral, actor=owner, organisation=receiver, version=1)
        actions.complete_referral(
            referral=referral, actor=owner, organisation=receiver, version=2,
            activities=["email"], note="Compte créé ensemble",
        )  # fmt: skip
        _ago(referral, 31, closed_at=True)
    elif how == "accepted, appointment 300 days ago":
        actions.accept_referral(
            referral=referral, actor=owner, organisation=receiver, version=0,
            appointment_at=timezone.now() + DAY, message="Venez avec votre carte",
        )  # fmt: skip
        _ago(referral, 301)
        Referral.objects.filter(pk=referral.pk).update(appointment_at=timezone.now() - 300 * DAY)
    else:  # pragma: no cover
        raise AssertionError(how)


ENDINGS = [
    "declined",
    "cancelled",
    "expired",
    "redirected",
    "done 31 days ago",
    "accepted, appointment 300 days ago",
]


# --- The one rule (permissions.receiver_sees_person) ------------------------------------------


def _referral(status, *, changed_days_ago, appointment_days_ago=None) -> Referral:
    appointment = None if appointment_days_ago is None else NOW - appointment_days_ago * DAY
    return Referral(
        status=status, last_activity_at=NOW - changed_days_ago * DAY, appointment_at=appointment
    )


@pytest.mark.parametrize(
    ("status", "changed", "appointment", "seen"),
    [
        # Waiting for an answer: seen (the scheduled command expires it after 30 days).
        (S.SENT, 0, None, True),
        (S.SENT, 29, None, True),
        # Accepted with an appointment: until 30 days after the appointment...
        (S.ACCEPTED, 40, -5, True),  # appointment still to come
        (S.ACCEPTED, 40, 30, True),
        (S.ACCEPTED, 40, 31, False),
        (S.ACCEPTED, 301, 300, False),  # the appointment is long past, no outcome recorded
        # ...without one (« venir à ces horaires »): until 30 days after the acceptance.
        (S.ACCEPTED, 30, None, True),
        (S.ACCEPTED, 31, None, False),
        # Outcome recorded: until 30 days after it.
        (S.CAME, 30, None, True),
        (S.CAME, 31, None, False),
        (S.NO_SHOW, 30, 35, True),
        (S.NO_SHOW, 31, 35, False),
        (S.DONE, 30, None, True),
        (S.DONE, 31, None, False),
        # Ended without an accompaniment: never again, even the same minute.
        (S.DECLINED, 0, None, False),
        (S.CANCELLED, 0, None, False),
        (S.EXPIRED, 0, None, False),
        (S.REDIRECTED, 0, None, False),
    ],
)
def test_how_long_the_receiver_sees_what_the_consent_lists(status, changed, appointment, seen):
    referral = _referral(status, changed_days_ago=changed, appointment_days_ago=appointment)
    assert permissions.receiver_sees_person(referral, NOW) is seen


def test_the_thirty_days_are_one_named_constant():
    from aiguillage.referrals import rules

    assert rules.RECEIVER_SEES_PERSON_DAYS == 30
    assert permissions.RECEIVER_SEES_PERSON_FOR == dt.timedelta(days=30)


def test_an_anonymised_referral_shows_no_person_to_the_receiver():
    referral = _referral(S.SENT, changed_days_ago=0)
    referral.anonymised_at = NOW
    assert permissions.receiver_sees_person(referral, NOW) is False


# --- Every page the receiver opens ------------------------------------------------------------


def test_while_the_referral_lives_the_receiver_sees_the_need_and_prints_the_sheet(
    client, owner, detailed
):
    client.force_login(owner)
    detail = _page(client.get(_url("referral_detail", detailed)))
    for text in ABOUT_THE_PERSON[:-2]:
        assert text in detail, text
    sheet = _page(client.get(_url("referral_print", detailed)))
    assert "Pour Fatima" in sheet
    assert GONE not in detail + sheet


@pytest.mark.parametrize("how", ENDINGS)
def test_once_it_ends_the_receiver_sees_only_what_is_not_about_the_person(
    client, owner, social_worker, detailed, elsewhere, how
):
    _end(how, detailed, owner=owner, social_worker=social_worker, elsewhere=elsewhere)
    client.force_login(owner)
    detail = _page(client.get(_url("referral_detail", detailed)))
    sheet = _page(client.get(_url("referral_print", detailed)))
    inbox = _page(client.get(reverse("referrals:referral_list"), {"statut": "toutes"}))
    for page in (detail, sheet, inbox):
        for text in ABOUT_THE_PERSON:
            assert text not in page, (how, text)
    # What is not about the person stays: the place, the history, the structure's own words.
    assert GONE in detail and GONE in sheet
    assert "Médiathèque Kateb Yacine" in detail and "Médiathèque Kateb Yacine" in sheet
    assert "Historique" in detail and "Envoyée" in detail
    assert "Réorienter" not in detail


def test_the_receiver_keeps_its_own_notes_and_answers(client, owner, social_worker, detailed):
    _end("declined", detailed, owner=owner, social_worker=social_worker, elsewhere=None)
    client.force_login(owner)
    detail = _page(client.get(_url("referral_detail", detailed)))
    assert "Refusée : nous sommes complets" in detail
    assert "Rappel en janvier" in detail
    # The sender still sees everything: it follows the person.
    client.force_login(social_worker)
    detail = _page(client.get(_url("referral_detail", detailed)))
    assert "Fatima Benali" in detail and "Dossier MDPH" in detail and GONE not in detail


def test_an_accepted_referral_long_past_its_appointment_cannot_be_redirected(
    client, owner, social_worker, detailed, elsewhere
):
    _end("accepted, appointment 300 days ago", detailed, owner=owner,
         social_worker=social_worker, elsewhere=elsewhere)  # fmt: skip
    client.force_login(owner)
    need_url = reverse("referrals:referral_need", args=[detailed.person.public_id])
    assert client.get(need_url).status_code == 404
    assert client.get(_url("referral_redirect", detailed)).status_code == 404
    # Answering stays possible: it says nothing about the person.
    response = client.post(_url("referral_came", detailed), {"came-version": 1})
    assert response.status_code == 302


def test_the_cancellation_e_mail_gives_the_receiver_no_first_name(
    owner, social_worker, referral, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_referral(
            referral=referral, actor=social_worker,
            organisation=referral.sender_organisation, version=0,
        )  # fmt: skip
    assert mail.outbox and all("Fatima" not in message.body for message in mail.outbox)
    assert "a annulé l'orientation vers « Médiathèque Kateb Yacine »" in mail.outbox[0].body


# --- Redirection: sending grants nothing by itself --------------------------------------------


def test_a_redirecting_structure_sees_only_what_a_receiver_sees(
    client, owner, outsider, social_worker, referral, elsewhere
):
    onward = _redirect(referral, owner, elsewhere)
    client.force_login(owner)
    detail = _page(client.get(_url("referral_detail", onward)))
    sheet = _page(client.get(_url("referral_print", onward)))
    outbox = _page(client.get(reverse("referrals:referral_list"), {"vue": "envoyees"}))
    for page in (detail, sheet, outbox):
        assert "Benali" not in page and "06 12 34 56 78" not in page
    assert "Fatima" in detail and "Fatima → Espace numérique sud" in outbox
    assert "sms:" not in detail
    # Its own file access did not appear on the way.
    person_url = reverse("people:person_detail", args=[referral.person.public_id])
    assert client.get(person_url).status_code == 404

    # Once the next structure declines, the redirecting one sees no more than the receiver.
    actions.decline_referral(
        referral=onward, actor=outsider, organisation=onward.receiver_organisation,
        version=0, reason="complet",
    )  # fmt: skip
    detail = _page(client.get(_url("referral_detail", onward)))
    outbox = _page(client.get(reverse("referrals:referral_list"), {"vue": "envoyees"}))
    assert "Fatima" not in detail and "Pour un ordinateur" not in detail
    assert "Dossier MDPH" not in detail and GONE in detail
    assert "Fatima" not in outbox


def test_the_sheet_says_who_sees_what_and_where_to_withdraw(client, owner, referral, elsewhere):
    onward = _redirect(referral, owner, elsewhere)
    client.force_login(owner)
    sheet = " ".join(_page(client.get(_url("referral_print", onward))).split())
    assert "Seules les deux structures" not in sheet
    # The consent was given to the structure that follows the person, not to the redirecting one.
    assert "retirer votre accord à tout moment auprès de CCAS de test" in sheet
    assert "Centre social du sud voit votre prénom" in sheet


def test_the_orientation_consent_says_the_receiver_may_redirect():
    from aiguillage.referrals.rules import ORIENTATION_EXPLANATION

    assert "à elle seule" not in ORIENTATION_EXPLANATION
    assert "réoriente" in ORIENTATION_EXPLANATION
    assert "30 jours" in ORIENTATION_EXPLANATION


# --- Lists of people are journaled (the searched text never is) -------------------------------


def _listed(user) -> list[list[str]]:
    from aiguillage.journal.models import JournalEntry

    entries = JournalEntry.objects.filter(event="people_listed", actor=user).order_by("id")
    return [entry.data["people"] for entry in entries]


def test_the_inbox_and_outbox_journal_the_people_they_show(client, owner, social_worker, referral):
    person = str(referral.person.public_id)
    client.force_login(owner)
    client.get(reverse("referrals:referral_list"))
    client.force_login(social_worker)
    client.get(reverse("referrals:referral_list"), {"vue": "envoyees"})
    assert _listed(owner) == [[person]]
    assert _listed(social_worker) == [[person]]

    actions.decline_referral(
        referral=referral, actor=owner, organisation=referral.receiver_organisation,
        version=0, reason="complet",
    )  # fmt: skip
    client.force_login(owner)
    client.get(reverse("referrals:referral_list"), {"statut": "toutes"})
    assert _listed(owner)[-1] == []  # the closed referral shows no person


def test_the_new_referral_screen_journals_the_recent_people(client, social_worker, person):
    client.force_login(social_worker)
    page = _page(client.get(reverse("referrals:referral_start")))
    assert "Fatima Benali" in page
    assert _listed(social_worker) == [[str(person.public_id)]]
