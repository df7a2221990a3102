"""Sending a referral, in three short screens that fit a phone: the person, the need,
the place (chosen among the matches, or beforehand from its page), then send.

The need travels between the screens in the session (server side), never in the
address: it may say things about the person.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from aiguillage.assessments.engine import recommend
from aiguillage.assessments.models import Assessment
from aiguillage.assessments.permissions import get_assessment_for_user
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.people.actions import PersonError, create_person, record_consent
from aiguillage.people.models import Person
from aiguillage.people.permissions import get_person_for_user
from aiguillage.people.rules import CONSENT_EXPLANATION
from aiguillage.places.models import Place
from aiguillage.referrals import matching, rules
from aiguillage.referrals.actions import (
    ReferralError,
    orientation_consent,
    record_unmet_need,
    send_referral,
)
from aiguillage.referrals.forms import NeedForm, QuickPersonForm, SendForm, values_from_draft
from aiguillage.referrals.models import Referral
from aiguillage.referrals.permissions import get_person_for_redirection, get_referral_for_user

DRAFT_KEY = "referral_draft"
RECENT_PEOPLE = 15


def _organisation(request: HttpRequest) -> Organisation:
    membership = getattr(request, "membership", None)
    if membership is None:
        raise PermissionDenied("Il faut appartenir à une structure pour orienter une personne.")
    return membership.organisation


def _person(request: HttpRequest, public_id) -> Person:
    """The person, if the current structure follows them, or received a referral of them that
    it may still redirect (others: 404)."""
    membership = getattr(request, "membership", None)
    person = None
    if membership is not None:
        person = get_person_for_redirection(request.user, membership.organisation, public_id)
    if person is None:
        person = get_person_for_user(request.user, public_id, purpose="orientation")
        if not person.accesses.filter(organisation=_organisation(request)).exists():
            raise Http404("Personne introuvable")
    if person.anonymised_at:
        raise Http404("Personne introuvable")
    return person


def _place(public_id) -> Place | None:
    """A published place, or None for a missing or malformed id."""
    try:
        place_id = uuid.UUID(str(public_id)) if public_id else None
    except ValueError:
        return None
    if place_id is None:
        return None
    return (
        Place.objects.published()
        .select_related("organisation", "territory")
        .filter(public_id=place_id)
        .first()
    )


def _draft(request: HttpRequest, person: Person) -> dict[str, Any] | None:
    draft = request.session.get(DRAFT_KEY)
    if not draft or draft.get("person") != str(person.public_id):
        return None
    return draft


def _criteria(draft: dict[str, Any], values: dict[str, Any]) -> matching.Criteria:
    commune = values["origin_commune"]
    return matching.Criteria(
        needs=draft["values"]["needs"],
        services=draft["values"]["services"],
        languages=draft["values"]["languages"],
        supports=draft["values"]["supports"],
        pathway=draft["values"]["pathway"],
        availability=draft["values"]["availability"],
        max_distance_km=draft["values"]["max_distance_km"],
        latitude=commune.latitude if commune is not None else None,
        longitude=commune.longitude if commune is not None else None,
    )


def _recent_people(request: HttpRequest, organisation: Organisation) -> list[Person]:
    """The people the structure saw last, for screen 1; journaled like people's own list
    (``people_listed``: which files were shown)."""
    people = list(
        Person.objects.for_organisation(organisation)
        .active()
        .select_related("commune")
        .order_by("-last_activity_at")[:RECENT_PEOPLE]
    )
    log_event(
        "people_listed",
        actor=request.user,
        data={
            "organisation": organisation.pk,
            "search": False,
            "people": [str(person.public_id) for person in people],
            "page": "referral_start",
        },
    )
    return people


def referral_start(request: HttpRequest) -> HttpResponse:
    """Screen 1: whom to refer — a person the structure follows, or a new one."""
    organisation = _organisation(request)
    place = _place(request.GET.get("lieu"))
    form = QuickPersonForm(request.POST or None, territory=organisation.territory)
    if request.method == "POST" and form.is_valid():
        values = {key: form.cleaned_data[key] for key in ("first_name", "commune", "languages")}
        try:
            person = create_person(
                actor=request.user,
                organisation=organisation,
                values=values,
                purposes=["accompagnement", "orientation"],
                explained_text=f"{CONSENT_EXPLANATION} {rules.ORIENTATION_EXPLANATION}",
            )
        except PersonError as error:
            form.add_error(None, str(error))
        else:
            url = reverse("referrals:referral_need", args=[person.public_id])
            return redirect(f"{url}?lieu={place.public_id}" if place else url)
    people = _recent_people(request, organisation)
    context = {"form": form, "people": people, "place": place, "organisation": organisation}
    return render(request, "referrals/referral_start.html", context)


def referral_need(request: HttpRequest, public_id) -> HttpResponse:
    """Screen 2: the need, when the person can go, what they can do."""
    person = _person(request, public_id)
    organisation = _organisation(request)
    draft = _draft(request, person)
    assessment = _assessment(request, person, request.GET.get("diagnostic"))
    if assessment is not None:
        initial = _initial_from_assessment(assessment)
    elif draft is not None:
        initial = NeedForm.initial_from_draft(draft["values"])
    else:
        initial = {"languages": person.languages or ["fr"], "origin_commune": person.commune_id}
    # Only the address says where the sender comes from (a place page, a redirection):
    # a draft left from an earlier start must not carry them over.
    place = _place(request.GET.get("lieu"))
    previous = _previous(request, request.GET.get("depuis"))
    initial["lieu"] = place.public_id if place else None
    initial["depuis"] = previous.public_id if previous else None
    form = NeedForm(request.POST or None, initial=initial, territory=organisation.territory)
    if request.method == "POST" and form.is_valid():
        place = _place(form.cleaned_data["lieu"])
        previous = _previous(request, form.cleaned_data["depuis"])
        request.session[DRAFT_KEY] = {
            "person": str(person.public_id),
            "values": form.to_draft(),
            "place": str(place.public_id) if place else None,
            "previous": str(previous.public_id) if previous else None,
            "previous_version": previous.version if previous else None,
        }
        if place is not None:
            return redirect("referrals:referral_confirm", person.public_id, place.public_id)
        return redirect("referrals:referral_matches", person.public_id)
    context = {
        "form": form,
        "person": person,
        "place": place,
        "previous": previous,
        "assessment": assessment,
    }
    return render(request, "referrals/referral_need.html", context)


def _assessment(request: HttpRequest, person: Person, public_id) -> Assessment | None:
    """The completed assessment whose result « Orienter » comes from (``?diagnostic=``); one
    the user cannot see, or of another person, is a 404."""
    if not public_id or request.method != "GET":
        return None
    assessment = get_assessment_for_user(request.user, public_id, purpose="orientation")
    if assessment.person_id != person.pk or not assessment.is_complete:
        raise Http404("Diagnostic introuvable")
    return assessment


def _initial_from_assessment(assessment: Assessment) -> dict[str, Any]:
    """What the result already says, so that it is not typed again (still editable)."""
    referential = assessment.engine_referential()
    recommendation = recommend(referential, cast(Any, assessment.stored()))
    first_step = recommendation.steps[0] if recommendation.steps else None
    flags = assessment.result.get("access_gaps", []) + assessment.result.get("context_flags", [])
    person = assessment.person
    initial = rules.need_from_assessment(
        flags=[flag["code"] for flag in flags],
        pathway=referential.typology(assessment.typology).pathway,
        services=[service.code for service in first_step.services] if first_step else [],
        languages=person.languages,
        completed_on=timezone.localdate(assessment.completed_at),
        today=timezone.localdate(),
    )
    return initial | {"origin_commune": person.commune_id}


def _previous(request: HttpRequest, public_id) -> Referral | None:
    """The referral being redirected: only its receiving structure may redirect it."""
    if not public_id:
        return None
    return get_referral_for_user(request.user, public_id, answer=True)


def referral_matches(request: HttpRequest, public_id) -> HttpResponse:
    """Screen 3: the places that fit, nearest first, with the reasons."""
    person = _person(request, public_id)
    organisation = _organisation(request)
    draft = _draft(request, person)
    if draft is None:
        return redirect("referrals:referral_need", person.public_id)
    values = values_from_draft(draft["values"])
    criteria = _criteria(draft, values)
    matches = matching.find_matches(criteria, territory=organisation.territory, now=timezone.now())
    if not matches and not draft.get("unmet_recorded") and organisation.territory is not None:
        # Once per draft: reloading the page must not count the same need twice.
        record_unmet_need(
            territory=organisation.territory,
            commune=values["origin_commune"],
            organisation=organisation,
            values=values,
        )
        draft["unmet_recorded"] = True
        request.session[DRAFT_KEY] = draft
    context = {
        "person": person,
        "matches": matches,
        "summary": rules.need_lines(values),
        "origin": values["origin_commune"],
        "previous_id": draft.get("previous"),
    }
    return render(request, "referrals/referral_match.html", context)


def referral_confirm(request: HttpRequest, public_id, place_id) -> HttpResponse:
    """Screen 4: the chosen place, what fits or not, the message; then send."""
    person = _person(request, public_id)
    organisation = _organisation(request)
    draft = _draft(request, person)
    if draft is None:
        return redirect("referrals:referral_need", person.public_id)
    place = _place(place_id)
    if place is None:
        raise Http404("Lieu introuvable")
    values = values_from_draft(draft["values"])
    match = matching.check_place(place, _criteria(draft, values), now=timezone.now())
    previous = _previous(request, draft.get("previous"))
    needs_consent = orientation_consent(person) is None
    form = SendForm(request.POST or None, needs_consent=needs_consent)
    if request.method == "POST" and match.can_receive and form.is_valid():
        try:
            if needs_consent:
                record_consent(
                    actor=request.user,
                    person=person,
                    organisation=organisation,
                    purposes=["orientation"],
                    explained_text=rules.ORIENTATION_EXPLANATION,
                )
            referral = send_referral(
                actor=request.user,
                organisation=previous.receiver_organisation if previous else organisation,
                person=person,
                place=place,
                values=values,
                message=form.cleaned_data["message"],
                reasons=match.reasons,
                distance_m=match.distance_m,
                first_slot_at=match.first_slot[0] if match.first_slot else None,
                previous=previous,
                previous_version=draft.get("previous_version"),
            )
        except (ReferralError, PersonError) as error:
            form.add_error(None, str(error))
        else:
            request.session.pop(DRAFT_KEY, None)
            messages.success(
                request,
                f"L'orientation est envoyée à {place.organisation.name}. Donnez la fiche ou le "
                "SMS à la personne.",
            )
            return redirect("referrals:referral_detail", referral.public_id)
    context = {
        "person": person,
        "place": place,
        "match": match,
        "form": form,
        "summary": rules.need_lines(values),
        "previous": previous,
        "from_matches": not draft.get("place"),
        "visible_days": rules.RECEIVER_SEES_PERSON_DAYS,
    }
    return render(request, "referrals/referral_confirm.html", context)
