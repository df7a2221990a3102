"""The one path for writes on activity records: typed, derived (referrals, workshops),
corrected, deleted, imported from La Coop. Every action checks its rule (French
``ActivityError``) and writes the journal."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from aiguillage.activities import coop, rules
from aiguillage.activities.models import (
    ActivityKind,
    ActivityRecord,
    ActivitySource,
    Autonomy,
    FollowUp,
    HowDone,
)
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.people.actions import touch_person
from aiguillage.places.models import Place
from aiguillage.territories.models import Commune


class ActivityError(ValueError):
    """A rule refused the record; the message is French."""


# What a record holds besides its structure, author and origin.
FIELDS = (
    "occurred_on",
    "kind",
    "themes",
    "procedure_domain",
    "how",
    "autonomy_after",
    "follow_up",
    "duration_minutes",
    "participants",
    "age_bracket",
    "status",
    "commune",
    "place",
    "person",
)
DEFAULTS: dict[str, Any] = {
    "kind": ActivityKind.INDIVIDUAL,
    "procedure_domain": "",
    "how": HowDone.DONE_WITH,
    "autonomy_after": "",
    "follow_up": "",
    "duration_minutes": 30,
    "participants": 1,
    "age_bracket": rules.NOT_GIVEN,
    "status": rules.NOT_GIVEN,
    "commune": None,
    "place": None,
    "person": None,
}
DERIVED_SOURCES = (ActivitySource.REFERRAL, ActivitySource.ATTENDANCE)
DERIVED_MESSAGE = (
    "Cet accompagnement vient d'une orientation ou d'un atelier : corrigez-le à sa source."
)


def _choice(values: dict[str, Any], name: str, allowed, message: str) -> None:
    if values[name] not in allowed:
        raise ActivityError(message)


def check_values(organisation: Organisation, values: dict[str, Any]) -> dict[str, Any]:
    """The complete, checked values of a record, or ``ActivityError`` (French)."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ActivityError(f"Champs inconnus : {', '.join(sorted(unknown))}")
    checked = {**DEFAULTS, **{k: v for k, v in values.items() if v is not None}}
    for name in ("procedure_domain", "autonomy_after", "follow_up"):
        checked[name] = checked[name] or ""
    day = checked.get("occurred_on")
    if not isinstance(day, dt.date):
        raise ActivityError("Indiquez la date de l'accompagnement.")
    if day > timezone.localdate():
        raise ActivityError("La date ne peut pas être dans le futur.")
    if day < rules.EARLIEST_DATE:
        raise ActivityError(f"La date doit être après le {rules.EARLIEST_DATE:%d/%m/%Y}.")
    _choice(checked, "kind", ActivityKind.values, "Choisissez le type d'accompagnement.")
    themes = list(checked.get("themes") or [])
    if not themes:
        raise ActivityError("Choisissez au moins un thème.")
    if set(themes) - set(rules.THEMES):
        raise ActivityError("Thème inconnu.")
    checked["themes"] = rules.ordered_themes(themes)
    _choice(checked, "how", HowDone.values, "Dites si c'était fait pour, avec ou par la personne.")
    _choice(checked, "autonomy_after", ["", *Autonomy.values], "Autonomie à l'issue inconnue.")
    _choice(checked, "follow_up", ["", *FollowUp.values], "Suite proposée inconnue.")
    _choice(checked, "age_bracket", rules.AGE_BRACKETS, "Tranche d'âge inconnue.")
    _choice(checked, "status", rules.STATUSES, "Situation inconnue.")
    domains = ["", *rules.PROCEDURE_DOMAINS]
    _choice(checked, "procedure_domain", domains, "Organisme de la démarche inconnu.")
    if checked["procedure_domain"] and rules.ONLINE_PROCEDURE not in checked["themes"]:
        raise ActivityError(
            "L'organisme de la démarche ne s'indique qu'avec le thème « Démarche en ligne »."
        )
    _check_numbers(checked)
    _check_links(organisation, checked)
    return checked


def _check_numbers(checked: dict[str, Any]) -> None:
    duration = checked["duration_minutes"]
    if not isinstance(duration, int) or not rules.MIN_DURATION <= duration <= rules.MAX_DURATION:
        raise ActivityError(
            f"La durée doit être entre {rules.MIN_DURATION} et {rules.MAX_DURATION} minutes."
        )
    participants = checked["participants"]
    if not isinstance(participants, int) or participants < 1:
        raise ActivityError("Il faut au moins une personne.")
    if participants > rules.MAX_PARTICIPANTS:
        raise ActivityError(f"Au plus {rules.MAX_PARTICIPANTS} personnes par enregistrement.")
    if checked["kind"] == ActivityKind.INDIVIDUAL and participants != 1:
        raise ActivityError(
            "Un accompagnement individuel concerne une seule personne : "
            "pour un groupe, choisissez « Atelier collectif »."
        )
    if checked["status"] == rules.HETEROGENEOUS and checked["kind"] != ActivityKind.COLLECTIVE:
        raise ActivityError("« Groupe hétérogène » ne vaut que pour un atelier collectif.")


def _check_links(organisation: Organisation, checked: dict[str, Any]) -> None:
    place = checked["place"]
    if place is not None and place.organisation_id != organisation.pk:
        raise ActivityError("Ce lieu n'est pas un lieu de votre structure.")
    commune = checked["commune"]
    if commune is not None and commune.territory_id != organisation.territory_id:
        raise ActivityError("Cette commune n'est pas une commune du territoire.")
    person = checked["person"]
    if person is not None and person.anonymised_at:
        raise ActivityError("Cette fiche est anonymisée : l'accompagnement ne peut pas y être lié.")


def _journal_data(record: ActivityRecord) -> dict[str, Any]:
    # Counts and codes only: never the person.
    return {
        "organisation": record.organisation_id,
        "occurred_on": record.occurred_on.isoformat(),
        "kind": record.kind,
        "participants": record.participants,
        "source": record.source,
    }


@transaction.atomic
def record_activity(
    *, actor: Any, organisation: Organisation, values: dict[str, Any]
) -> ActivityRecord:
    """A mediator notes an accompaniment for their structure. A person given here must
    already have been checked as followed by the structure (``permissions``)."""
    checked = check_values(organisation, values)
    person = checked["person"]
    if person is not None and not person.accesses.filter(organisation=organisation).exists():
        raise ActivityError("Cette personne n'est pas suivie par votre structure.")
    record = ActivityRecord.objects.create(
        organisation=organisation, recorded_by=actor, source=ActivitySource.TYPED, **checked
    )
    if person is not None:
        touch_person(person)
    log_event("activity_recorded", actor=actor, obj=record, data=_journal_data(record))
    return record


def record_derived_activity(
    *,
    actor: Any = None,
    source: str,
    source_ref: str,
    organisation: Organisation,
    occurred_on: dt.date,
    kind: str,
    themes: list[str],
    **values: Any,
) -> ActivityRecord:
    """The accompaniment a referral outcome or a workshop attendance stands for, counted
    once: called again with the same ``source`` and ``source_ref``, it returns the record
    already made and changes nothing. Other ``values``: any name of ``FIELDS``."""
    if source not in DERIVED_SOURCES:
        raise ActivityError(f"Origine dérivée inconnue : {source}")
    if not source_ref:
        raise ActivityError("Une référence d'origine est obligatoire.")
    existing = ActivityRecord.objects.filter(source=source, source_ref=source_ref).first()
    if existing is not None:
        return existing
    checked = check_values(
        organisation, {**values, "occurred_on": occurred_on, "kind": kind, "themes": themes}
    )
    try:
        with transaction.atomic():
            record = ActivityRecord.objects.create(
                organisation=organisation,
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                source=source,
                source_ref=source_ref,
                **checked,
            )
            log_event("activity_derived", actor=actor, obj=record, data=_journal_data(record))
    except IntegrityError:
        # The same outcome recorded at the same moment by another request: keep theirs.
        return ActivityRecord.objects.get(source=source, source_ref=source_ref)
    if checked["person"] is not None:
        touch_person(checked["person"])
    return record


@transaction.atomic
def withdraw_derived_activity(*, actor: Any, source: str, source_ref: str) -> bool:
    """Undo a derived record when its source is corrected (« finalement pas venue »)."""
    record = ActivityRecord.objects.filter(source=source, source_ref=source_ref).first()
    if record is None:
        return False
    log_event("activity_withdrawn", actor=actor, obj=record, data=_journal_data(record))
    record.delete()
    return True


@transaction.atomic
def update_activity(
    *, actor: Any, record: ActivityRecord, values: dict[str, Any]
) -> ActivityRecord:
    """Correct a typed or imported record (who may, and until when: ``permissions``)."""
    if record.is_derived:
        raise ActivityError(DERIVED_MESSAGE)
    current = {name: getattr(record, name) for name in FIELDS}
    checked = check_values(record.organisation, {**current, **values})
    person = checked["person"]
    if (
        person is not None
        and person.pk != record.person_id
        and not person.accesses.filter(organisation=record.organisation).exists()
    ):
        raise ActivityError("Cette personne n'est pas suivie par votre structure.")
    changed = sorted(name for name in FIELDS if checked[name] != current[name])
    for name in changed:
        setattr(record, name, checked[name])
    if changed:
        record.save()
        log_event("activity_updated", actor=actor, obj=record, data={"fields": changed})
    return record


@transaction.atomic
def delete_activity(*, actor: Any, record: ActivityRecord) -> None:
    if record.is_derived:
        raise ActivityError(DERIVED_MESSAGE)
    log_event("activity_deleted", actor=actor, obj=record, data=_journal_data(record))
    record.delete()


def unlink_person(person) -> None:
    """Anonymisation of a person: their accompaniments stay counted, without the link."""
    ActivityRecord.objects.filter(person=person).update(person=None)


# --- Import of a La Coop export ----------------------------------------------------------------


@dataclass
class ImportReport:
    imported: int = 0
    already_there: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)
    header_line: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.imported + self.already_there + len(self.rejected)

    @property
    def note_lines(self) -> list[tuple[str, int]]:
        """(approximation, number of rows), most frequent first."""
        return sorted(self.notes.items(), key=lambda item: (-item[1], item[0]))


def _commune_lookup(organisation: Organisation) -> dict[str, int]:
    lookup: dict[str, int] = {}
    if organisation.territory_id is None:
        return lookup
    communes = Commune.objects.filter(territory_id=organisation.territory_id).prefetch_related(
        "postcodes"
    )
    for commune in communes:
        lookup[coop.normalise(commune.name)] = commune.pk
        for postcode in commune.postcodes.all():
            lookup[f"{postcode.code} {coop.normalise(commune.name)}"] = commune.pk
    return lookup


def _place_lookup(organisation: Organisation) -> dict[str, int]:
    places = Place.objects.filter(organisation=organisation, merged_into__isnull=True)
    return {coop.normalise(name): pk for pk, name in places.values_list("pk", "nom")}


@transaction.atomic
def import_coop_export(
    *, actor: Any, organisation: Organisation, file: Any, today: dt.date | None = None
) -> ImportReport:
    """Every row of a La Coop activity export becomes a record of the structure, or a line
    of the report saying why not. Importing the same rows again adds nothing (each row's
    content and rank make its reference). ``file``: an uploaded file (name, read())."""
    today = today or timezone.localdate()
    try:
        parsed = coop.parse_export(
            getattr(file, "name", "export.csv"),
            file.read(),
            today=today,
            communes=_commune_lookup(organisation),
            places=_place_lookup(organisation),
        )
    except coop.CoopFileError as error:
        raise ActivityError(str(error)) from error
    report = ImportReport(
        rejected=list(parsed.rejected),
        notes=parsed.notes,
        header_line=parsed.header_line,
        ignored_columns=parsed.ignored_columns,
    )
    refs = {row.digest: f"coop:{organisation.pk}:{row.digest}" for row in parsed.rows}
    present = set(
        ActivityRecord.objects.filter(
            source=ActivitySource.IMPORT, source_ref__in=list(refs.values())
        ).values_list("source_ref", flat=True)
    )
    communes = Commune.objects.in_bulk({r.values["commune"] for r in parsed.rows} - {None})
    places = Place.objects.in_bulk({r.values["place"] for r in parsed.rows} - {None})
    new = []
    for row in parsed.rows:
        ref = refs[row.digest]
        if ref in present:
            report.already_there += 1
            continue
        values = {
            **row.values,
            "commune": communes.get(row.values["commune"]),
            "place": places.get(row.values["place"]),
        }
        try:
            checked = check_values(organisation, values)
        except ActivityError as error:
            report.rejected.append((row.line, str(error)))
            continue
        record = ActivityRecord(
            organisation=organisation,
            recorded_by=actor,
            source=ActivitySource.IMPORT,
            source_ref=ref,
            **checked,
        )
        record.themes_mask = rules.themes_mask(record.themes)
        new.append(record)
    try:
        ActivityRecord.objects.bulk_create(new, batch_size=1000)
    except IntegrityError as error:
        raise ActivityError(
            "Ces lignes sont en train d'être importées par ailleurs : réessayez dans un instant."
        ) from error
    report.imported = len(new)
    report.rejected.sort()
    log_event(
        "activities_imported",
        actor=actor,
        obj=organisation,
        data={
            "format": "La Coop",
            "imported": report.imported,
            "already_there": report.already_there,
            "rejected": len(report.rejected),
        },
    )
    return report
