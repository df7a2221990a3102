"""The journal refuses updates and deletes in the database itself (issue 11)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from aiguillage.journal.actions import log_event
from aiguillage.journal.models import JournalEntry


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE journal_journalentry SET event = 'effacé' WHERE id = %s",
        "DELETE FROM journal_journalentry WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_raw_sql_cannot_change_the_journal(db, owner, statement):
    entry = log_event("person_viewed", actor=owner)
    with pytest.raises(DatabaseError, match="ajout seul"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    entry.refresh_from_db()
    assert entry.event == "person_viewed"
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_new_entries_are_still_written(db, owner):
    log_event("person_viewed", actor=owner)
    log_event("person_viewed", actor=owner)
    assert JournalEntry.objects.filter(event="person_viewed").count() == 2
