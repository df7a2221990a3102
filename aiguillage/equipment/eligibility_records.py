"""The facts ``eligibility`` needs, read from the records: the person's latest finished
screening and the earliest cycle they completed with a partner of the programme."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Max, Q
from django.utils import timezone

from aiguillage.assessments.models import Assessment, AssessmentKind
from aiguillage.equipment import eligibility
from aiguillage.equipment.models import Programme, ProgrammePartner
from aiguillage.people.models import Person
from aiguillage.workshops.models import Enrolment, SessionStatus


def screening_facts(person: Person, programme: Programme) -> eligibility.ScreeningFacts | None:
    latest = (
        Assessment.objects.complete()
        .for_person(person)
        .filter(kind=AssessmentKind.SCREENING)
        .order_by("-completed_at", "-id")
        .first()
    )
    if latest is None or latest.completed_at is None:
        return None
    return eligibility.ScreeningFacts(
        completed_on=timezone.localdate(latest.completed_at, programme.territory.tz),
        flag_codes=latest.stored().flag_codes,
    )


def cycle_facts(person: Person, programme: Programme) -> eligibility.CycleFacts | None:
    """The first cycle the person completed with a partner structure of the programme (of
    the programme's kinds, if it lists some); it ends with its last session held."""
    partners = ProgrammePartner.objects.filter(programme=programme).values("organisation_id")
    completed = (
        Enrolment.objects.completed()
        .for_person(person)
        .filter(cycle__isnull=False, cycle__organisation_id__in=partners)
    )
    kinds = list(programme.cycle_kinds.values_list("pk", flat=True))
    if kinds:
        completed = completed.filter(cycle__kind_id__in=kinds)
    held = Q(cycle__sessions__status=SessionStatus.PLANNED)
    rows = completed.annotate(last_end=Max("cycle__sessions__ends_at", filter=held)).values(
        "pk", "cycle__title", "last_end", "closed_at"
    )
    tz = programme.territory.tz
    found = [
        eligibility.CycleFacts(
            enrolment_id=row["pk"],
            title=row["cycle__title"],
            completed_on=timezone.localdate(row["last_end"] or row["closed_at"], tz),
        )
        for row in rows
        if row["last_end"] or row["closed_at"]
    ]
    return min(found, key=lambda facts: (facts.completed_on, facts.enrolment_id), default=None)


def check_person(
    person: Person, programme: Programme, answers: Mapping[str, bool | None]
) -> eligibility.Eligibility:
    """Every check of ``programme`` for ``person``, with the professional's ``answers`` to
    the territory's questions."""
    return eligibility.evaluate(
        requires_no_device=programme.requires_no_device,
        requires_completed_cycle=programme.requires_completed_cycle,
        cycle_kinds=[kind.label for kind in programme.cycle_kinds.all()],
        criteria=eligibility.extra_criteria(programme.extra_criteria),
        screening=screening_facts(person, programme) if programme.requires_no_device else None,
        cycle=cycle_facts(person, programme) if programme.requires_completed_cycle else None,
        answers=answers,
    )
