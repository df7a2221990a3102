"""Putting a person on the waiting list, reserving, cancelling, handing over, the
appointment and the installation: each rule refuses bad input in French and changes nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from aiguillage.equipment import allocation_actions as aa
from aiguillage.equipment.errors import EquipmentError
from aiguillage.equipment.models import Allocation, AllocationStatusChange, Device
from aiguillage.journal.models import JournalEntry
from aiguillage.people.actions import grant_access
from tests.equipment import factories as ef

pytestmark = pytest.mark.django_db


def _request(owner, organisation, programme, person, **answers):
    return aa.request_allocation(
        actor=owner, organisation=organisation, programme=programme, person=person,
        answers=answers,
    )  # fmt: skip


# --- The waiting list ---------------------------------------------------------------------------


def test_an_eligible_person_goes_on_the_list_with_what_was_checked(
    owner, organisation, programme, fatima
):
    allocation = _request(owner, organisation, programme, fatima)
    enrolment = fatima.workshop_enrolments.get()
    assert allocation.status == "attente"
    assert allocation.eligibility == {"sans_ordinateur": True, "cycle_termine": True}
    assert allocation.enrolment == enrolment
    assert allocation.cycle_completed_on == timezone.localdate() - dt.timedelta(days=10)
    assert allocation.commune_insee == "38185"
    assert allocation.status_changes.get().to_status == "attente"
    entry = JournalEntry.objects.get(event="allocation_requested")
    assert "Fatima" not in str(entry.data)


def test_a_person_who_did_not_complete_a_cycle_is_refused(owner, organisation, programme):
    person = ef.person(owner, organisation, "Jo")
    ef.screened(owner, organisation, person)
    with pytest.raises(EquipmentError, match="Pas de cycle terminé : la personne peut s'inscrire"):
        _request(owner, organisation, programme, person)
    assert not Allocation.objects.exists()


def test_a_person_with_a_device_of_their_own_is_refused(owner, organisation, programme):
    person = ef.person(owner, organisation, "Jo")
    ef.screened(owner, organisation, person, answers=ef.OWN_DEVICE_ANSWERS)
    ef.completed_cycle(owner, organisation, person)
    with pytest.raises(EquipmentError, match="a un appareil à elle"):
        _request(owner, organisation, programme, person)
    assert not Allocation.objects.exists()


def test_the_latest_screening_decides(owner, organisation, programme):
    person = ef.person(owner, organisation, "Jo")
    ef.completed_cycle(owner, organisation, person)
    ef.screened(owner, organisation, person, answers=ef.OWN_DEVICE_ANSWERS,
                at=timezone.now() - dt.timedelta(days=60))  # fmt: skip
    ef.screened(owner, organisation, person)  # today: nothing at home any more
    assert _request(owner, organisation, programme, person).status == "attente"


def test_a_person_without_consent_for_the_computer_is_refused(owner, organisation, programme):
    person = ef.person(owner, organisation, "Jo", purposes=["accompagnement", "evaluation"])
    ef.screened(owner, organisation, person)
    ef.completed_cycle(owner, organisation, person)
    with pytest.raises(EquipmentError, match="accord pour la demande d'ordinateur"):
        _request(owner, organisation, programme, person)
    assert not Allocation.objects.exists()


def test_a_structure_that_does_not_follow_the_person_cannot_ask(
    owner, outsider, other_organisation, programme, fatima
):
    with pytest.raises(EquipmentError, match="ne suit pas cette personne"):
        _request(outsider, other_organisation, programme, fatima)
    assert not Allocation.objects.exists()


def test_a_structure_outside_the_programme_cannot_ask(owner, bystander, programme, fatima):
    theirs = bystander.memberships.get().organisation
    grant_access(actor=owner, person=fatima, organisation=theirs, reason="orientation")
    with pytest.raises(EquipmentError, match="pas partenaire"):
        _request(bystander, theirs, programme, fatima)
    assert not Allocation.objects.exists()


def test_a_person_is_on_the_list_once(owner, organisation, programme, fatima):
    _request(owner, organisation, programme, fatima)
    with pytest.raises(EquipmentError, match="déjà sur la liste"):
        _request(owner, organisation, programme, fatima)
    assert Allocation.objects.count() == 1


def test_a_cycle_with_a_structure_outside_the_programme_does_not_count(
    owner, organisation, bystander, programme
):
    theirs = bystander.memberships.get().organisation
    person = ef.person(owner, organisation, "Jo")
    grant_access(actor=owner, person=person, organisation=theirs, reason="orientation")
    ef.screened(owner, organisation, person)
    ef.completed_cycle(bystander, theirs, person)
    with pytest.raises(EquipmentError, match="Pas de cycle terminé"):
        _request(owner, organisation, programme, person)


def test_only_the_programmes_kinds_of_cycle_count(owner, organisation, programme, fatima):
    from tests.workshops import factories as wf

    programme.cycle_kinds.set([wf.kind(organisation.territory, "tablette_smartphone")])
    with pytest.raises(EquipmentError, match="Pas de cycle terminé"):
        _request(owner, organisation, programme, fatima)
    programme.cycle_kinds.set([wf.kind(organisation.territory, "initiation_ordinateur")])
    assert _request(owner, organisation, programme, fatima).status == "attente"


def test_the_territorys_questions_must_be_answered_yes(owner, organisation, programme, fatima):
    programme.extra_criteria = ["Habite l'agglomération", {"code": "quotient", "label": "QF < 800"}]
    programme.save()
    with pytest.raises(EquipmentError, match="« Habite l'agglomération » : pas encore de réponse"):
        _request(owner, organisation, programme, fatima, quotient=True)
    with pytest.raises(EquipmentError, match="« QF < 800 » : non"):
        _request(owner, organisation, programme, fatima, habite_lagglomeration=True, quotient=False)
    allocation = _request(owner, organisation, programme, fatima,
                          habite_lagglomeration=True, quotient=True)  # fmt: skip
    assert allocation.eligibility["quotient"] is True


def test_the_waiting_list_is_ordered_by_cycle_completion_then_request(
    owner, organisation, programme
):
    late = ef.person(owner, organisation, "Late")
    ef.screened(owner, organisation, late)
    ef.completed_cycle(owner, organisation, late, days_ago=2)
    early = ef.person(owner, organisation, "Early")
    ef.screened(owner, organisation, early)
    ef.completed_cycle(owner, organisation, early, days_ago=30)
    first = _request(owner, organisation, programme, late)
    second = _request(owner, organisation, programme, early)
    assert list(aa.waiting(programme)) == [second, first]


# --- Reservation --------------------------------------------------------------------------------


def test_a_ready_device_is_reserved_with_the_allocation(
    owner, organisation, programme, fatima, ready
):
    allocation = _request(owner, organisation, programme, fatima)
    reserved = aa.reserve_device(
        actor=owner, organisation=organisation, allocation=allocation, device=ready
    )
    ready.refresh_from_db()
    assert (reserved.status, reserved.device, ready.state) == ("reserve", ready, "reserve")
    assert ready.moves.last().to_state == "reserve"


def test_a_device_that_is_not_ready_is_refused(owner, organisation, programme, fatima, donation):
    allocation = _request(owner, organisation, programme, fatima)
    raw = ef.device(donation, user=owner, serial="NOTREADY1")
    with pytest.raises(EquipmentError, match="n'est pas prêt à donner"):
        aa.reserve_device(actor=owner, organisation=organisation, allocation=allocation, device=raw)
    allocation.refresh_from_db()
    raw.refresh_from_db()
    assert (allocation.status, allocation.device, raw.state) == ("attente", None, "collecte")


def test_a_device_of_another_programme_is_refused(
    owner, organisation, other_organisation, programme, fatima
):
    elsewhere = ef.programme(other_organisation, name="Autre programme")
    theirs = ef.ready_device(
        ef.collection(elsewhere, by=other_organisation, user=owner), user=owner
    )
    allocation = _request(owner, organisation, programme, fatima)
    with pytest.raises(EquipmentError, match="autre programme"):
        aa.reserve_device(
            actor=owner, organisation=organisation, allocation=allocation, device=theirs
        )


def test_a_device_promised_to_someone_else_is_refused(
    owner, organisation, programme, fatima, ready
):
    first = _request(owner, organisation, programme, fatima)
    aa.reserve_device(actor=owner, organisation=organisation, allocation=first, device=ready)
    second = _request(owner, organisation, programme, ef.eligible_person(owner, organisation, "Bo"))
    with pytest.raises(EquipmentError, match="n'est pas prêt"):
        aa.reserve_device(actor=owner, organisation=organisation, allocation=second, device=ready)
    second.refresh_from_db()
    assert second.status == "attente"


def test_any_partner_reserves_for_the_first_of_the_list(
    owner, organisation, outsider, other_organisation, programme, ready
):
    late = ef.person(owner, organisation, "Late")
    ef.screened(owner, organisation, late)
    ef.completed_cycle(owner, organisation, late, days_ago=2)
    early = ef.eligible_person(owner, organisation, "Early")
    _request(owner, organisation, programme, late)
    first = _request(owner, organisation, programme, early)
    reserved = aa.reserve_for_next(
        actor=outsider, organisation=other_organisation, programme=programme, device=ready
    )
    assert reserved == first and reserved.status == "reserve"


def test_only_the_asking_structure_acts_on_its_allocation(
    owner, organisation, outsider, other_organisation, programme, fatima, ready
):
    allocation = _request(owner, organisation, programme, fatima)
    with pytest.raises(EquipmentError, match="Seule la structure qui a inscrit"):
        aa.reserve_device(
            actor=outsider, organisation=other_organisation, allocation=allocation, device=ready
        )


def test_cancelling_a_reservation_gives_the_device_back_and_keeps_the_place(
    owner, organisation, programme, fatima, ready
):
    allocation = ef.advanced(owner, organisation, _request(owner, organisation, programme, fatima),
                             ready, to="reserve")  # fmt: skip
    with pytest.raises(EquipmentError, match="Indiquez pourquoi"):
        aa.cancel_reservation(actor=owner, organisation=organisation, allocation=allocation,
                              reason=" ")  # fmt: skip
    back = aa.cancel_reservation(
        actor=owner, organisation=organisation, allocation=allocation, reason="Écran cassé"
    )
    ready.refresh_from_db()
    assert (back.status, back.device, ready.state) == ("attente", None, "pret")
    assert back.requested_at == allocation.requested_at
    assert back.status_changes.last().note == "Écran cassé"


def test_cancelling_the_request_frees_the_person_and_the_device(
    owner, organisation, programme, fatima, ready
):
    allocation = ef.advanced(owner, organisation, _request(owner, organisation, programme, fatima),
                             ready, to="reserve")  # fmt: skip
    cancelled = aa.cancel_request(
        actor=owner, organisation=organisation, allocation=allocation, reason="A déménagé"
    )
    ready.refresh_from_db()
    assert (cancelled.status, cancelled.cancel_reason, ready.state) == (
        "annule",
        "A déménagé",
        "pret",
    )
    assert _request(owner, organisation, programme, fatima).status == "attente"


# --- Hand-over, appointment, installation ---------------------------------------------------


def test_handing_over_copies_the_contract_and_moves_the_device(
    owner, organisation, programme, fatima, ready
):
    programme.contract_text = "Article unique : l'ordinateur est donné.\n\nIl ne se vend pas."
    programme.save()
    allocation = ef.advanced(owner, organisation, _request(owner, organisation, programme, fatima),
                             ready, to="reserve")  # fmt: skip
    handed = aa.hand_over(
        actor=owner, organisation=organisation, allocation=allocation, signature="tablette"
    )
    ready.refresh_from_db()
    assert handed.contract_text == programme.contract_text
    assert (handed.contract_signature, ready.state) == ("tablette", "remis")
    programme.contract_text = "Changé après coup"
    programme.save()
    handed.refresh_from_db()
    assert "Changé" not in handed.contract_text


def test_a_signature_must_be_paper_or_tablet(owner, organisation, programme, fatima, ready):
    allocation = ef.advanced(owner, organisation, _request(owner, organisation, programme, fatima),
                             ready, to="reserve")  # fmt: skip
    with pytest.raises(EquipmentError, match="sur papier ou sur la tablette"):
        aa.hand_over(
            actor=owner, organisation=organisation, allocation=allocation, signature="oral"
        )
    allocation.refresh_from_db()
    assert allocation.status == "reserve"


def test_a_device_handed_over_twice_is_refused_by_the_state_table(
    owner, organisation, programme, fatima, ready
):
    allocation = ef.advanced(owner, organisation, _request(owner, organisation, programme, fatima),
                             ready, to="remis")  # fmt: skip
    with pytest.raises(EquipmentError, match="déjà « ordinateur remis »"):
        aa.hand_over(actor=owner, organisation=organisation, allocation=allocation,
                     signature="papier")  # fmt: skip
    assert (
        AllocationStatusChange.objects.filter(allocation=allocation, to_status="remis").count() == 1
    )
    assert ready.moves.filter(to_state="remis").count() == 1


def test_the_appointment_is_in_the_future(owner, organisation, programme, fatima, ready):
    allocation = _request(owner, organisation, programme, fatima)
    later = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(EquipmentError, match="réservé ou remis"):
        aa.set_appointment(actor=owner, organisation=organisation, allocation=allocation, at=later)
    allocation = ef.advanced(owner, organisation, allocation, ready, to="reserve")
    with pytest.raises(EquipmentError, match="dans le futur"):
        aa.set_appointment(actor=owner, organisation=organisation, allocation=allocation,
                           at=timezone.now() - dt.timedelta(hours=1))  # fmt: skip
    allocation.refresh_from_db()
    assert allocation.installation_at is None
    moved = aa.set_appointment(
        actor=owner, organisation=organisation, allocation=allocation, at=later
    )
    assert moved.installation_at == later
    again = aa.set_appointment(actor=owner, organisation=organisation, allocation=allocation,
                               at=later + dt.timedelta(days=1))  # fmt: skip
    assert again.installation_at == later + dt.timedelta(days=1)
    assert JournalEntry.objects.filter(event="allocation_appointment_set").count() == 2


@pytest.mark.parametrize("missing", ["connexion", "comptes", "autonomie"])
def test_the_installation_needs_every_item_ticked(
    missing, owner, organisation, programme, fatima, ready
):
    from aiguillage.equipment.models import INSTALL_CHECKLIST

    allocation = ef.advanced(owner, organisation, _request(owner, organisation, programme, fatima),
                             ready, to="remis")  # fmt: skip
    with pytest.raises(EquipmentError, match=re.escape(INSTALL_CHECKLIST[missing])):
        aa.record_installation(
            actor=owner, organisation=organisation, allocation=allocation,
            installed_on=timezone.localdate(), checklist=ef.ALL_TICKED | {missing: False},
        )  # fmt: skip
    allocation.refresh_from_db()
    ready.refresh_from_db()
    assert (allocation.status, ready.state) == ("remis", "remis")


def test_the_installation_date_is_between_the_hand_over_and_today(
    owner, organisation, programme, fatima, ready, colleague_read_only
):
    allocation = ef.advanced(owner, organisation, _request(owner, organisation, programme, fatima),
                             ready, to="remis")  # fmt: skip
    today = timezone.localdate()
    for day, message in ((today + dt.timedelta(days=1), "futur"),
                         (today - dt.timedelta(days=1), "avant la remise")):  # fmt: skip
        with pytest.raises(EquipmentError, match=message):
            aa.record_installation(
                actor=owner, organisation=organisation, allocation=allocation,
                installed_on=day, checklist=ef.ALL_TICKED,
            )  # fmt: skip
    installed = aa.record_installation(
        actor=owner, organisation=organisation, allocation=allocation, installed_on=today,
        checklist=ef.ALL_TICKED, installer=colleague_read_only,
    )  # fmt: skip
    ready.refresh_from_db()
    assert (installed.status, installed.installed_on, ready.state) == (
        "installe",
        today,
        "installe",
    )
    assert installed.installed_by == colleague_read_only
    assert installed.checklist == ef.ALL_TICKED
    assert Device.objects.get(pk=ready.pk).moves.last().to_state == "installe"
