"""Two people acting on the same referral at once: real concurrent requests, separate
database connections, on whichever database the suite runs (SQLite or PostgreSQL).

The invariant, whatever the interleaving: exactly one answer wins, the referral ends in
a state the table allows, one status change is recorded, and the other person is told
that someone acted first (no lost update, no 500).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from aiguillage.referrals import actions
from aiguillage.referrals.models import Referral, ReferralStatus, ReferralStatusChange

pytestmark = pytest.mark.django_db(transaction=True)
S = ReferralStatus
ROUNDS = 5


def _in_thread(target: Callable[[], None]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        finally:
            # Each thread has its own connection: close it, or the test database
            # cannot be flushed at the end.
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post_at_once(posts: list[tuple[Client, str, dict]]) -> list:
    """Send every POST from its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(posts))
    responses: list = [None] * len(posts)
    errors: list[BaseException] = []

    def worker(index: int, client: Client, url: str, data: dict) -> Callable[[], None]:
        def run() -> None:
            barrier.wait()
            try:
                responses[index] = client.post(url, data, follow=True)
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)

        return run

    threads = [_in_thread(worker(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return responses


def _accept(referral: Referral) -> tuple[str, dict]:
    url = reverse("referrals:referral_accept", args=[referral.public_id])
    return url, {
        "accept-version": referral.version,
        "accept-mode": "horaires",
        "accept-come_hours": "mardi 14 h",
    }


def _decline(referral: Referral) -> tuple[str, dict]:
    url = reverse("referrals:referral_decline", args=[referral.public_id])
    return url, {"decline-version": referral.version, "decline-reason": "complet"}


def _text(response) -> str:
    return response.content.decode()


def test_accept_and_decline_at_the_same_moment_one_wins_the_other_is_told(
    owner, colleague_read_only, social_worker, sender_organisation, person, place
):
    owner_client, colleague_client = _client(owner), _client(colleague_read_only)
    for _ in range(ROUNDS):
        referral = actions.send_referral(
            actor=social_worker,
            organisation=sender_organisation,
            person=person,
            place=place,
            values={"needs": ["demarche"]},
        )
        responses = _post_at_once(
            [(owner_client, *_accept(referral)), (colleague_client, *_decline(referral))]
        )

        assert [r.status_code for r in responses] == [200, 200]
        referral.refresh_from_db()
        assert referral.status in (S.ACCEPTED, S.DECLINED)
        assert referral.version == 1
        changes = ReferralStatusChange.objects.filter(referral=referral).exclude(to_status=S.SENT)
        assert [c.to_status for c in changes] == [referral.status]
        told = ["Quelqu&#x27;un a modifié cette orientation" in _text(r) for r in responses]
        assert sorted(told) == [False, True]


def test_two_acceptances_at_once_keep_exactly_one_answer(owner, colleague_read_only, referral):
    url, data = _accept(referral)
    responses = _post_at_once(
        [
            (_client(owner), url, data | {"accept-come_hours": "mardi"}),
            (_client(colleague_read_only), url, data | {"accept-come_hours": "jeudi"}),
        ]
    )
    referral.refresh_from_db()
    winner = ReferralStatusChange.objects.get(referral=referral, to_status=S.ACCEPTED)
    # The answer kept is the winner's, whole: no mix of the two forms.
    assert referral.come_hours == ("mardi" if winner.actor == owner else "jeudi")
    assert referral.version == 1
    assert sum("Orientation acceptée" in _text(r) for r in responses) == 1


def test_a_request_waits_for_a_colleague_s_transaction_then_sees_the_new_state(
    owner, colleague_read_only, referral
):
    """The colleague's change holds the row; the second request waits for the lock, then
    finds a newer version and refuses, instead of overwriting it."""
    colleague_client = _client(colleague_read_only)
    url, data = _accept(referral)
    result: dict = {}
    started = threading.Event()

    with transaction.atomic():
        # Lock the row as transition() does, and change it, without committing yet.
        Referral.objects.select_for_update().get(pk=referral.pk)
        actions.decline_referral(
            referral=referral,
            actor=owner,
            organisation=referral.receiver_organisation,
            version=0,
            reason="complet",
        )

        def late_colleague() -> None:
            started.set()
            result["response"] = colleague_client.post(url, data, follow=True)

        thread = _in_thread(late_colleague)
        started.wait(timeout=10)
        # Let the colleague's request reach the lock (its outcome does not depend on it).
        thread.join(timeout=0.5)
        if connection.vendor == "postgresql":
            assert thread.is_alive(), "the second request must wait for the row lock"
    thread.join(timeout=60)

    assert "Quelqu&#x27;un a modifié cette orientation" in _text(result["response"])
    referral.refresh_from_db()
    assert referral.status == S.DECLINED
    assert referral.version == 1
    assert list(referral.changes.values_list("to_status", flat=True)) == [S.SENT, S.DECLINED]
