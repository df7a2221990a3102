"""Enrolling a person or an anonymous participant, the waiting list, cancellations, the
charter and anonymisation."""

from __future__ import annotations

import pytest

from aiguillage.people.actions import anonymise_person, withdraw_consent
from aiguillage.workshops import actions, enrolment_actions
from aiguillage.workshops.errors import WorkshopError
from aiguillage.workshops.models import Enrolment, EnrolmentStatus
from tests.workshops import factories as wf

E = EnrolmentStatus
pytestmark = pytest.mark.django_db


def _enrol(social_worker, social_organisation, target, person, **extra):
    return enrolment_actions.enrol_person(
        actor=social_worker, target=target, person=person,
        prescriber_organisation=social_organisation, **extra,
    )  # fmt: skip


def test_a_professional_enrols_a_person_they_follow(
    social_worker, social_organisation, cycle, person, grenoble
):
    enrolment = _enrol(social_worker, social_organisation, cycle, person, referral_id=42)
    assert enrolment.status == E.ENROLLED
    assert enrolment.cycle == cycle and enrolment.session is None
    assert enrolment.referral_id == 42
    # What statistics need is copied: age bracket and commune.
    assert enrolment.commune == grenoble
    assert enrolment.age_bracket == "soixante_soixante_neuf"
    change = enrolment.changes.get()
    assert (change.from_status, change.to_status) == ("", E.ENROLLED)


def test_when_full_the_next_person_waits(owner, organisation, session):
    first = wf.enrol(owner, organisation, session, "Ali")
    second = wf.enrol(owner, organisation, session, "Binta")
    third = wf.enrol(owner, organisation, session, "Chloé")
    assert [first.status, second.status, third.status] == [E.ENROLLED, E.ENROLLED, E.WAITING]


def test_a_freed_seat_goes_to_the_first_waiting_who_is_told(
    owner, organisation, session, social_worker, social_organisation, person, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    first = wf.enrol(owner, organisation, session, "Ali")
    wf.enrol(owner, organisation, session, "Binta")
    waiting = _enrol(social_worker, social_organisation, session, person)
    later = wf.enrol(owner, organisation, session, "Chloé")
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_actions.cancel_enrolment(actor=owner, enrolment=first, organisation=organisation)
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert waiting.status == E.ENROLLED and later.status == E.WAITING
    assert waiting.changes.last().note == "Une place s'est libérée : inscription confirmée."
    assert {m.to[0] for m in mailoutbox} == {social_worker.email, owner.email}
    message = mailoutbox[0]
    assert message.subject == "Place libérée : inscription confirmée à Premiers pas sur ordinateur"
    assert "Fatima passe de la liste d'attente" in message.body
    assert "Benali" not in message.body and "06 12" not in message.body


def test_leaving_the_waiting_list_promotes_nobody(owner, organisation, session):
    wf.enrol(owner, organisation, session, "Ali")
    wf.enrol(owner, organisation, session, "Binta")
    waiting = wf.enrol(owner, organisation, session, "Chloé")
    last = wf.enrol(owner, organisation, session, "Dan")
    enrolment_actions.cancel_enrolment(actor=owner, enrolment=waiting, organisation=organisation)
    last.refresh_from_db()
    assert last.status == E.WAITING


def test_a_person_is_enrolled_once(social_worker, social_organisation, cycle, person):
    _enrol(social_worker, social_organisation, cycle, person)
    with pytest.raises(WorkshopError, match="déjà inscrite"):
        _enrol(social_worker, social_organisation, cycle, person)
    assert Enrolment.objects.count() == 1


def test_a_cancelled_enrolment_may_start_again(social_worker, social_organisation, cycle, person):
    first = _enrol(social_worker, social_organisation, cycle, person)
    enrolment_actions.cancel_enrolment(
        actor=social_worker, enrolment=first, organisation=social_organisation
    )
    again = _enrol(social_worker, social_organisation, cycle, person)
    assert again.status == E.ENROLLED and again.pk != first.pk


def test_no_enrolment_in_a_cancelled_or_started_session(owner, organisation, session, person):
    actions.cancel_session(actor=owner, session=session)
    with pytest.raises(WorkshopError, match="annulée : on ne peut plus s'y inscrire"):
        wf.enrol(owner, organisation, session)
    other = wf.session(owner, organisation, days=3)
    wf.start_now(other)
    with pytest.raises(WorkshopError, match="déjà commencé"):
        wf.enrol(owner, organisation, other)


def test_a_cycle_session_sends_people_to_the_cycle(owner, organisation, cycle):
    with pytest.raises(WorkshopError, match="inscrivez la personne au cycle"):
        wf.enrol(owner, organisation, cycle.sessions.first())


def test_a_finished_cycle_takes_nobody(owner, organisation, cycle):
    wf.shift_to_past(list(cycle.sessions.all()))
    with pytest.raises(WorkshopError, match="Ce cycle est terminé"):
        wf.enrol(owner, organisation, cycle)


def test_the_prescriber_must_follow_the_person(owner, organisation, cycle, person):
    with pytest.raises(WorkshopError, match="ne suit pas cette personne"):
        enrolment_actions.enrol_person(
            actor=owner, target=cycle, person=person, prescriber_organisation=organisation
        )


def test_another_structure_needs_the_orientation_consent(social_worker, social_organisation, cycle):
    person = wf.person(social_worker, social_organisation, "Karim", purposes=["accompagnement"])
    with pytest.raises(WorkshopError, match="accord pour l'orientation"):
        _enrol(social_worker, social_organisation, cycle, person)


def test_the_organiser_enrols_its_own_people_without_orientation_consent(
    owner, organisation, cycle
):
    person = wf.person(owner, organisation, "Karim", purposes=["accompagnement"])
    enrolment = enrolment_actions.enrol_person(
        actor=owner, target=cycle, person=person, prescriber_organisation=organisation
    )
    assert enrolment.status == E.ENROLLED


def test_an_anonymous_participant_takes_a_seat(owner, organisation, session, grenoble):
    enrolment = enrolment_actions.enrol_anonymous(
        actor=owner, target=session, organisation=organisation,
        age_bracket="soixante_dix_plus", social_status="retraite", commune=grenoble,
    )  # fmt: skip
    assert enrolment.person is None and enrolment.status == E.ENROLLED
    assert (enrolment.age_bracket, enrolment.social_status) == ("soixante_dix_plus", "retraite")
    with pytest.raises(WorkshopError, match="tranche d'âge"):
        enrolment_actions.enrol_anonymous(
            actor=owner, target=session, organisation=organisation, age_bracket="bebe"
        )


def test_the_charter_version_accepted_is_kept(owner, organisation, territory):
    cycle = wf.cycle(owner, organisation, charter_text="Je préviens si je ne viens pas.")
    enrolment = wf.enrol(owner, organisation, cycle, "Ali")
    assert enrolment.charter is None
    enrolment = enrolment_actions.record_charter_acceptance(actor=owner, enrolment=enrolment)
    assert enrolment.charter == cycle.charter and enrolment.charter_accepted_at
    # A new text is a new version; the first acceptance still points to the first text.
    newer = wf.cycle(owner, organisation, first_day=60, charter_text="Nouvelle charte.")
    assert newer.charter.version == 2
    enrolment.refresh_from_db()
    assert enrolment.charter.text == "Je préviens si je ne viens pas."
    signed_at_once = wf.enrol(owner, organisation, newer, "Binta", charter_accepted=True)
    assert signed_at_once.charter == newer.charter


def test_no_charter_no_acceptance(owner, organisation, session):
    enrolment = wf.enrol(owner, organisation, session)
    with pytest.raises(WorkshopError, match="pas de charte"):
        enrolment_actions.record_charter_acceptance(actor=owner, enrolment=enrolment)


def test_an_anonymised_person_leaves_the_lists_and_frees_the_seat(
    social_worker, social_organisation, owner, organisation, session, person, grenoble
):
    seated = _enrol(social_worker, social_organisation, session, person)
    wf.enrol(owner, organisation, session, "Binta")
    waiting = wf.enrol(owner, organisation, session, "Chloé")
    withdraw_consent(actor=social_worker, person=person)
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert seated.person is None and seated.status == E.CANCELLED
    assert seated.commune == grenoble  # statistics stay
    assert waiting.status == E.ENROLLED
    with pytest.raises(WorkshopError, match="anonymisée"):
        _enrol(social_worker, social_organisation, session, person)


def test_anonymising_keeps_finished_enrolments_without_the_person(owner, organisation, session):
    enrolment = wf.enrol(owner, organisation, session)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=E.COMPLETED)
    anonymise_person(actor=owner, person=enrolment.person, reason="test")
    enrolment.refresh_from_db()
    assert enrolment.status == E.COMPLETED and enrolment.person is None
    assert Enrolment.objects.completed().count() == 1
