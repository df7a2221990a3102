"""The device state machine over every pair of states, and the erasure gate."""

from __future__ import annotations

import itertools

import pytest
from django.db import IntegrityError, transaction

from aiguillage.equipment import device_actions
from aiguillage.equipment.device_actions import DeviceFacts, MoveDetails
from aiguillage.equipment.errors import EquipmentError
from aiguillage.equipment.models import (
    AFTER_ERASURE,
    DEVICE_TRANSITIONS,
    Device,
    DeviceMove,
    DeviceState,
)
from aiguillage.journal.models import JournalEntry
from tests import factories
from tests.equipment import factories as ef

pytestmark = pytest.mark.django_db

DETAILS = {
    DeviceState.DIAGNOSED: MoveDetails(grade="A"),
    DeviceState.ERASED: ef.ERASED,
    DeviceState.REFURBISHED: ef.REFURBISHED,
    DeviceState.RECYCLED: MoveDetails(recycled_reason="Carte mère morte", recycler="Envie"),
}


@pytest.fixture
def setting(territory):
    lead = factories.OrganisationFactory(territory=territory)
    user = factories.MembershipFactory(organisation=lead).user
    programme = ef.programme(lead)
    return user, ef.collection(programme, by=lead, user=user)


def device_in(state: str, collection, user) -> Device:
    """A device put in ``state`` directly, with what the state requires already recorded."""
    device = ef.device(collection, user=user)
    fields = {"state": state}
    if state in AFTER_ERASURE:
        fields.update(
            erasure_method="nist_clear", erasure_certificate="C-1", erased_at=device.created_at
        )
    Device.objects.filter(pk=device.pk).update(**fields)
    device.refresh_from_db()
    return device


@pytest.mark.parametrize("from_state,to_state", list(itertools.product(DeviceState, DeviceState)))
def test_every_pair_of_states(setting, from_state, to_state):
    user, collection = setting
    device = device_in(from_state, collection, user)
    moves_before = DeviceMove.objects.filter(device=device).count()
    allowed = to_state in DEVICE_TRANSITIONS[from_state]
    try:
        moved = device_actions.move(
            actor=user, organisation=None, device=device, to=to_state,
            details=DETAILS.get(to_state), for_allocation=True,
        )  # fmt: skip
    except EquipmentError:
        assert not allowed
        device.refresh_from_db()
        assert device.state == from_state
        assert DeviceMove.objects.filter(device=device).count() == moves_before
        return
    assert allowed
    assert moved.state == to_state
    last = DeviceMove.objects.filter(device=device).last()
    assert (last.from_state, last.to_state, last.actor) == (from_state, to_state, user)
    assert JournalEntry.objects.filter(event="device_moved", object_id=str(device.public_id))


def test_erasure_needs_method_and_certificate(setting):
    user, collection = setting
    device = device_in(DeviceState.DIAGNOSED, collection, user)
    for details in (MoveDetails(), MoveDetails(erasure_method="nist_purge"),
                    MoveDetails(erasure_method="?", erasure_certificate="C")):  # fmt: skip
        with pytest.raises(EquipmentError):
            device_actions.move(
                actor=user, organisation=None, device=device, to="efface", details=details
            )
    device.refresh_from_db()
    assert device.state == DeviceState.DIAGNOSED and device.erasure_method == ""
    moved = device_actions.move(
        actor=user, organisation=None, device=device, to="efface", details=ef.ERASED
    )
    assert moved.erased_by == user and moved.erasure_certificate == "Rapport ShredOS 0001"


@pytest.mark.parametrize("state", AFTER_ERASURE)
def test_the_database_refuses_a_device_past_the_gate_without_erasure(setting, state):
    user, collection = setting
    device = ef.device(collection, user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Device.objects.filter(pk=device.pk).update(state=state)


def test_person_moves_are_refused_from_a_device_page(setting):
    user, collection = setting
    device = ef.ready_device(collection, user=user)
    for to in ("reserve", "remis", "installe"):
        with pytest.raises(EquipmentError):
            device_actions.move(actor=user, organisation=None, device=device, to=to)
    device.refresh_from_db()
    assert device.state == DeviceState.READY


def test_duplicate_serial_numbers_are_refused(setting):
    user, collection = setting
    ef.device(collection, user=user, serial="5CG1234XYZ")
    with pytest.raises(EquipmentError, match="déjà enregistré"):
        ef.device(collection, user=user, serial=" 5cg1234 xyz ")
    assert Device.objects.count() == 1
    other = ef.device(collection, user=user, serial="ABC")
    with pytest.raises(EquipmentError, match="déjà enregistré"):
        device_actions.correct_device(
            actor=user, organisation=None, device=other,
            facts=DeviceFacts(device_type="portable", serial_number="5CG1234XYZ"),
        )  # fmt: skip
    other.refresh_from_db()
    assert other.serial_number == "ABC"


def test_a_move_made_earlier_is_dated_but_never_in_the_future_nor_before_the_last(setting):
    import datetime as dt

    from django.utils import timezone

    user, collection = setting
    earlier = timezone.now() - dt.timedelta(days=30)
    device = device_actions.register_device(
        actor=user, organisation=None, programme=collection.programme,
        facts=DeviceFacts(device_type="fixe"), collection=collection, at=earlier,
    )  # fmt: skip
    with pytest.raises(EquipmentError, match="futur"):
        device_actions.move(
            actor=user, organisation=None, device=device, to="diagnostique",
            at=timezone.now() + dt.timedelta(hours=1),
        )  # fmt: skip
    with pytest.raises(EquipmentError, match="avant l'étape précédente"):
        device_actions.move(
            actor=user, organisation=None, device=device, to="diagnostique",
            at=earlier - dt.timedelta(days=1),
        )  # fmt: skip
    moved = device_actions.move(
        actor=user, organisation=None, device=device, to="diagnostique",
        at=earlier + dt.timedelta(days=2),
    )  # fmt: skip
    assert moved.state_changed_at == earlier + dt.timedelta(days=2)
    assert moved.moves.last().at == earlier + dt.timedelta(days=2)
