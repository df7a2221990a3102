"""The assessments part of a person's page: drafts to resume, the typology chart, the
tables of values per area, and which changes are larger than the measurement noise."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.utils import timezone

from aiguillage.assessments import rules
from aiguillage.assessments.actions import person_consents_to_evaluation
from aiguillage.assessments.engine import Referential, compare_assessments
from aiguillage.assessments.models import Assessment, AssessmentKind, AssessmentStatus
from aiguillage.assessments.permissions import can_start_assessment
from aiguillage.assessments.views.results import referential_knows
from aiguillage.assessments.views.start import current_organisation
from aiguillage.journal.actions import log_event
from aiguillage.people.models import Person
from aiguillage.people.permissions import organisations_of

DIRECTION_MARKS = {"progres": "▲", "recul": "▼", "stable": ""}
DIRECTION_WORDS = {"progres": "progrès réel", "recul": "recul réel", "stable": ""}


def person_assessments_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    """Context for ``assessments/_person_assessments.html``, under one key. The caller has
    already checked that the user may see the person (``get_person_for_user``)."""
    mine = organisations_of(request.user)
    assessments = list(
        Assessment.objects.filter(person=person)
        .exclude(status=AssessmentStatus.ABANDONED)
        .select_related("organisation", "referential")
    )
    complete = sorted(
        (a for a in assessments if a.is_complete), key=lambda a: (a.completed_at, a.pk)
    )
    # Another structure's draft is its own business until it is finished.
    drafts = [a for a in assessments if a.is_draft and a.organisation_id in mine]
    if complete:
        log_event(
            "assessment_history_accessed",
            actor=request.user,
            obj=person,
            data={"assessments": [str(a.public_id) for a in complete]},
        )
    organisation = current_organisation(request)
    section: dict[str, Any] = {
        "complete": [],
        "drafts": drafts,
        "can_start": not person.anonymised_at
        and can_start_assessment(request.user, organisation, person),
        "has_consent": person_consents_to_evaluation(person),
        "chart": None,
        "tables": [],
    }
    if complete:
        referential = complete[-1].engine_referential()
        section["complete"] = [
            {"assessment": a, "typology": _typology_label(referential, a.typology)}
            for a in reversed(complete)
        ]
        section["chart"] = _chart(complete, referential)
        section["typology_labels"] = [t.label for t in reversed(referential.typologies)]
        section["tables"] = [
            table
            for kind in (AssessmentKind.SCREENING, AssessmentKind.IN_DEPTH)
            if (table := _table(kind, [a for a in complete if a.kind == kind], referential))
        ]
    return {"assessment_section": section}


def _chart(complete: list[Assessment], referential: Referential) -> rules.TypologyChart | None:
    entries = [
        rules.ChartEntry(
            completed_on=timezone.localdate(a.completed_at),
            kind=a.kind,
            kind_label=a.get_kind_display(),
            rank=referential.typology(a.typology).rank,
            typology_label=referential.typology(a.typology).label,
        )
        for a in complete
        if a.completed_at and referential_knows(referential, a.typology)
    ]
    if len(entries) < 2:
        return None
    labels = [rules.short_typology(t.label) for t in referential.typologies]
    return rules.typology_chart(entries, labels)


def _table(kind: str, series: list[Assessment], referential: Referential) -> dict | None:
    if not series:
        return None
    rows, previous = [], None
    for assessment in series:
        changes: dict[str, Any] = {}
        transition, verdict = "", ""
        if previous is not None and all(
            referential_knows(referential, a.typology) for a in (previous, assessment)
        ):
            # The engine reads only the typology, values per area and total of each result.
            progress = compare_assessments(
                cast(Any, previous.stored()), cast(Any, assessment.stored()), referential
            )
            changes = {change.area: change for change in progress.area_changes}
            transition = progress.sentences[0]
            verdict = progress.total.sentence if progress.total else ""
        rows.append(
            {
                "assessment": assessment,
                "typology": _typology_label(referential, assessment.typology),
                "cells": [
                    _cell(assessment.area_values.get(area.code), changes.get(area.code))
                    for area in referential.areas
                ],
                "total": assessment.total,
                "transition": transition,
                "verdict": verdict,
            }
        )
        previous = assessment
    in_depth = kind == AssessmentKind.IN_DEPTH
    return {
        "kind": kind,
        "caption": (
            f"Évaluations approfondies : niveau par domaine (0 à {referential.in_depth.max_level})"
            if in_depth
            else "Repérages : points par domaine"
        ),
        "areas": [area.label for area in referential.areas],
        "rows": list(reversed(rows)),
    }


def _typology_label(referential: Referential, code: str) -> str:
    return referential.typology(code).label if referential_knows(referential, code) else code


def _cell(value: int | None, change) -> dict[str, Any]:
    direction = change.direction if change is not None else "stable"
    return {
        "value": "—" if value is None else value,
        "direction": direction,
        "mark": DIRECTION_MARKS[direction],
        "words": DIRECTION_WORDS[direction],
        "delta": change.delta if change is not None else 0,
    }
