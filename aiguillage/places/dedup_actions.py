"""Merge duplicates found by ``places.dedup`` and let coordinators undo a merge.

A merged place stays in the database with its source ids (``PlaceSource`` rows stay
attached to it) and points to the kept place, so re-importing a source updates the
duplicate, never overwrites the kept place, and an undo restores it intact.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from aiguillage.journal.actions import log_event
from aiguillage.places.dedup import Candidate, find_duplicates, group_matches
from aiguillage.places.models import (
    ImportRun,
    Place,
    PlaceChange,
    PlaceChangeKind,
    PlaceMerge,
    PlaceSource,
)
from aiguillage.territories.models import Territory

_COMPLETENESS_FIELDS = (
    "horaires",
    "telephone",
    "courriels",
    "site_web",
    "services",
    "presentation_resume",
    "modalites_accompagnement",
    "frais_a_charge",
    "prise_rdv",
    "pivot",
    "typologie",
)


def _completeness(place: Place) -> int:
    return sum(1 for name in _COMPLETENESS_FIELDS if getattr(place, name))


def _keep_order(place: Place) -> tuple:
    # A place managed by a structure on the platform wins, then the most complete, then the oldest.
    return (place.organisation_id is None, -_completeness(place), place.pk)


def merge_duplicates(
    *, actor: Any, territories: Iterable[Territory] | None = None, run: ImportRun | None = None
) -> int:
    """Merge every group of duplicates among the published places; returns the number merged."""
    merged = 0
    for territory in territories or Territory.objects.all():
        merged += _merge_in_territory(actor=actor, territory=territory)
    if run is not None:
        run.merged = merged
        run.save(update_fields=["merged", "updated_at"])
    return merged


def _merge_in_territory(*, actor: Any, territory: Territory) -> int:
    """Find the territory's duplicates, then merge each group in its own short transaction.

    Finding reads only the columns the comparison needs (no model instances for the whole
    territory); merging a group locks and re-reads its few places, so a coordinator's page
    or a login never waits for the whole territory, and a run interrupted half-way (worker
    killed) is finished by the next one: places already merged are skipped.
    """
    rows = list(
        Place.objects.published()
        .in_territory(territory)
        .values_list(
            "pk",
            "nom",
            "adresse",
            "code_postal",
            "latitude",
            "longitude",
            "location_is_approximate",
            "pivot",
        )
    )
    if len(rows) < 2:
        return 0
    first_source: dict[int, str] = {}
    # A subquery, not a list of ids: a territory may have 100,000 places (SQLite's limit).
    territory_places = Place.objects.published().in_territory(territory).values("pk")
    sources = PlaceSource.objects.filter(place_id__in=territory_places).order_by("pk")
    for place_id, source in sources.values_list("place_id", "source").iterator():
        first_source.setdefault(place_id, source)
    candidates = [
        Candidate(
            key=str(pk),
            source=first_source.get(pk, "aiguillage"),
            name=name,
            address=address,
            postcode=postcode,
            latitude=None if approximate else latitude,
            longitude=None if approximate else longitude,
            pivot=pivot,
        )
        for pk, name, address, postcode, latitude, longitude, approximate, pivot in rows
    ]
    keys = [candidate.key for candidate in candidates]
    del rows
    matches = find_duplicates(candidates, max_distance_m=settings.DEDUP_MAX_DISTANCE_M)
    # A merge a coordinator undid is never redone automatically.
    refused = {
        frozenset((str(kept), str(duplicate)))
        for kept, duplicate in PlaceMerge.objects.filter(undone_at__isnull=False).values_list(
            "kept_id", "duplicate_id"
        )
    }
    matches = [m for m in matches if frozenset((m.left, m.right)) not in refused]
    best_match = {}
    for match in matches:
        for key in (match.left, match.right):
            if key not in best_match or match.score > best_match[key].score:
                best_match[key] = match
    count = 0
    pause = _WriterPause()
    for group in group_matches(matches, keys):
        if len(group) >= 2:
            count += _merge_group(actor=actor, keys=group, best_match=best_match)
            pause.maybe()
    if count:
        log_event("places_merged", actor=actor, territory_id=territory.pk, data={"merged": count})
    return count


class _WriterPause:
    """On SQLite (the demo), leave the write lock free for a moment every so often.

    Each group's transaction is short, but they follow each other back to back, and SQLite
    has no queue for writers: a login waiting in SQLite's busy handler retries every
    25–100 ms and lands in a gap between two groups only by chance (waits of 2–6 s were
    measured at 100,000 places, docs/benchmarks-load.md). Pausing 100 ms after each
    quarter-second of merging bounds that wait; PostgreSQL locks rows, not the database,
    and never pauses."""

    WORK_SECONDS = 0.25
    PAUSE_SECONDS = 0.1

    def __init__(self) -> None:
        self.enabled = connection.vendor == "sqlite"
        self.since = time.monotonic()

    def maybe(self) -> None:
        if self.enabled and time.monotonic() - self.since >= self.WORK_SECONDS:
            time.sleep(self.PAUSE_SECONDS)
            self.since = time.monotonic()


@transaction.atomic
def _merge_group(*, actor: Any, keys: Iterable[str], best_match: dict) -> int:
    """Merge one group of duplicates; places merged meanwhile (an earlier attempt) are left."""
    members = list(
        Place.objects.select_for_update()
        .filter(pk__in=[int(key) for key in keys], merged_into__isnull=True)
        .order_by("pk")
    )
    if len(members) < 2:
        return 0
    members.sort(key=_keep_order)
    kept = members[0]
    by = actor if getattr(actor, "is_authenticated", False) else None
    for duplicate in members[1:]:
        match = best_match[str(duplicate.pk)]
        duplicate.merged_into = kept
        duplicate.save(update_fields=["merged_into", "updated_at"])
        PlaceMerge.objects.create(
            kept=kept,
            duplicate=duplicate,
            score=round(match.score, 1),
            reasons=list(match.reasons),
            actor=by,
        )
        PlaceChange.objects.create(
            place=duplicate,
            actor=by,
            kind=PlaceChangeKind.MERGED,
            changes={"merged_into": [None, kept.pk]},
            note=f"Doublon de « {kept.nom} »",
        )
    return len(members) - 1


@transaction.atomic
def undo_merge(*, actor: Any, merge: PlaceMerge) -> PlaceMerge:
    if merge.undone_at is not None:
        return merge
    duplicate = merge.duplicate
    duplicate.merged_into = None
    duplicate.save(update_fields=["merged_into", "updated_at"])
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by", "updated_at"])
    PlaceChange.objects.create(
        place=duplicate,
        actor=actor,
        kind=PlaceChangeKind.UNMERGED,
        changes={"merged_into": [merge.kept_id, None]},
        note="Fusion annulée",
    )
    log_event("place_merge_undone", actor=actor, obj=duplicate, territory_id=duplicate.territory_id)
    return merge
