"""The journal refuses changes in the database itself (issue 11)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from aiguillage.journal.actions import log_event
from aiguillage.journal.models import JournalEntry


def _run(statement: str, entry_id: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [entry_id])


def test_raw_sql_cannot_rewrite_the_journal(db, owner):
    entry = log_event("person_viewed", actor=owner)
    with pytest.raises(DatabaseError, match="ajout seul"):
        _run("UPDATE journal_journalentry SET event = 'effacé' WHERE id = %s", entry.pk)
    entry.refresh_from_db()
    assert entry.event == "person_viewed"


def test_raw_sql_cannot_delete_from_the_journal_on_postgresql(db, owner):
    entry = log_event("person_viewed", actor=owner)
    statement = "DELETE FROM journal_journalentry WHERE id = %s"
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="ajout seul"):
            _run(statement, entry.pk)
        assert JournalEntry.objects.filter(pk=entry.pk).exists()
    else:
        # SQLite test databases are emptied with DELETE: there, only updates are refused.
        _run(statement, entry.pk)
        assert not JournalEntry.objects.filter(pk=entry.pk).exists()


def test_new_entries_are_still_written(db, owner):
    log_event("person_viewed", actor=owner)
    log_event("person_viewed", actor=owner)
    assert JournalEntry.objects.filter(event="person_viewed").count() == 2
