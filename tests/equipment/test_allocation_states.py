"""The allocation state machine over every pair of statuses, through the actions that make
each move; the device follows in the same transaction."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from aiguillage.equipment import allocation_actions as aa
from aiguillage.equipment.errors import EquipmentError
from aiguillage.equipment.models import (
    AFTER_ERASURE,
    ALLOCATION_TRANSITIONS,
    HOLDS_DEVICE,
    Allocation,
    AllocationStatus,
    AllocationStatusChange,
    Device,
)
from aiguillage.journal.models import JournalEntry
from tests.equipment import factories as ef

pytestmark = pytest.mark.django_db
S = AllocationStatus
# The device's state that goes with each allocation status holding one.
DEVICE_FOR = {S.RESERVED: "reserve", S.HANDED_OVER: "remis", S.INSTALLED: "installe"}
DEVICE_AFTER = {S.RESERVED: "reserve", S.HANDED_OVER: "remis", S.INSTALLED: "installe"}


def allocation_in(status, allocation, device) -> Allocation:
    """``allocation`` put in ``status`` directly, with what the status requires recorded."""
    fields = {"status": status}
    if status in HOLDS_DEVICE:
        fields |= {"device": device, "reserved_at": timezone.now()}
        Device.objects.filter(pk=device.pk).update(state=DEVICE_FOR[status])
    if status in (S.HANDED_OVER, S.INSTALLED):
        fields |= {"handed_over_at": timezone.now(), "contract_signature": "papier"}
    Allocation.objects.filter(pk=allocation.pk).update(**fields)
    allocation.refresh_from_db()
    return allocation


def make_move(to, allocation, device, owner, organisation):
    who = {"actor": owner, "organisation": organisation, "allocation": allocation}
    if to == S.RESERVED:
        return aa.reserve_device(**who, device=device)
    if to == S.WAITING:
        return aa.cancel_reservation(**who, reason="Ordinateur en panne", back_to_list=True)
    if to == S.CANCELLED:
        return aa.cancel_request(**who, reason="A déménagé")
    if to == S.HANDED_OVER:
        return aa.hand_over(**who, signature="tablette")
    if to == S.INSTALLED:
        return aa.record_installation(
            **who, installed_on=timezone.localdate(), checklist=ef.ALL_TICKED
        )
    raise AssertionError(to)


@pytest.mark.parametrize("from_status,to_status", list(itertools.product(S, S)))
def test_every_pair_of_statuses(
    from_status, to_status, owner, organisation, programme, fatima, ready
):
    allocation = allocation_in(
        from_status, ef.allocation(owner, organisation, programme, fatima), ready
    )
    ready.refresh_from_db()
    device_before = ready.state
    changes_before = AllocationStatusChange.objects.filter(allocation=allocation).count()
    allowed = to_status in ALLOCATION_TRANSITIONS[from_status]
    try:
        moved = make_move(to_status, allocation, ready, owner, organisation)
    except EquipmentError:
        assert not allowed
        allocation.refresh_from_db()
        ready.refresh_from_db()
        assert allocation.status == from_status
        assert ready.state == device_before
        assert (
            AllocationStatusChange.objects.filter(allocation=allocation).count() == changes_before
        )
        return
    assert allowed
    assert moved.status == to_status
    last = AllocationStatusChange.objects.filter(allocation=allocation).last()
    assert (last.from_status, last.to_status, last.actor) == (from_status, to_status, owner)
    assert JournalEntry.objects.filter(
        event="allocation_moved", object_id=str(allocation.public_id)
    )
    ready.refresh_from_db()
    assert ready.state == DEVICE_AFTER.get(to_status, "pret")


def test_the_database_keeps_one_holder_per_device(owner, organisation, programme, fatima, ready):
    from django.db import IntegrityError, transaction

    first = ef.advanced(owner, organisation, ef.allocation(owner, organisation, programme, fatima),
                        ready, to="remis")  # fmt: skip
    other = ef.eligible_person(owner, organisation, "Binta")
    second = ef.allocation(owner, organisation, programme, other)
    assert first.status == "remis"
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.filter(pk=second.pk).update(status="remis", device=ready)


def test_the_erasure_gate_states_cover_every_device_an_allocation_holds():
    assert set(DEVICE_FOR.values()) <= set(AFTER_ERASURE)
