"""PostgreSQL's exclusion constraint is the backstop of the action's overlap check: even a
booking written without the check cannot overlap an active one, and the action turns the
database's refusal into the same French message."""

from __future__ import annotations

import importlib

import pytest
from django.db import IntegrityError, connection, transaction

from aiguillage.pool import booking_actions
from aiguillage.pool.errors import PoolError
from aiguillage.pool.models import ACTIVE_STATUSES, Booking, BookingStatus
from tests.pool import factories as pf

S = BookingStatus
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no exclusion constraints"
)


def test_the_migration_lists_the_active_statuses_of_the_model():
    migration = importlib.import_module("aiguillage.pool.migrations.0002_booking_no_overlap")
    assert set(migration.ACTIVE) == set(ACTIVE_STATUSES)


def _copy(booking: Booking, **changes) -> Booking:
    values = {
        field.attname: getattr(booking, field.attname)
        for field in Booking._meta.concrete_fields
        if field.attname not in {"id", "public_id", "created_at", "updated_at"}
    }
    return Booking(**(values | changes))


@postgresql_only
def test_the_database_refuses_two_active_overlapping_bookings(booking):
    with pytest.raises(IntegrityError, match="pool_booking_no_overlap"), transaction.atomic():
        _copy(
            booking, starts_at=booking.starts_at + (booking.ends_at - booking.starts_at) / 2
        ).save()
    assert Booking.objects.count() == 1


@postgresql_only
def test_the_database_lets_a_closed_booking_overlap(booking):
    _copy(booking, status=S.CANCELLED).save()
    _copy(booking, status=S.RETURNED).save()
    assert Booking.objects.count() == 3


@postgresql_only
def test_an_overlap_the_check_missed_gets_the_french_message(
    monkeypatch, borrower, item, other_organisation, booking
):
    monkeypatch.setattr(booking_actions, "overlap_problem", lambda *args: None)
    with pytest.raises(PoolError) as refused:
        booking_actions.request_booking(
            actor=borrower, item=item, organisation=other_organisation,
            starts_at=booking.starts_at, ends_at=booking.ends_at,
        )  # fmt: skip
    assert str(refused.value).startswith("Cet objet est déjà réservé du ")
    assert Booking.objects.count() == 1


def test_without_the_check_sqlite_relies_on_the_lock_only(
    monkeypatch, borrower, item, other_organisation, booking
):
    """What the check protects on SQLite: without it (and without PostgreSQL's constraint)
    an overlapping booking would be written."""
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL's constraint refuses it: see the test above")
    monkeypatch.setattr(booking_actions, "overlap_problem", lambda *args: None)
    pf.booking(borrower, item, other_organisation)
    assert Booking.objects.count() == 2
