"""Before/after evaluation of a cycle with the shared assessment (docs/workshops.md,
« Évaluation avant / après »).

For each seated participant with a file that the viewing structure follows, the « before »
is the person's latest finished assessment up to the cycle's first session and the
« after » the first one finished from the cycle's last session onwards, whichever structure
made them (``assessments.permissions.finished_assessments_seen_by``: never an assessment of
someone the structure does not follow). When the after exists, the before is taken among
assessments of the same kind if there is one (two screenings, or two in-depth assessments):
the engine compares areas only like with like. Progress comes from
``assessments.engine.progress``: a change counts only beyond the referential's noise, and
the verdict follows the total.

The aggregate counts of the cycle are masked under 5 (``aiguillage.disclosure``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.utils import timezone

from aiguillage import disclosure
from aiguillage.assessments import rules as assessment_rules
from aiguillage.assessments.engine import Change, Progress, Referential, compare_assessments
from aiguillage.assessments.models import (
    Assessment,
    AssessmentKind,
    ReferentialVersion,
)
from aiguillage.assessments.permissions import finished_assessments_seen_by
from aiguillage.organisations.models import Organisation
from aiguillage.people.models import Person, PersonAccess
from aiguillage.workshops.models import Cycle, Enrolment

PROGRESS = "progres"
STABLE = "stable"
DECLINE = "recul"
NOT_COMPARABLE = "non_comparable"
VERDICTS = (PROGRESS, STABLE, DECLINE, NOT_COMPARABLE)
# What an evaluation reads of an assessment: never its answers nor its detailed result.
ASSESSMENT_COLUMNS = (
    "id",
    "public_id",
    "person_id",
    "organisation_id",
    "kind",
    "status",
    "typology",
    "area_values",
    "total",
    "referential_id",
    "referential_version",
    "referential_hash",
    "completed_at",
)


@dataclass(frozen=True)
class Windows:
    """An assessment finished before ``before_until`` is a « before »; one finished from
    ``after_from`` is an « after ». The before closes at the end of the first session
    (an intake made there counts), or at the start of the only session of a one-session cycle."""

    before_until: dt.datetime
    after_from: dt.datetime


def evaluation_windows(slots: Sequence[tuple[dt.datetime, dt.datetime]]) -> Windows | None:
    """The windows of a cycle from its planned sessions' (start, end); None without any."""
    if not slots:
        return None
    ordered = sorted(slots)
    (_, first_end), (last_start, _) = ordered[0], ordered[-1]
    return Windows(before_until=min(first_end, last_start), after_from=last_start)


def pick_before_after(
    assessments: Sequence[Assessment], windows: Windows
) -> tuple[Assessment | None, Assessment | None]:
    """(before, after) among one person's finished assessments (see the module docstring)."""
    finished = sorted(
        (a for a in assessments if a.is_complete and a.completed_at),
        key=lambda a: (a.completed_at, a.pk),
    )
    after = next((a for a in finished if a.completed_at >= windows.after_from), None)
    earlier = [a for a in finished if a.completed_at < windows.before_until]
    same_kind = [a for a in earlier if after is not None and a.kind == after.kind]
    candidates = same_kind or earlier
    return (candidates[-1] if candidates else None), after


@dataclass(frozen=True)
class ParticipantEvaluation:
    enrolment: Enrolment
    person: Person
    before: Assessment | None
    after: Assessment | None
    before_typology: str
    after_typology: str
    progress: Progress | None
    # The structure's own in-depth draft for the person, to resume rather than start again.
    draft: Assessment | None = None

    @property
    def verdict(self) -> str:
        """progres / stable / recul on the total, non_comparable when the two kinds or
        referentials differ, "" without both assessments."""
        if self.before is None or self.after is None:
            return ""
        if self.progress is None or not self.progress.verdict:
            return NOT_COMPARABLE
        return self.progress.verdict

    @property
    def area_changes(self) -> tuple[Change, ...]:
        return self.progress.area_changes if self.progress else ()

    @property
    def note(self) -> str:
        """Why the areas are not compared, when they are not."""
        if self.verdict != NOT_COMPARABLE:
            return ""
        if self.progress is None:
            return "Les deux évaluations utilisent des référentiels qui ne se comparent pas."
        return (
            "Avant : un repérage, après : une évaluation approfondie (ou l'inverse). Les "
            "domaines ne se comparent qu'entre deux évaluations du même type."
        )


@dataclass(frozen=True)
class CycleEvaluation:
    participants: tuple[ParticipantEvaluation, ...]
    not_followed: int  # participants with a file another structure follows: nothing shown
    without_file: int  # anonymous participants, and files anonymised since
    windows: Windows | None
    end_evaluation_open: bool  # the last session has started: the end evaluation may be done
    counts: dict[str, int]
    shown: dict[str, str]  # the same counts as the page shows them (masked under 5)

    @property
    def assessment_ids(self) -> list[str]:
        """The assessments shown, for the journal."""
        return [
            str(a.public_id)
            for row in self.participants
            for a in (row.before, row.after)
            if a is not None
        ]


def cycle_evaluation(
    cycle: Cycle, viewer_organisation: Organisation, *, now: dt.datetime | None = None
) -> CycleEvaluation:
    """The before/after evaluation of ``cycle`` as ``viewer_organisation`` may read it, in a
    fixed number of queries whatever the number of participants."""
    now = now or timezone.now()
    slots = list(cycle.sessions.planned().values_list("starts_at", "ends_at"))
    windows = evaluation_windows(slots)
    enrolments = list(
        Enrolment.objects.for_target(cycle)
        .seated()
        .select_related("person")
        .order_by("created_at", "id")
    )
    with_file = [e for e in enrolments if e.person_id and not e.person.anonymised_at]
    followed = set(
        PersonAccess.objects.filter(
            organisation=viewer_organisation, person_id__in=[e.person_id for e in with_file]
        ).values_list("person_id", flat=True)
    )
    shown = [e for e in with_file if e.person_id in followed]
    by_person, drafts = _assessments(viewer_organisation, [e.person_id for e in shown])
    rows = tuple(
        _participant(enrolment, by_person.get(enrolment.person_id, []), windows, drafts, now=now)
        for enrolment in shown
    )
    counts = _counts(rows)
    return CycleEvaluation(
        participants=rows,
        not_followed=len(with_file) - len(shown),
        without_file=len(enrolments) - len(with_file),
        windows=windows,
        end_evaluation_open=windows is not None and now >= windows.after_from,
        counts=counts,
        shown=_masked(counts),
    )


def _assessments(
    organisation: Organisation, person_ids: list[int]
) -> tuple[dict[int, list[Assessment]], dict[int, Assessment]]:
    """The finished assessments the structure may read, per person, and its own in-depth
    drafts; the referential versions are read once, not once per assessment."""
    if not person_ids:
        return {}, {}
    finished = list(
        finished_assessments_seen_by(organisation)
        .filter(person_id__in=person_ids)
        .only(*ASSESSMENT_COLUMNS)
    )
    versions = ReferentialVersion.objects.in_bulk({a.referential_id for a in finished})
    by_person: dict[int, list[Assessment]] = {}
    for assessment in finished:
        assessment.referential = versions[assessment.referential_id]
        by_person.setdefault(assessment.person_id, []).append(assessment)
    drafts = {
        draft.person_id: draft
        for draft in Assessment.objects.drafts()
        .filter(organisation=organisation, kind=AssessmentKind.IN_DEPTH, person_id__in=person_ids)
        .only("id", "public_id", "person_id")
    }
    return by_person, drafts


def _participant(
    enrolment: Enrolment,
    assessments: list[Assessment],
    windows: Windows | None,
    drafts: dict[int, Assessment],
    *,
    now: dt.datetime,
) -> ParticipantEvaluation:
    before, after = pick_before_after(assessments, windows) if windows else (None, None)
    progress = None
    if before is not None and after is not None:
        # The engine is given the referential of the later assessment (progress.py).
        referential = after.engine_referential()
        if _knows(referential, before.typology):
            progress = compare_assessments(_stored(before), _stored(after), referential)
    return ParticipantEvaluation(
        enrolment=enrolment,
        person=cast(Person, enrolment.person),
        before=before,
        after=after,
        before_typology=_typology_label(before),
        after_typology=_typology_label(after),
        progress=progress,
        draft=drafts.get(enrolment.person_id) if after is None else None,
    )


def _stored(assessment: Assessment) -> Any:
    """What the engine reads of a result: typology, values per area, total, referential."""
    return assessment_rules.stored_result(
        kind=assessment.kind,
        typology=assessment.typology,
        area_values=assessment.area_values,
        total=assessment.total,
        referential_version=assessment.referential_version,
        referential_hash=assessment.referential_hash,
        result={},
    )


def _knows(referential: Referential, typology: str) -> bool:
    return typology in {t.code for t in referential.typologies}


def _typology_label(assessment: Assessment | None) -> str:
    if assessment is None:
        return ""
    referential = assessment.engine_referential()
    if not _knows(referential, assessment.typology):
        return assessment.typology
    return referential.typology(assessment.typology).label


def _counts(rows: Sequence[ParticipantEvaluation]) -> dict[str, int]:
    """People evaluated before and after, and how they fared on the total."""
    verdicts = [row.verdict for row in rows if row.verdict]
    return {"both": len(verdicts)} | {verdict: verdicts.count(verdict) for verdict in VERDICTS}


def _masked(counts: dict[str, int]) -> dict[str, str]:
    """The counts as shown: the verdicts and their total form one line (a sum), so that no
    masked verdict can be worked out by subtraction."""
    return disclosure.masked_texts(counts, [[*VERDICTS, "both"]])
