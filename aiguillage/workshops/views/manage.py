"""The organiser's pages: the structure's sessions, creating a session or a series (cycle or
stand-alone sessions), a session's and a cycle's page, moving and cancelling, seats."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from aiguillage.accounts.permissions import is_coordinator
from aiguillage.workshops import actions, rules
from aiguillage.workshops.enrolment_actions import attendance_counts
from aiguillage.workshops.errors import WorkshopError
from aiguillage.workshops.forms import CancelForm, CapacityForm, MoveForm, SeriesForm, SessionForm
from aiguillage.workshops.models import SEAT_STATUSES, E, Session, SessionStatus
from aiguillage.workshops.permissions import (
    can_enrol_in,
    can_manage_workshop,
    get_cycle_for_user,
    get_session_for_user,
)
from aiguillage.workshops.views.context import (
    current_organisation,
    current_organisation_id,
    journal_people_shown,
    participant_rows,
    render_in_territory,
    seats_of,
    session_rows,
    target_enrolments,
)
from aiguillage.workshops.views.evaluation import evaluation_section
from aiguillage.workshops.views.satisfaction import satisfaction_section

PAGE_SIZE = 20
WHEN_TABS = {"a-venir": "À venir", "passees": "Passées"}


def session_list(request: HttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    when = request.GET.get("quand") if request.GET.get("quand") in WHEN_TABS else "a-venir"
    sessions = Session.objects.for_organisation(organisation).select_related("place", "cycle")
    now = timezone.now()
    sessions = sessions.upcoming(now) if when == "a-venir" else sessions.past(now)
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "page": page,
        "when": when,
        "tabs": list(WHEN_TABS.items()),
        "rows": session_rows(page.object_list),
        "can_edit_catalogue": is_coordinator(request.user, organisation.territory),
    }
    return render_in_territory(
        request, "workshops/session_list.html", context, organisation.territory
    )


def session_create(request: HttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    form = SessionForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = actions.create_session(
                actor=request.user, organisation=organisation, starts_at=data["starts_at"],
                ends_at=data["ends_at"], **form.values(),
            )  # fmt: skip
        except WorkshopError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "La séance est créée.")
            return redirect("workshops:session_detail", session.public_id)
    context = {"form": form, "organisation": organisation, "series": False}
    status = 400 if form.errors else 200
    return render_in_territory(
        request, "workshops/session_form.html", context, organisation.territory, status
    )


def series_create(request: HttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    form = SeriesForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            sessions = actions.create_series(
                actor=request.user, organisation=organisation, **form.series_values()
            )
        except WorkshopError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{len(sessions)} séances sont créées.")
            if sessions[0].cycle_id:
                return redirect("workshops:cycle_detail", sessions[0].cycle.public_id)
            return redirect("workshops:session_list")
    context = {"form": form, "organisation": organisation, "series": True}
    status = 400 if form.errors else 200
    return render_in_territory(
        request, "workshops/session_form.html", context, organisation.territory, status
    )


def _participants(request, target, *, manage: bool, session=None) -> list:
    enrolments = target_enrolments(target)
    if not manage:  # other structures see only the people they enrolled
        enrolments = enrolments.filter(prescriber_organisation_id=current_organisation_id(request))
    rows = participant_rows(request.user, enrolments, session=session)
    journal_people_shown(request, rows, "participants d'un atelier")
    return rows


def _workshop_context(request, workshop, target) -> dict:
    manage = can_manage_workshop(request.user, workshop)
    session = workshop if isinstance(workshop, Session) else None
    rows = _participants(request, target, manage=manage, session=session)
    return {
        "can_manage": manage,
        "can_enrol": can_enrol_in(request.user, target, current_organisation_id(request)),
        "seated": [row for row in rows if row.enrolment.status in SEAT_STATUSES],
        "waiting": [row for row in rows if row.enrolment.status == E.WAITING],
        "seats": seats_of(target),
        "audiences": rules.labels(workshop.audiences, rules.AUDIENCES),
    }


def _session_page(request, session, *, capacity_form=None, status=200) -> HttpResponse:
    context = _workshop_context(request, session, session.target) | {
        "session": session,
        "facilitators": list(session.facilitators.all()),
        "is_upcoming": session.starts_at > timezone.now(),
        "is_planned": session.status == SessionStatus.PLANNED,
        "capacity_form": capacity_form or CapacityForm(initial={"capacity": session.capacity}),
    }
    if context["can_manage"]:
        context |= satisfaction_section(session)
    return render_in_territory(
        request, "workshops/session_detail.html", context, session.territory, status
    )


def _cycle_page(request, cycle, *, capacity_form=None, status=200) -> HttpResponse:
    context = _workshop_context(request, cycle, cycle)
    held, attended = attendance_counts(cycle)
    for row in context["seated"]:
        row.attended = attended.get(row.enrolment.pk, 0)
    context |= {
        "cycle": cycle,
        "sessions": list(cycle.sessions.select_related("place").order_by("starts_at")),
        "held": held,
        "capacity_form": capacity_form or CapacityForm(initial={"capacity": cycle.capacity}),
    }
    if context["can_manage"]:
        context |= evaluation_section(request, cycle) | satisfaction_section(cycle)
    return render_in_territory(
        request, "workshops/cycle_detail.html", context, cycle.territory, status
    )


def session_detail(request: HttpRequest, public_id) -> HttpResponse:
    return _session_page(request, get_session_for_user(request.user, public_id))


def cycle_detail(request: HttpRequest, public_id) -> HttpResponse:
    return _cycle_page(request, get_cycle_for_user(request.user, public_id))


def session_move(request: HttpRequest, public_id) -> HttpResponse:
    session = get_session_for_user(request.user, public_id, manage=True)
    tz = session.territory.tz
    local_start, local_end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
    initial = {
        "day": local_start.date(), "start_time": local_start.time(),
        "end_time": local_end.time(), "place": session.place,
    }  # fmt: skip
    form = MoveForm(
        request.POST or None, initial=initial, organisation=session.organisation,
        territory=session.territory,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.move_session(
                actor=request.user, session=session, starts_at=data["starts_at"],
                ends_at=data["ends_at"], place=data["place"],
            )  # fmt: skip
        except WorkshopError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "La séance est déplacée : les structures sont prévenues.")
            return redirect("workshops:session_detail", session.public_id)
    context = {"session": session, "form": form, "seats": seats_of(session.target)}
    status = 400 if form.errors else 200
    return render_in_territory(
        request, "workshops/session_move.html", context, session.territory, status
    )


def session_cancel(request: HttpRequest, public_id) -> HttpResponse:
    session = get_session_for_user(request.user, public_id, manage=True)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.cancel_session(
                actor=request.user, session=session, reason=form.cleaned_data["reason"]
            )
        except WorkshopError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "La séance est annulée : les structures sont prévenues.")
            return redirect("workshops:session_detail", session.public_id)
    context = {"session": session, "form": form, "seats": seats_of(session.target)}
    status = 400 if form.errors else 200
    return render_in_territory(
        request, "workshops/session_cancel.html", context, session.territory, status
    )


@require_POST
def capacity_update(request: HttpRequest, public_id, kind: str) -> HttpResponse:
    is_cycle = kind == "cycle"
    fetch = get_cycle_for_user if is_cycle else get_session_for_user
    workshop = fetch(request.user, public_id, manage=True)
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            actions.update_capacity(
                actor=request.user, target=workshop, capacity=form.cleaned_data["capacity"]
            )
        except WorkshopError as error:
            form.add_error("capacity", str(error))
        else:
            messages.success(request, "Le nombre de places est enregistré.")
            name = "workshops:cycle_detail" if is_cycle else "workshops:session_detail"
            return redirect(name, workshop.public_id)
    page = _cycle_page if is_cycle else _session_page
    return page(request, workshop, capacity_form=form, status=400)
