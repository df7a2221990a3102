"""Structures booking the same item at the same instant: real concurrent requests from
threads with their own database connections, on whichever database the suite runs
(SQLite, where IMMEDIATE transactions serialise writers, and PostgreSQL, where the item's
row lock does, with the exclusion constraint behind it).

The invariant, whatever the interleaving: never two active overlapping bookings of an item;
the others get the French message, and every request answers normally (no 500).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from aiguillage.pool import booking_actions
from aiguillage.pool.errors import PoolError
from aiguillage.pool.models import Booking, Item
from tests import factories
from tests.pool import factories as pf

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 4
FORMAT = "%Y-%m-%dT%H:%M"


def _in_thread(target: Callable[[], None]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        finally:
            connections.close_all()  # each thread has its own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _all_at_once(jobs: list[Callable[[], object]]) -> list:
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list[BaseException] = []

    def worker(index: int, job: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            barrier.wait()
            try:
                results[index] = job()
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)

        return run

    threads = [_in_thread(worker(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.fixture
def borrowers(territory):
    """Three structures of the territory, one professional each."""
    pairs = []
    for name in ("CCAS", "Centre social", "Maison des habitants"):
        organisation = factories.OrganisationFactory(name=name, territory=territory)
        pairs.append((factories.MembershipFactory(organisation=organisation).user, organisation))
    return pairs


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_three_requests_for_the_same_days_one_gets_them(owner, organisation, borrowers, territory):
    clients = [_client(user) for user, _ in borrowers]
    for round_ in range(ROUNDS):
        item = pf.item(owner, organisation, name=f"Vidéoprojecteur {round_}")
        url = reverse("pool:booking_request", args=[item.public_id])
        # Overlapping periods, none identical.
        periods = [(3 + i, 5 + i) for i in range(len(clients))]
        data = [
            {"starts_at": pf.local(territory, a, 9).strftime(FORMAT),
             "ends_at": pf.local(territory, b, 18).strftime(FORMAT)}
            for a, b in periods
        ]  # fmt: skip
        responses = _all_at_once(
            [
                lambda c=client, d=d, u=url: c.post(u, d)
                for client, d in zip(clients, data, strict=True)
            ]
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [302, 400, 400], codes
        assert Booking.objects.filter(item=item).count() == 1
        refused = [r.content.decode() for r in responses if r.status_code == 400]
        assert all("Cet objet est déjà réservé du " in text for text in refused)


def test_many_action_calls_at_once_never_double_book(owner, organisation, borrowers, territory):
    item = pf.item(owner, organisation)
    jobs = []
    for user, borrower in borrowers * 2:

        def job(user=user, borrower=borrower):
            try:
                return pf.booking(user, item, borrower, days=3, length_days=2)
            except PoolError as error:
                return str(error)

        jobs.append(job)
    results = _all_at_once(jobs)
    assert sum(isinstance(r, Booking) for r in results) == 1
    assert Booking.objects.filter(item=item).count() == 1


def test_a_request_waits_for_a_colleague_holding_the_item(
    owner, organisation, borrowers, territory
):
    """A transaction holding the item's row makes the request wait for the lock, then see the
    booking the colleague made: the request is refused with the dates."""
    item = pf.item(owner, organisation)
    user, _ = borrowers[0]
    colleague, colleague_organisation = borrowers[1]
    client = _client(user)
    url = reverse("pool:booking_request", args=[item.public_id])
    data = {"starts_at": pf.local(territory, 3, 9).strftime(FORMAT),
            "ends_at": pf.local(territory, 4, 9).strftime(FORMAT)}  # fmt: skip
    result: dict = {}
    started = threading.Event()

    with transaction.atomic():
        Item.objects.select_for_update().get(pk=item.pk)
        booking_actions.request_booking(
            actor=colleague, item=item, organisation=colleague_organisation,
            starts_at=pf.local(territory, 3, 14), ends_at=pf.local(territory, 5, 9),
        )  # fmt: skip

        def late() -> None:
            started.set()
            result["response"] = client.post(url, data)

        thread = _in_thread(late)
        started.wait(timeout=10)
        thread.join(timeout=0.5)
        if connection.vendor == "postgresql":
            assert thread.is_alive(), "the second request must wait for the row lock"
    thread.join(timeout=60)

    assert result["response"].status_code == 400
    assert "Cet objet est déjà réservé du " in result["response"].content.decode()
    assert Booking.objects.filter(item=item).count() == 1
