"""The result page: typology and why, access gaps, context, the recommended next step
with the nearest matching places open when the person is available, and progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from aiguillage.assessments.engine import (
    Progress,
    Recommendation,
    RecommendationStep,
    Referential,
    compare_assessments,
    recommend,
)
from aiguillage.assessments.forms import AvailabilityForm
from aiguillage.assessments.models import Assessment
from aiguillage.assessments.permissions import get_assessment_for_user
from aiguillage.assessments.views.start import next_step_url
from aiguillage.places import hours
from aiguillage.places.models import Place
from aiguillage.places.rules import format_distance
from aiguillage.places.search import SearchQuery, search_places
from aiguillage.places.search_forms import SLOTS, WEEKDAY_CHOICES, commune_label
from aiguillage.referrals.permissions import can_refer_person

# The first step gets three places, the next ones two: the page is read on a phone.
PLACES_FIRST_STEP = 3
PLACES_OTHER_STEPS = 2
# Nearest candidates among which those with the recommended kind of support come first.
CANDIDATES = 12


@dataclass
class PlaceRow:
    place: Place
    distance: str
    status: hours.OpeningStatus
    slot: str
    fits: list[str] = field(default_factory=list)  # recommended supports the place offers

    @property
    def badge_class(self) -> str:
        if self.status.is_open is None:
            return "badge-unknown"
        return "badge-open" if self.status.is_open else "badge-closed"


@dataclass
class StepView:
    step: RecommendationStep
    places: list[PlaceRow]
    more_url: str
    same_places_as: str = ""  # an earlier step with the same services and support: its places

    @property
    def services(self) -> str:
        """« Prêt de matériel ou Wifi public gratuit »: one of them is enough."""
        return " ou ".join(service.label for service in self.step.services)


def assessment_result(request: HttpRequest, public_id) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, public_id, purpose="résultat")
    if not assessment.is_complete:
        return redirect(next_step_url(assessment))
    referential = assessment.engine_referential()
    availability = AvailabilityForm(request.GET or None)
    recommendation = recommend(referential, cast(Any, assessment.stored()))
    context = {
        "assessment": assessment,
        "person": assessment.person,
        "result": assessment.result,
        "typology": referential.typology(assessment.typology),
        "computed": referential.typology(assessment.computed_typology),
        "recommendation": recommendation,
        "steps": _steps(assessment, recommendation, availability),
        "availability": availability,
        "availability_text": hours.describe_opening_hours(availability.osm())
        if availability.osm()
        else [],
        "progress": _progress(assessment, referential),
        "decisive": [r for r in assessment.result.get("reasons", []) if r["decisive"]],
        "can_refer": can_refer_person(_current_organisation(request), assessment.person),
        "other_reasons": [r for r in assessment.result.get("reasons", []) if not r["decisive"]],
    }
    return render(request, "assessments/assessment_result.html", context)


def _current_organisation(request: HttpRequest):
    membership = getattr(request, "membership", None)
    return membership.organisation if membership is not None else None


def previous_of_same_kind(assessment: Assessment) -> Assessment | None:
    return (
        Assessment.objects.complete()
        .filter(person=assessment.person, kind=assessment.kind)
        .filter(completed_at__lt=assessment.completed_at)
        .select_related("referential")
        .order_by("-completed_at", "-id")
        .first()
    )


def _progress(
    assessment: Assessment, referential: Referential
) -> tuple[Assessment, Progress] | None:
    previous = previous_of_same_kind(assessment)
    if previous is None or not referential_knows(referential, previous.typology):
        return None
    # The engine reads only the typology, values per area and total of each result.
    progress = compare_assessments(
        cast(Any, previous.stored()), cast(Any, assessment.stored()), referential
    )
    return previous, progress


def referential_knows(referential: Referential, typology: str) -> bool:
    return typology in {t.code for t in referential.typologies}


def _steps(
    assessment: Assessment, recommendation: Recommendation, availability: AvailabilityForm
) -> list[StepView]:
    commune = assessment.person.commune
    now = timezone.now()
    views: list[StepView] = []
    for step in recommendation.steps:
        codes = [service.code for service in step.services]
        more_url = _search_url(step, commune, availability)
        # The same services with the same kind of support: the same places.
        earlier = next(
            (
                v
                for v in views
                if [s.code for s in v.step.services] == codes and v.step.modalites == step.modalites
            ),
            None,
        )
        if earlier is not None:
            views.append(StepView(step, [], more_url, same_places_as=earlier.services))
            continue
        query = SearchQuery(
            latitude=commune.latitude if commune else None,
            longitude=commune.longitude if commune else None,
            services=codes,
            availability=availability.osm(),
            # Without a commune, the structure's territory, in alphabetical order.
            territory=None if commune else assessment.organisation.territory,
            limit=CANDIDATES,
        )
        count = PLACES_OTHER_STEPS if views else PLACES_FIRST_STEP
        rows = _place_rows(search_places(query, now=now), step, recommendation, now)[:count]
        views.append(StepView(step, rows, more_url))
    return views


def _place_rows(results, step: RecommendationStep, recommendation: Recommendation, now) -> list:
    """The nearest places, those with the step's kind of support (then with the most
    recommended supports) first."""
    today = timezone.localdate(now)
    ranked = []
    for index, found in enumerate(results):
        place = found.place
        modalites = [m for m in step.modalites if m in place.modalites_accompagnement]
        supports = [
            s for s in recommendation.prise_en_charge if s in place.prise_en_charge_specifique
        ]
        row = PlaceRow(
            place=place,
            distance=f"à {format_distance(found.distance_m)}"
            if found.distance_m is not None
            else "",
            status=hours.opening_status(place.horaires, now, place.territory.tz),
            slot=hours.describe_slot(*found.first_slot, today=today) if found.first_slot else "",
            fits=modalites + supports,
        )
        ranked.append(((bool(step.modalites) and not modalites, -len(supports), index), row))
    ranked.sort(key=lambda pair: pair[0])
    return [row for _, row in ranked]


def _search_url(step: RecommendationStep, commune, availability: AvailabilityForm) -> str:
    """The public search with the same services, commune and availability: more places."""
    params: list[tuple[str, str]] = [("services", s.code) for s in step.services]
    if commune is not None:
        params.append(("ou", commune_label(commune)))
    if availability.osm():
        days = availability.cleaned_data["jours"] or [code for code, _ in WEEKDAY_CHOICES]
        moments = availability.cleaned_data["moments"] or list(SLOTS)
        params.append(("quand", "disponible"))
        params += [("dispo_jours", day) for day in days]
        params += [("dispo_creneaux", moment) for moment in moments]
    return f"{reverse('places:search')}?{urlencode(params)}"
