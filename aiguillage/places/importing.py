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
import hashlib
import operator
import uuid
from collections.abc import Callable, Iterable, Iterator
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

# Record fields copied onto Place as they are.
_COPIED_FIELDS: tuple[str, ...] = tuple(
    name
    for name in (f.name for f in dataclasses.fields(formats.PlaceRecord))
    if name not in {"source_id", "warnings", "date_maj", "source"}
)
_UPDATED_FIELDS: tuple[str, ...] = (
    *_COPIED_FIELDS,
    "source",
    "date_maj",
    "territory",
    "commune_ref",
    "location_is_approximate",
    "service_mask",
    "support_mask",
    "language_mask",
    "is_free",
    "has_online_booking",
    "updated_at",
)
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


def _place_values(record: formats.PlaceRecord, commune: Commune) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in _COPIED_FIELDS}
    values["source"] = record.source
    values["date_maj"] = record.date_maj or timezone.localdate()
    values["territory_id"] = commune.territory_id
    values["commune_ref"] = commune
    values["code_insee"] = record.code_insee or commune.insee_code
    approximate = record.latitude is None or record.longitude is None
    if approximate:
        # Without coordinates the place is shown at its commune's centre, and says so.
        values["latitude"], values["longitude"] = commune.latitude, commune.longitude
    values["location_is_approximate"] = approximate
    values["presentation_resume"] = (values["presentation_resume"] or "")[:280]
    values.update(derive_search_fields(values))
    return values


class _Writers:
    """Column lists and converters, prepared once per import."""

    def __init__(self) -> None:
        self.places = TupleInserter(Place, returning_id=True)
        self.sources = TupleInserter(PlaceSource, returning_id=False)
        self.changes = TupleInserter(PlaceChange, returning_id=False)
        self.place_defaults = {
            f.attname: f.get_default()
            for f in Place._meta.concrete_fields
            # Callable defaults (uuid4, empty lists) are set per row in _new_place_row.
            if not f.primary_key and not (f.has_default() and callable(f.default))
        }


def _new_place_row(
    values: dict[str, Any], *, published: bool, now: Any, writers: _Writers
) -> dict[str, Any]:
    row = {**writers.place_defaults, **values}
    row["commune_ref_id"] = row.pop("commune_ref").pk
    for list_field in Place.LIST_FIELDS + ("extra_services", "languages"):
        row.setdefault(list_field, [])
    row.update(public_id=uuid.uuid4(), is_published=published, created_at=now, updated_at=now)
    return row


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
    actor_id = run.actor_id
    published = run.file_format not in HIDDEN_FORMATS
    new_rows: list[dict[str, Any]] = []
    new_keys: list[tuple[formats.PlaceRecord, str]] = []
    changed: dict[int, tuple[dict[str, Any], int, str]] = {}
    for key, (row, commune, digest) in accepted.items():
        record = row.record
        assert record is not None
        known = existing.get(key)
        if known is not None and known[2] == digest:
            run.unchanged += 1
            continue
        values = _place_values(record, commune)
        if known is None:
            new_rows.append(_new_place_row(values, published=published, now=now, writers=writers))
            new_keys.append((record, digest))
        else:
            changed[known[1]] = (values, known[0], digest)

    new_ids = writers.places.insert(new_rows)
    writers.sources.insert(
        [
            {
                "place_id": place_id,
                "source": record.source,
                "source_id": record.source_id,
                "content_hash": digest,
                "last_import_id": run.pk,
                "created_at": now,
                "updated_at": now,
            }
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
    writers.changes.insert(
        [
            {
                "place_id": place_id,
                "actor_id": actor_id,
                "kind": PlaceChangeKind.IMPORTED,
                "changes": {},
                "note": run.filename[:300],
                "at": now,
            }
            for place_id in [*new_ids, *changed]
        ]
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
    if len(run.rejections) < MAX_REPORTED_REJECTIONS:
        run.rejections.append({"line": row.line, "where": row.location, "reasons": reasons})


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
) -> ImportRun:
    """Read ``path`` and write its places batch by batch; every row ends imported or rejected."""
    batch_size = batch_size or settings.IMPORT_BATCH_SIZE
    run.status = ImportStatus.RUNNING
    run.started_at = timezone.now()
    try:
        loaded = formats.open_file(path)
        run.file_format = file_format or formats.detect_format(loaded)
        run.total = formats.count_rows(loaded, run.file_format, services_path=services_path)
        run.save()
        geography = _Geography(run.territory)
        writers = _Writers()
        rows = formats.read_places(loaded, run.file_format, services_path=services_path)
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
    run.status = ImportStatus.DONE
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
