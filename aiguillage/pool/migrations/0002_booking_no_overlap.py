"""No two active bookings of one item overlap, enforced by PostgreSQL itself.

An exclusion constraint on (item =, tstzrange(starts_at, ends_at) &&) for the active
statuses; it needs the btree_gist extension (equality on a bigint inside a GiST index).
SQLite has neither range types nor exclusion constraints: there this migration does
nothing, and ``booking_actions.request_booking`` checks overlaps under the database's write
lock (IMMEDIATE transactions). On both, the action's check gives the French message; on
PostgreSQL the constraint is the backstop and its refusal gets the same message.
"""

from django.db import migrations

CONSTRAINT = "pool_booking_no_overlap"
# Keep in step with models.ACTIVE_STATUSES (tests/pool/test_overlap_constraint.py checks).
ACTIVE = ("requested", "approved", "checked_out")


def add_constraint(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    statuses = ", ".join(f"'{status}'" for status in ACTIVE)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE pool_booking ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(item_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        f"WHERE (status IN ({statuses}))"
    )


def drop_constraint(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other tables may use it, and it holds no data.
    schema_editor.execute(f"ALTER TABLE pool_booking DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("pool", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint, elidable=False)]
