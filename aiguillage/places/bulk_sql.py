"""Multi-row INSERTs from plain tuples, for imports.

Django's ``bulk_create`` prepares every field of every row through the model
layer; for tens of thousands of places that preparation costs more than the
database itself (see docs/benchmarks.md). Here each column gets one converter,
chosen once per model from its field type, and rows go out as one
``INSERT … VALUES (…), (…) … RETURNING id`` per chunk on SQLite (3.35+), and as one
``COPY … FROM STDIN`` on PostgreSQL (ids taken from the sequence beforehand), where
psycopg would otherwise spend longer splitting a huge statement than the server
spends running it.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring_ascii
from typing import Any

from django.db import connection, models

# SQLite accepts 32,766 parameters per statement since 3.32; stay well below.
MAX_PARAMETERS = 30_000


def _identity(value: Any) -> Any:
    return value


def _json(value: Any) -> str | None:
    # Same text as Django's JSONField, which calls json.dumps with its defaults (ASCII
    # escapes, ", " between items). Most values are lists of strings (vocabulary values,
    # e-mails, web sites): joining the C escaper's output skips the encoder machinery.
    if value is None:
        return None
    if type(value) is list:
        if not value:  # most optional list fields of a place
            return "[]"
        try:
            return "[" + ", ".join(map(encode_basestring_ascii, value)) + "]"
        except TypeError:  # an item that is not a string
            return json.dumps(value)
    if type(value) is dict and not value:
        return "{}"
    return json.dumps(value)


def _memo_last(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Reuse the previous result when the same object comes again (one timestamp per batch)."""
    last: list[Any] = [object(), None]

    def converted(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, convert(value)
        return last[1]

    return converted


def _converter(field: models.Field) -> Callable[[Any], Any]:
    if isinstance(field, models.JSONField):
        return _json
    if isinstance(field, models.UUIDField):
        if not connection.features.has_native_uuid_field:
            # What UUIDField stores without a native type: 32 hex digits.
            return lambda value: None if value is None else value.hex
        return lambda value: field.get_db_prep_value(value, connection, prepared=False)
    if isinstance(field, models.DateTimeField):
        return _memo_last(connection.ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return _identity


class TupleInserter:
    """Inserts rows given as dicts keyed by column attname (``territory_id``, not
    ``territory``), or as value lists made by ``row_maker``."""

    def __init__(self, model: type[models.Model], *, returning_id: bool) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.columns = [f.attname for f in self.fields]
        self.converters = [_converter(f) for f in self.fields]
        self.returning_id = returning_id
        quote = connection.ops.quote_name
        self.prefix = (
            f"INSERT INTO {quote(model._meta.db_table)} "
            f"({', '.join(quote(f.column) for f in self.fields)}) VALUES "
        )
        self.row_sql = "(" + ", ".join(["?"] * len(self.fields)) + ")"
        self.chunk = max(1, MAX_PARAMETERS // len(self.fields))
        # Most columns go out as they are: take them all at once, convert only the others.
        self.getter = operator.itemgetter(*self.columns)
        self.special = [
            (position, convert)
            for position, convert in enumerate(self.converters)
            if convert is not _identity
        ]

    def _values(self, row: dict[str, Any]) -> list[Any]:
        values = list(self.getter(row))
        for position, convert in self.special:
            values[position] = convert(values[position])
        return values

    def row_maker(self, names: Sequence[str]) -> Callable[[Sequence[Any]], list[Any]]:
        """A function turning a tuple of values named ``names`` (every column, in any order)
        into a row for ``insert_rows``: for importers that build rows straight from records,
        without a dict per row."""
        missing = set(self.columns) - set(names)
        if missing:
            raise ValueError(f"columns without a value: {', '.join(sorted(missing))}")
        reorder = operator.itemgetter(*[names.index(column) for column in self.columns])
        special = self.special

        def make(values: Sequence[Any]) -> list[Any]:
            row = list(reorder(values))
            for position, convert in special:
                row[position] = convert(row[position])
            return row

        return make

    def insert(self, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Insert ``rows`` in order; return their new ids when ``returning_id``."""
        return self.insert_rows([self._values(row) for row in rows])

    def insert_rows(self, rows: Sequence[list[Any]]) -> list[int]:
        """Insert rows already in column order and converted (``row_maker``)."""
        if not rows:
            return []
        if connection.vendor == "postgresql":
            return self._copy(rows)
        ids: list[int] = []
        with connection.cursor() as wrapper:
            # The driver's own cursor with "?" placeholders: Django's wrapper would rewrite
            # every "%s" of a statement holding thousands of them.
            cursor = wrapper.cursor
            for start in range(0, len(rows), self.chunk):
                part = rows[start : start + self.chunk]
                params = [value for row in part for value in row]
                sql = self.prefix + ", ".join([self.row_sql] * len(part))
                if self.returning_id:
                    ids.extend(
                        row_id for (row_id,) in cursor.execute(sql + " RETURNING id", params)
                    )
                else:
                    cursor.execute(sql, params)
        return ids

    def _copy(self, rows: Sequence[list[Any]]) -> list[int]:
        """PostgreSQL: ids taken from the sequence first, then one COPY (no SQL to parse)."""
        quote = connection.ops.quote_name
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            ids: list[int] = []
            if self.returning_id:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, len(rows)],
                )
                ids = [row_id for (row_id,) in cursor.fetchall()]
            columns = ", ".join(quote(f.column) for f in self.fields)
            if self.returning_id:
                columns = f"{quote('id')}, {columns}"
            statement = f"COPY {quote(table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(statement) as copy:
                for position, values in enumerate(rows):
                    copy.write_row([ids[position], *values] if self.returning_id else values)
        return ids
