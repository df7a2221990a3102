"""Enrolling: from a session's or cycle's page (search among the structure's people, or
count an anonymous participant at the desk), from a person's page (« Inscrire à un
atelier »: ``?personne=<public_id>``), and an enrolment's own page (SMS text, charter,
cancellation)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from aiguillage.journal.actions import log_event
from aiguillage.people.models import Person
from aiguillage.people.permissions import get_person_for_user, organisations_of
from aiguillage.workshops import enrolment_actions
from aiguillage.workshops.errors import WorkshopError
from aiguillage.workshops.forms import AnonymousForm, EnrolPersonForm
from aiguillage.workshops.models import Cycle, Session, coming_workshops
from aiguillage.workshops.notifications import participant_sms_text
from aiguillage.workshops.permissions import (
    can_enrol_in,
    can_manage_workshop,
    followed_person_ids,
    get_cycle_for_user,
    get_enrolment_for_user,
    get_session_for_user,
)
from aiguillage.workshops.views.context import (
    current_organisation,
    current_organisation_id,
    participant_name,
    render_in_territory,
    seats_of,
)

CYCLE = "cycle"


def _workshop(request: HttpRequest, kind: str, public_id, *, manage: bool = False):
    fetch = get_cycle_for_user if kind == CYCLE else get_session_for_user
    return fetch(request.user, public_id, manage=manage)


def _chosen_person(request: HttpRequest) -> Person | None:
    public_id = request.GET.get("personne")
    if not public_id:
        return None
    return get_person_for_user(request.user, public_id, purpose="inscription à un atelier")


def _search(request: HttpRequest, organisation) -> tuple[str, list[Person]]:
    text = request.GET.get("q", "").strip()[:60]
    if not text:
        return text, []
    people = list(
        Person.objects.for_organisation(organisation)
        .active()
        .filter(Q(first_name__icontains=text) | Q(last_name__icontains=text))
        .select_related("commune")[:20]
    )
    # A search shows people: journaled, never the searched text.
    log_event(
        "people_listed",
        actor=request.user,
        data={
            "organisation": organisation.pk,
            "search": True,
            "purpose": "inscription à un atelier",
            "people": [str(person.public_id) for person in people],
        },
    )
    return text, people


def _enrol_page(request, target, *, form=None, anonymous_form=None, status=200) -> HttpResponse:
    organisation = current_organisation(request)
    text, people = _search(request, organisation)
    manage = can_manage_workshop(request.user, target)
    context = {
        "target": target,
        "is_cycle": isinstance(target, Cycle),
        "kind": CYCLE if isinstance(target, Cycle) else "seance",
        "seats": seats_of(target),
        "q": text,
        "people": people,
        "chosen": _chosen_person(request),
        "form": form or EnrolPersonForm(),
        "can_count_anonymous": manage,
        "anonymous_form": anonymous_form or AnonymousForm(territory=target.territory),
    }
    return render_in_territory(request, "workshops/enrol.html", context, target.territory, status)


def enrol(request: HttpRequest, kind: str, public_id) -> HttpResponse:
    workshop = _workshop(request, kind, public_id)
    if isinstance(workshop, Session) and workshop.cycle_id:
        # People enrol in the whole cycle.
        url = reverse("workshops:cycle_enrol", args=[workshop.cycle.public_id])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)
    if not can_enrol_in(request.user, workshop, current_organisation_id(request)):
        raise PermissionDenied("Votre structure ne peut pas inscrire de personne à cet atelier.")
    if request.method != "POST":
        return _enrol_page(request, workshop)
    form = EnrolPersonForm(request.POST)
    if form.is_valid():
        person = get_person_for_user(
            request.user, form.cleaned_data["person"], purpose="inscription à un atelier"
        )
        try:
            enrolment = enrolment_actions.enrol_person(
                actor=request.user, target=workshop, person=person,
                prescriber_organisation=current_organisation(request),
                charter_accepted=form.cleaned_data["charter_accepted"],
            )  # fmt: skip
        except WorkshopError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _enrolled_message(enrolment))
            return redirect("workshops:enrolment_detail", enrolment.public_id)
    return _enrol_page(request, workshop, form=form, status=400)


def _enrolled_message(enrolment) -> str:
    if enrolment.status == "waiting":
        return "L'atelier est complet : la personne est sur la liste d'attente."
    return "La personne est inscrite."


@require_POST
def enrol_anonymous(request: HttpRequest, kind: str, public_id) -> HttpResponse:
    workshop = _workshop(request, kind, public_id, manage=True)
    form = AnonymousForm(request.POST, territory=workshop.territory)
    if form.is_valid():
        try:
            enrolment_actions.enrol_anonymous(
                actor=request.user, target=workshop, organisation=workshop.organisation,
                **form.cleaned_data,
            )  # fmt: skip
        except WorkshopError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Le participant sans fiche est compté.")
            name = "workshops:cycle_detail" if kind == CYCLE else "workshops:session_detail"
            return redirect(name, workshop.public_id)
    return _enrol_page(request, workshop, anonymous_form=form, status=400)


def enrol_for_person(request: HttpRequest) -> HttpResponse:
    """« Inscrire à un atelier » from a person's page: the territory's coming workshops."""
    organisation = current_organisation(request)
    person = _chosen_person(request)
    if person is None or organisation.territory is None:
        raise PermissionDenied("Ouvrez d'abord la fiche de la personne.")
    now = timezone.now()
    visible = Q(is_published=True) | Q(organisation=organisation)
    cycles, sessions = coming_workshops(organisation.territory, visible, now=now)
    context = {"person": person, "cycles": cycles, "sessions": sessions}
    return render_in_territory(
        request, "workshops/enrol_for_person.html", context, organisation.territory
    )


def enrolment_detail(request: HttpRequest, public_id) -> HttpResponse:
    enrolment = get_enrolment_for_user(request.user, public_id)
    target = enrolment.target
    followed = followed_person_ids(
        request.user, [enrolment.person_id] if enrolment.person_id else []
    )
    name, detail = participant_name(enrolment, followed)
    if enrolment.person_id:
        log_event(
            "person_accessed",
            actor=request.user,
            obj=enrolment.person,
            data={"purpose": "inscription à un atelier"},
        )
    person = enrolment.person
    phone = ""
    if person is not None and person.pk in followed and person.contact_preference == "telephone":
        phone = person.contact_value
    context = {
        "enrolment": enrolment,
        "target": target,
        "name": name,
        "detail": detail,
        "changes": enrolment.changes.select_related("actor", "organisation"),
        "sms": participant_sms_text(
            target, first_name=person.first_name if person and not person.anonymised_at else ""
        ),
        "phone": phone,
        "charter": target.charter if isinstance(target, Cycle) else None,
        "can_cancel": enrolment.is_open,
    }
    return render_in_territory(
        request, "workshops/enrolment_detail.html", context, target.territory
    )


def _acting_organisation(request: HttpRequest, enrolment):
    """The user's structure that acts: the organiser's or the prescriber's."""
    mine = organisations_of(request.user)
    for organisation in (enrolment.target.organisation, enrolment.prescriber_organisation):
        if organisation.pk in mine:
            return organisation
    raise PermissionDenied


@require_POST
def enrolment_cancel(request: HttpRequest, public_id) -> HttpResponse:
    enrolment = get_enrolment_for_user(request.user, public_id)
    try:
        enrolment_actions.cancel_enrolment(
            actor=request.user, enrolment=enrolment,
            organisation=_acting_organisation(request, enrolment),
            note=request.POST.get("note", "")[:300],
        )  # fmt: skip
    except WorkshopError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, "L'inscription est annulée ; la place revient à la liste d'attente."
        )
    return redirect("workshops:enrolment_detail", enrolment.public_id)


@require_POST
def enrolment_charter(request: HttpRequest, public_id) -> HttpResponse:
    enrolment = get_enrolment_for_user(request.user, public_id)
    try:
        enrolment_actions.record_charter_acceptance(actor=request.user, enrolment=enrolment)
    except WorkshopError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "L'acceptation de la charte est enregistrée.")
    return redirect("workshops:enrolment_detail", enrolment.public_id)
