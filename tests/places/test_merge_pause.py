"""Duplicate merging leaves SQLite's write lock free now and then (docs/benchmarks-load.md)."""

from __future__ import annotations

import pytest
from django.db import connection

from aiguillage.places import dedup_actions


def test_the_merge_pauses_after_a_quarter_second_of_work_on_sqlite(monkeypatch):
    clock = iter([0.0, 0.1, 0.3, 0.31, 0.5, 0.6])
    slept = []
    monkeypatch.setattr(dedup_actions.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(dedup_actions.time, "sleep", slept.append)

    pause = dedup_actions._WriterPause()
    pause.enabled = True
    for _ in range(3):
        pause.maybe()

    # 0.1 s: go on; 0.3 s: pause (clock restarts at 0.31); 0.5 s: only 0.19 s of work.
    assert slept == [dedup_actions._WriterPause.PAUSE_SECONDS]


@pytest.mark.django_db
def test_postgresql_never_pauses():
    assert dedup_actions._WriterPause().enabled is (connection.vendor == "sqlite")
