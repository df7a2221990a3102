"""Import open-data files of places into the database.

Readers (``places.formats``) turn each row into a normalised record or a rejection.
This module writes the good records in batches, one transaction per batch, with
the import's counters updated in the same transaction: a process killed mid-import
loses no committed batch, and a rerun converges to the same result because the
natural key (source, source id) makes every write an upsert and an unchanged row
(same content hash) is not written at all.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import operator
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aiguillage.journal.actions import log_event
from aiguillage.places import formats
from aiguillage.places.bulk_sql import TupleInserter
from aiguillage.places.models import (
    ImportRun,
    ImportStatus,
    Place,
    PlaceChange,
    PlaceChangeKind,
    PlaceSource,
)
from aiguillage.places.rules import derive_search_fields
from aiguillage.territories.models import Commune, Postcode, Territory

# Place columns computed from the record and its commune (_computed_values), in this order.
_SEARCH_FIELDS: tuple[str, ...] = (
    "service_mask",
    "support_mask",
    "language_mask",
    "is_free",
    "has_online_booking",
)
_COMPUTED_FIELDS: tuple[str, ...] = (
    "date_maj",
    "territory_id",
    "commune_ref_id",
    "code_insee",
    "latitude",
    "longitude",
    "location_is_approximate",
    "presentation_resume",
    *_SEARCH_FIELDS,
)
# Record fields copied onto Place as they are.
_COPIED_FIELDS: tuple[str, ...] = tuple(
    name
    for name in (f.name for f in dataclasses.fields(formats.PlaceRecord))
    if name not in {"source_id", "warnings", *_COMPUTED_FIELDS}
)
_copied_values = operator.attrgetter(*_COPIED_FIELDS)
# What a changed place gets in bulk_update (field names: "territory", not "territory_id").
_UPDATED_FIELDS: tuple[str, ...] = (
    *_COPIED_FIELDS,
    *(Place._meta.get_field(name).name for name in _COMPUTED_FIELDS),
    "updated_at",
)
# Columns of a new place with one value per batch (``batch_values`` in _write_batch).
_BATCH_FIELDS: tuple[str, ...] = ("is_published", "created_at", "updated_at")
_HASHED_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(formats.PlaceRecord) if f.name != "warnings"
)
MAX_REPORTED_REJECTIONS = 20_000
# Town halls and employers of Conseillers numériques are candidate sites and contacts,
# not verified places of help: formats.HIDDEN_FORMATS are imported unpublished until a
# coordinator publishes them.
HIDDEN_FORMATS = formats.HIDDEN_FORMATS

ProgressCallback = Callable[[ImportRun], None]
_COUNTER_FIELDS = [
    "total",
    "processed",
    "created",
    "updated",
    "unchanged",
    "rejected",
    "updated_at",
]


_hashed_values = operator.attrgetter(*_HASHED_FIELDS)


def record_fingerprint(record: formats.PlaceRecord) -> str:
    # The field values in a fixed order: str, float, date, None and lists of str, whose
    # repr is stable from run to run (dataclasses.asdict would deep-copy every list).
    return hashlib.sha256(repr(_hashed_values(record)).encode()).hexdigest()


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while rows are read and written.

    An import allocates about fifty short-lived containers (cells, records, rows) per
    row, all freed by reference counting. Each automatic cycle collection walks them,
    and every object the process holds, for nothing: about 15 % of an import
    (docs/benchmarks.md). Only an import that found the collector on turns it back on,
    so overlapping imports in background threads leave it on once the first one ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _batches(rows: Iterable[formats.ParsedRow], size: int) -> Iterator[list[formats.ParsedRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class _Geography:
    """Which territory and commune a record belongs to, from INSEE code or postcode."""

    def __init__(self, only: Territory | None) -> None:
        communes = Commune.objects.filter(territory__isnull=False)
        self.by_insee = {c.insee_code: c for c in communes}
        self.by_postcode: dict[str, list[Commune]] = {}
        for postcode in Postcode.objects.filter(commune__territory__isnull=False).select_related(
            "commune"
        ):
            self.by_postcode.setdefault(postcode.code, []).append(postcode.commune)
        self.only = only

    def locate(self, record: formats.PlaceRecord) -> tuple[Commune | None, str]:
        commune = self.by_insee.get(record.code_insee) if record.code_insee else None
        if commune is None:
            candidates = self.by_postcode.get(record.code_postal, [])
            if len(candidates) == 1:
                commune = candidates[0]
            elif candidates:
                wanted = record.commune.strip().lower()
                commune = next((c for c in candidates if c.name.lower() == wanted), None)
        if commune is None:
            return None, (
                f"commune « {record.commune} » ({record.code_insee or record.code_postal}) "
                "hors des territoires gérés sur la plateforme"
            )
        if self.only is not None and commune.territory_id != self.only.pk:
            return None, f"commune « {commune.name} » hors du territoire {self.only.name}"
        return commune, ""


def _computed_values(record: formats.PlaceRecord, commune: Commune) -> tuple[Any, ...]:
    """The values of _COMPUTED_FIELDS, in that order."""
    approximate = record.latitude is None or record.longitude is None
    if approximate:
        # Without coordinates the place is shown at its commune's centre, and says so.
        latitude, longitude = commune.latitude, commune.longitude
    else:
        latitude, longitude = record.latitude, record.longitude
    search = derive_search_fields(
        {
            "services": record.services,
            "extra_services": record.extra_services,
            "frais_a_charge": record.frais_a_charge,
            "modalites_acces": record.modalites_acces,
            "prise_en_charge_specifique": record.prise_en_charge_specifique,
            "languages": record.languages,
            "prise_rdv": record.prise_rdv,
        }
    )
    return (
        record.date_maj or timezone.localdate(),
        commune.territory_id,
        commune.pk,
        record.code_insee or commune.insee_code,
        latitude,
        longitude,
        approximate,
        (record.presentation_resume or "")[:280],
        *[search[name] for name in _SEARCH_FIELDS],
    )


def _place_values(record: formats.PlaceRecord, commune: Commune) -> dict[str, Any]:
    """Every imported value of a place, by attname: what a changed place is updated with."""
    values = dict(zip(_COPIED_FIELDS, _copied_values(record), strict=True))
    values.update(zip(_COMPUTED_FIELDS, _computed_values(record, commune), strict=True))
    return values


class _Writers:
    """Column orders and converters, prepared once per import.

    A new place goes out as one tuple (record fields, computed fields, its public id, the
    batch's values, the columns' defaults) turned into a row by the inserter: no dict per
    place, which is most of the Python time of an import.
    """

    def __init__(self) -> None:
        self.places = TupleInserter(Place, returning_id=True)
        self.sources = TupleInserter(PlaceSource, returning_id=False)
        self.changes = TupleInserter(PlaceChange, returning_id=False)
        named = {*_COPIED_FIELDS, *_COMPUTED_FIELDS, "public_id", *_BATCH_FIELDS}
        defaulted = [f for f in Place._meta.concrete_fields if not f.primary_key]
        defaulted = [f for f in defaulted if f.attname not in named]
        # Columns no import sets (organisation, merged_into, is_demo…) keep their default.
        self.default_values = tuple(f.get_default() for f in defaulted)
        self.place_row = self.places.row_maker(
            (
                *_COPIED_FIELDS,
                *_COMPUTED_FIELDS,
                "public_id",
                *_BATCH_FIELDS,
                *(f.attname for f in defaulted),
            )
        )
        self.source_row = self.sources.row_maker(
            ("place_id", "source", "source_id", "content_hash", "last_import_id",
             "created_at", "updated_at")
        )  # fmt: skip
        self.change_row = self.changes.row_maker(
            ("place_id", "actor_id", "kind", "changes", "note", "at")
        )

    def new_place_row(
        self, record: formats.PlaceRecord, commune: Commune, batch_values: tuple[Any, ...]
    ) -> list[Any]:
        return self.place_row(
            (
                *_copied_values(record),
                *_computed_values(record, commune),
                uuid.uuid4(),
                *batch_values,
                *self.default_values,
            )
        )


def _write_batch(
    run: ImportRun, batch: list[formats.ParsedRow], geography: _Geography, writers: _Writers
) -> None:
    accepted: dict[tuple[str, str], tuple[formats.ParsedRow, Commune, str]] = {}
    for row in batch:
        run.processed += 1
        if row.record is None:
            _reject(run, row, row.errors)
            continue
        commune, reason = geography.locate(row.record)
        if commune is None:
            _reject(run, row, [reason])
            continue
        accepted[(row.record.source, row.record.source_id)] = (
            row,
            commune,
            record_fingerprint(row.record),
        )

    # Only keys and hashes first: unchanged rows (a re-import) load nothing more.
    existing = {
        (source, source_id): (source_pk, place_id, digest)
        for source_pk, source, source_id, place_id, digest in PlaceSource.objects.filter(
            source__in={source for source, _ in accepted},
            source_id__in=[source_id for _, source_id in accepted],
        ).values_list("pk", "source", "source_id", "place_id", "content_hash")
    }
    now = timezone.now()
    published = run.file_format not in HIDDEN_FORMATS
    batch_values = (published, now, now)
    new_rows: list[list[Any]] = []
    new_keys: list[tuple[formats.PlaceRecord, str]] = []
    changed: dict[int, tuple[dict[str, Any], int, str]] = {}
    for key, (row, commune, digest) in accepted.items():
        record = row.record
        assert record is not None
        known = existing.get(key)
        if known is None:
            new_rows.append(writers.new_place_row(record, commune, batch_values))
            new_keys.append((record, digest))
        elif known[2] == digest:
            run.unchanged += 1
        else:
            changed[known[1]] = (_place_values(record, commune), known[0], digest)

    new_ids = writers.places.insert_rows(new_rows)
    source_row = writers.source_row
    writers.sources.insert_rows(
        [
            source_row((place_id, record.source, record.source_id, digest, run.pk, now, now))
            for place_id, (record, digest) in zip(new_ids, new_keys, strict=True)
        ]
    )
    run.created += len(new_ids)
    if changed:
        places = Place.objects.in_bulk(list(changed))
        for place_id, (values, _, _) in changed.items():
            for name, value in values.items():
                setattr(places[place_id], name, value)
            places[place_id].updated_at = now
        Place.objects.bulk_update(list(places.values()), _UPDATED_FIELDS)
        sources = PlaceSource.objects.in_bulk([source_pk for _, source_pk, _ in changed.values()])
        for _, source_pk, digest in changed.values():
            sources[source_pk].content_hash = digest
            sources[source_pk].last_import = run
        PlaceSource.objects.bulk_update(
            list(sources.values()), ["content_hash", "last_import", "updated_at"]
        )
        run.updated += len(changed)
    # One history row per place written, as for a place edited by hand.
    change_row = writers.change_row
    history = (run.actor_id, PlaceChangeKind.IMPORTED, {}, run.filename[:300], now)
    writers.changes.insert_rows(
        [change_row((place_id, *history)) for place_id in [*new_ids, *changed]]
    )
    for row, _, _ in accepted.values():
        if (
            row.record is not None
            and row.record.warnings
            and len(run.warnings) < MAX_REPORTED_REJECTIONS
        ):
            run.warnings.append(
                {"line": row.line, "where": row.location, "notes": row.record.warnings}
            )


def _reject(run: ImportRun, row: formats.ParsedRow, reasons: list[str]) -> None:
    run.rejected += 1
    _report_rejection(run, row, reasons)


def _report_rejection(run: ImportRun, row: formats.ParsedRow, reasons: list[str]) -> None:
    if len(run.rejections) < MAX_REPORTED_REJECTIONS:
        run.rejections.append({"line": row.line, "where": row.location, "reasons": reasons})


def _report_again(run: ImportRun, row: formats.ParsedRow, geography: _Geography) -> None:
    """The report lines of a row an interrupted attempt already wrote and counted."""
    if row.record is None:
        _report_rejection(run, row, row.errors)
        return
    commune, reason = geography.locate(row.record)
    if commune is None:
        _report_rejection(run, row, [reason])
    elif row.record.warnings and len(run.warnings) < MAX_REPORTED_REJECTIONS:
        run.warnings.append({"line": row.line, "where": row.location, "notes": row.record.warnings})


def start_import(
    *,
    actor: Any,
    filename: str,
    territory: Territory | None = None,
) -> ImportRun:
    return ImportRun.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        territory=territory,
        filename=filename,
    )


def run_import(
    *,
    run: ImportRun,
    path: Path,
    file_format: str | None = None,
    services_path: Path | None = None,
    batch_size: int | None = None,
    progress: ProgressCallback | None = None,
    resume: bool = False,
    merge_next: bool = False,
) -> ImportRun:
    """Read ``path`` and write its places batch by batch; every row ends imported or rejected.

    ``resume`` continues an interrupted run: the rows its committed batches counted
    (``run.processed``) are read again only to rebuild the report, never written or counted.
    ``merge_next`` ends in MERGING instead of DONE: the caller merges duplicates next.
    """
    batch_size = batch_size or settings.IMPORT_BATCH_SIZE
    done_before = run.processed if resume else 0
    run.status = ImportStatus.RUNNING
    run.started_at = run.started_at if done_before else timezone.now()
    with _cycle_collector_paused():
        try:
            loaded = formats.open_file(path)
            run.file_format = file_format or formats.detect_format(loaded)
            run.total = formats.count_rows(loaded, run.file_format, services_path=services_path)
            run.save()
            geography = _Geography(run.territory)
            writers = _Writers()
            rows = formats.read_places(loaded, run.file_format, services_path=services_path)
            if done_before:
                run.rejections, run.warnings = [], []
                for row in islice(rows, done_before):
                    _report_again(run, row, geography)
            for batch in _batches(rows, batch_size):
                with transaction.atomic():
                    _write_batch(run, batch, geography, writers)
                    run.total = max(run.total, run.processed)
                    # Counters only: the growing report is written once, at the end (a rerun
                    # after a crash rebuilds it), so each batch costs the same.
                    run.save(update_fields=_COUNTER_FIELDS)
                if progress:
                    progress(run)
        except formats.FormatError as error:
            run.status = ImportStatus.FAILED
            run.error = str(error)
            run.finished_at = timezone.now()
            run.save()
            return run
    run.status = ImportStatus.MERGING if merge_next else ImportStatus.DONE
    run.finished_at = timezone.now()
    run.save()
    log_event(
        "places_imported",
        actor=run.actor,
        obj=run,
        territory_id=run.territory_id,
        data={
            "format": run.file_format,
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "rejected": run.rejected,
        },
    )
    return run
