"""The waiting list of a programme, « Inscrire une personne » (choose among the people the
structure follows, see the checks, answer the questions, confirm) and the reservation of a
ready computer for the first person of the list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from aiguillage.equipment import allocation_actions, eligibility, eligibility_records
from aiguillage.equipment.allocation_forms import RequestForm, ReserveForm
from aiguillage.equipment.allocation_permissions import visible_allocations
from aiguillage.equipment.errors import EquipmentError
from aiguillage.equipment.models import A, Allocation, D, Device, Programme
from aiguillage.equipment.permissions import get_programme_for_user, is_partner
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.people.models import Person
from aiguillage.people.permissions import get_person_for_user

PURPOSE = "demande d'ordinateur"


def render_in_territory(
    request: HttpRequest, template: str, programme: Programme, context: dict, status: int = 200
) -> HttpResponse:
    with timezone.override(programme.territory.tz):
        return render(request, template, {"programme": programme} | context, status=status)


def ready_devices(programme: Programme):
    return (
        Device.objects.of_programme(programme).filter(state=D.READY).order_by("received_on", "id")
    )


def _row(allocation: Allocation, visible: set[int]) -> dict:
    shown = allocation.pk in visible
    return {
        "allocation": allocation,
        "shown": shown,
        "name": allocation.person.first_name
        if shown and allocation.person
        else f"Personne suivie par {allocation.organisation.name}",
    }


def _journal_people_shown(request: HttpRequest, rows: list[dict]) -> None:
    shown = [str(r["allocation"].person.public_id) for r in rows if r["shown"]]
    if shown:
        log_event(
            "people_listed",
            actor=request.user,
            data={"purpose": "liste d'attente d'ordinateurs", "people": shown},
        )


def allocation_list(request: HttpRequest, public_id) -> HttpResponse:
    # Coordinators and staff read the programme, not its people (403).
    programme = get_programme_for_user(request.user, public_id, manage=True)
    waiting = list(allocation_actions.waiting(programme).select_related("person", "organisation"))
    ongoing = list(
        Allocation.objects.filter(programme=programme, status__in=(A.RESERVED, A.HANDED_OVER))
        .select_related("person", "organisation", "device")
        .order_by("reserved_at", "id")
    )
    visible = visible_allocations(request.user, waiting + ongoing)
    rows = [_row(a, visible) for a in waiting]
    mine = [_row(a, visible) for a in ongoing if a.pk in visible]
    _journal_people_shown(request, rows + mine)
    devices = list(ready_devices(programme))
    context = {
        "rows": rows,
        "ongoing": mine,
        "ready_count": len(devices),
        "next_form": ReserveForm(devices=devices) if devices and rows else None,
    }
    return render_in_territory(request, "equipment/allocation_list.html", programme, context)


@require_POST
def allocation_reserve_next(request: HttpRequest, public_id) -> HttpResponse:
    programme = get_programme_for_user(request.user, public_id, manage=True)
    form = ReserveForm(request.POST, devices=ready_devices(programme))
    organisation = _acting(request, programme)
    if form.is_valid():
        try:
            allocation_actions.reserve_for_next(
                actor=request.user, organisation=organisation, programme=programme,
                device=form.chosen(),
            )  # fmt: skip
        except EquipmentError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                "L'ordinateur est réservé pour la première personne de la liste. La structure "
                "qui la suit le voit sur sa page.",
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("equipment:allocation_list", programme.public_id)


def _acting(request: HttpRequest, programme: Programme) -> Organisation:
    """The current structure, which must be a partner of the programme (else 403)."""
    membership = getattr(request, "membership", None)
    if membership is None or not is_partner(request.user, programme):
        raise PermissionDenied("Seules les structures partenaires du programme font cela.")
    if not programme.partners.filter(organisation_id=membership.organisation_id).exists():
        raise PermissionDenied(
            "Votre structure actuelle n'est pas partenaire du programme : changez de structure."
        )
    return membership.organisation


def _search(request: HttpRequest, organisation: Organisation) -> tuple[str, list[Person]]:
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
        data={"purpose": PURPOSE, "people": [str(p.public_id) for p in people]},
    )
    return text, people


def allocation_request(request: HttpRequest, public_id) -> HttpResponse:
    """« Inscrire une personne »: search, then the checks and the questions, then confirm."""
    programme = get_programme_for_user(request.user, public_id, manage=True)
    organisation = _acting(request, programme)
    chosen_id = request.POST.get("person") or request.GET.get("personne")
    if not chosen_id:
        text, people = _search(request, organisation)
        context = {"q": text, "people": people, "person": None}
        return render_in_territory(request, "equipment/allocation_request.html", programme, context)
    person = get_person_for_user(request.user, chosen_id, purpose=PURPOSE)
    criteria = eligibility.extra_criteria(programme.extra_criteria)
    needs_consent = allocation_actions.equipment_consent(person) is None
    form = RequestForm(
        request.POST if request.method == "POST" else None,
        criteria=criteria,
        needs_consent=needs_consent,
    )
    if request.method == "POST" and form.is_valid():
        try:
            allocation = allocation_actions.request_allocation(
                actor=request.user, organisation=organisation, programme=programme,
                person=person, answers=form.answers(), consent_given_now=needs_consent,
            )  # fmt: skip
        except EquipmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{person.first_name} est sur la liste d'attente.")
            return redirect("equipment:allocation_detail", allocation.public_id)
    checks = eligibility_records.check_person(person, programme, {})
    context = {
        "person": person,
        "form": form,
        "record_checks": [
            c for c in checks.checks if c.code in (eligibility.NO_DEVICE, eligibility.CYCLE)
        ],
        "records_ok": all(
            c.met for c in checks.checks if c.code in (eligibility.NO_DEVICE, eligibility.CYCLE)
        ),
        "already": Allocation.objects.active().filter(programme=programme, person=person).first(),
    }
    status = 400 if form.errors else 200
    return render_in_territory(
        request, "equipment/allocation_request.html", programme, context, status
    )
