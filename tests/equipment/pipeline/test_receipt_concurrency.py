"""Collections recorded at the same instant never share a receipt number: real threads with
their own database connections (SQLite serialises writers with IMMEDIATE transactions;
PostgreSQL waits on the programme's row lock)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction

from aiguillage.equipment import collection_actions
from aiguillage.equipment.collection_actions import ItemLine
from aiguillage.equipment.models import Collection, Programme

pytestmark = pytest.mark.django_db(transaction=True)
DAY = dt.date(2026, 6, 1)


def _in_thread(target: Callable[[], None]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _record(programme, donor, by, user):
    return collection_actions.record_collection(
        actor=user,
        programme=programme,
        donor=donor,
        collected_on=DAY,
        collected_by=by,
        items=[ItemLine("portable", 1)],
    )


def test_many_collections_at_once_get_distinct_numbers_in_order(
    programme, donor, collector_org, collector
):
    count = 6
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def job() -> None:
        barrier.wait()
        try:
            _record(programme, donor, collector_org, collector)
        except BaseException as error:  # reported in the test's thread
            errors.append(error)

    threads = [_in_thread(job) for _ in range(count)]
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    numbers = sorted(Collection.objects.values_list("receipt_number", flat=True))
    assert numbers == [f"DON-2026-{n:04d}" for n in range(1, count + 1)]


def test_a_collection_waits_for_a_colleague_holding_the_programme(
    programme, donor, collector_org, collector
):
    result: dict = {}
    started = threading.Event()
    with transaction.atomic():
        Programme.objects.select_for_update().get(pk=programme.pk)
        first = _record(programme, donor, collector_org, collector)

        def late() -> None:
            started.set()
            result["collection"] = _record(programme, donor, collector_org, collector)

        thread = _in_thread(late)
        started.wait(timeout=10)
        thread.join(timeout=0.5)
        if connection.vendor == "postgresql":
            assert thread.is_alive(), "the second recording must wait for the programme's lock"
    thread.join(timeout=60)
    assert first.receipt_number == "DON-2026-0001"
    assert result["collection"].receipt_number == "DON-2026-0002"
