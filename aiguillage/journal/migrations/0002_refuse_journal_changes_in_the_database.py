"""The journal is append-only in the database itself, not only in the model's save/delete:
a raw UPDATE or DELETE (a script, a console, a bug) is refused by a trigger on PostgreSQL,
the production database. SQLite (development, tests) refuses UPDATE only: Django empties
SQLite test databases with DELETE, where PostgreSQL uses TRUNCATE."""

from django.db import migrations

POSTGRESQL_UP = """
CREATE OR REPLACE FUNCTION journal_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Le journal est en ajout seul : % refusé', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON journal_journalentry
    FOR EACH ROW EXECUTE FUNCTION journal_refuse_change();
"""
POSTGRESQL_DOWN = """
DROP TRIGGER IF EXISTS journal_append_only ON journal_journalentry;
DROP FUNCTION IF EXISTS journal_refuse_change();
"""
SQLITE_UP = [
    """CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal_journalentry
    BEGIN SELECT RAISE(ABORT, 'Le journal est en ajout seul : UPDATE refusé'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS journal_no_update"]


def install(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_UP, params=None)  # the % of RAISE is no placeholder
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def remove(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DOWN)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
