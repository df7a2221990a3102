"""A social worker refers a person to another structure's workshop: the organiser accepts,
which enrols the person; the roll call moves the referral to « personne venue », the settled
cycle to « accompagnement fait »; the sender reads it all on the referral (issue 13)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aiguillage.referrals import actions as referral_actions
from aiguillage.referrals.models import ReferralStatus
from aiguillage.workshops import attendance_actions
from aiguillage.workshops.models import Enrolment, EnrolmentStatus, Session
from tests.workshops import factories as wf

pytestmark = pytest.mark.django_db


def _send(social_worker, social_organisation, person, workshop):
    return referral_actions.send_referral(
        actor=social_worker,
        organisation=social_organisation,
        person=person,
        place=workshop.place,
        values={"needs": ["apprendre"]},
        message="Elle veut apprendre à envoyer des photos.",
        workshop=workshop,
    )


def _accept(owner, organisation, referral):
    return referral_actions.accept_referral(
        referral=referral, actor=owner, organisation=organisation, version=referral.version
    )


def test_the_organiser_receives_the_referral_and_accepting_enrols_the_person(
    owner, organisation, social_worker, social_organisation, person, cycle
):
    referral = _send(social_worker, social_organisation, person, cycle)
    assert referral.receiver_organisation == organisation and referral.cycle == cycle

    accepted = _accept(owner, organisation, referral)

    enrolment = Enrolment.objects.get(referral_id=referral.pk)
    assert enrolment.person == person and enrolment.status == EnrolmentStatus.ENROLLED
    assert enrolment.prescriber_organisation == social_organisation
    assert accepted.status == ReferralStatus.ACCEPTED
    first = cycle.sessions.order_by("starts_at").first()
    assert accepted.appointment_at == first.starts_at


def test_a_full_workshop_puts_the_referred_person_on_the_waiting_list(
    owner, organisation, social_worker, social_organisation, person, place
):
    full = wf.cycle(owner, organisation, place=place, sessions=2, capacity=1)
    wf.enrol(owner, organisation, full, "Zoé")
    referral = _send(social_worker, social_organisation, person, full)

    accepted = _accept(owner, organisation, referral)

    assert Enrolment.objects.get(referral_id=referral.pk).status == EnrolmentStatus.WAITING
    assert "liste d'attente" in accepted.changes.last().note


def test_the_roll_call_tells_the_sender_the_person_came_then_completed(
    client, owner, organisation, social_worker, social_organisation, person, place
):
    short = wf.cycle(owner, organisation, place=place, sessions=2, capacity=4)
    referral = _send(social_worker, social_organisation, person, short)
    _accept(owner, organisation, referral)
    enrolment = Enrolment.objects.get(referral_id=referral.pk)
    sessions = list(short.sessions.order_by("starts_at"))

    wf.start_now(sessions[0])
    attendance_actions.record_attendance(
        actor=owner, session=sessions[0], marks={enrolment: "present"}
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CAME

    wf.shift_to_past(sessions, days=1)
    for item in sessions:
        attendance_actions.record_attendance(
            actor=owner, session=Session.objects.get(pk=item.pk), marks={enrolment: "present"}
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DONE
    assert referral.outcome_note == "Atelier suivi jusqu'au bout."

    client.force_login(social_worker)
    page = client.get(reverse("referrals:referral_detail", args=[referral.public_id]))
    text = page.content.decode()
    assert "Atelier : <strong>Ordi&#x27;Pratique</strong>" in text
    assert "atelier suivi, 2 séances suivies sur 2" in text


def test_an_absence_does_not_move_the_referral(
    owner, organisation, social_worker, social_organisation, person, session
):
    referral = _send(social_worker, social_organisation, person, session)
    _accept(owner, organisation, referral)
    enrolment = Enrolment.objects.get(referral_id=referral.pk)
    wf.start_now(session)

    attendance_actions.record_attendance(actor=owner, session=session, marks={enrolment: "absent"})

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"is_published": False}, "n'est pas publié"),
        ({"place": None}, "n'a pas de lieu"),
    ],
)
def test_a_workshop_that_cannot_receive_is_refused_in_french(
    owner, organisation, social_worker, social_organisation, person, place, change, message
):
    workshop = wf.session(owner, organisation, place=place)
    Session.objects.filter(pk=workshop.pk).update(**change)
    workshop.refresh_from_db()

    with pytest.raises(referral_actions.ReferralError, match=message):
        referral_actions.send_referral(
            actor=social_worker, organisation=social_organisation, person=person,
            place=place, values={"needs": ["apprendre"]}, workshop=workshop,
        )  # fmt: skip


def test_a_finished_workshop_is_refused(
    owner, organisation, social_worker, social_organisation, person, place
):
    past = wf.session(owner, organisation, place=place)
    wf.shift_to_past([past])
    with pytest.raises(referral_actions.ReferralError, match="déjà commencé"):
        _send(social_worker, social_organisation, person, past)


def test_the_social_worker_sends_from_the_pages(
    client, organisation, social_worker, person, cycle, session
):
    client.force_login(social_worker)
    choose = client.get(reverse("referrals:workshop_choose", args=[person.public_id]))
    assert "Ordi&#x27;Pratique" in choose.content.decode()
    url = reverse("referrals:workshop_confirm", args=[person.public_id, "cycle", cycle.public_id])

    sent = client.post(url, {"message": "Elle a un ordinateur donné."})

    referral = person.referrals.get()
    assert sent.status_code == 302 and sent.url.endswith(f"{referral.public_id}/")
    assert referral.cycle == cycle and referral.receiver_organisation == organisation


def test_the_organisers_own_workshops_are_not_offered_for_a_referral(
    client, owner, organisation, place, cycle
):
    own_person = wf.person(owner, organisation, "Léa")
    client.force_login(owner)
    page = client.get(reverse("referrals:workshop_choose", args=[own_person.public_id]))
    assert "Ordi&#x27;Pratique" not in page.content.decode()


def test_a_structure_that_does_not_follow_the_person_gets_404(client, outsider, person, cycle):
    client.force_login(outsider)
    url = reverse("referrals:workshop_confirm", args=[person.public_id, "cycle", cycle.public_id])
    assert (
        client.get(reverse("referrals:workshop_choose", args=[person.public_id])).status_code == 404
    )
    assert client.post(url, {"message": "x"}).status_code == 404
    assert not person.referrals.exists()


def test_an_unknown_kind_or_unpublished_workshop_is_404(client, social_worker, person, cycle):
    client.force_login(social_worker)
    bad_kind = reverse("referrals:workshop_confirm", args=[person.public_id, "x", cycle.public_id])
    assert client.get(bad_kind).status_code == 404
    cycle.__class__.objects.filter(pk=cycle.pk).update(is_published=False)
    url = reverse("referrals:workshop_confirm", args=[person.public_id, "cycle", cycle.public_id])
    assert client.get(url).status_code == 404


def test_the_organiser_accepts_from_the_referral_page(
    client, owner, organisation, social_worker, social_organisation, person, cycle
):
    referral = _send(social_worker, social_organisation, person, cycle)
    client.force_login(owner)
    page = client.get(reverse("referrals:referral_detail", args=[referral.public_id]))
    assert "En acceptant, vous inscrivez la personne" in page.content.decode()

    client.post(
        reverse("referrals:referral_accept", args=[referral.public_id]),
        {"accept-version": referral.version, "accept-message": "Bienvenue !"},
    )

    assert Enrolment.objects.filter(referral_id=referral.pk, person=person).exists()
