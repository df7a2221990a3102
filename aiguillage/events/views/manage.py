"""The organiser's pages: the list (the current structure's events, or a coordinator's
territory), creating, reading, changing and cancelling an event, and recording how many
people came. Dates are read and shown on the territory's wall clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from aiguillage.accounts.permissions import is_coordinator
from aiguillage.events import rules
from aiguillage.events.actions import (
    cancel_event,
    create_event,
    record_event_attendance,
    update_event,
)
from aiguillage.events.errors import EventError
from aiguillage.events.forms import AttendanceForm, CancelForm, EventFilterForm, EventForm
from aiguillage.events.models import Event, EventStatus
from aiguillage.events.permissions import (
    can_manage_event,
    current_organisation,
    get_event_for_user,
    list_scope,
)
from aiguillage.workshops.views.context import render_in_territory

PAGE_SIZE = 20
PARIS = ZoneInfo("Europe/Paris")


def _today(territory) -> dt.date:
    return timezone.now().astimezone(territory.tz if territory else PARIS).date()


def _posted(request: HttpRequest):
    """The submitted data, even empty (an empty POST still means « send »)."""
    return request.POST if request.method == "POST" else None


def _years(events, tz) -> list[int]:
    years = events.annotate(year=ExtractYear("starts_at", tzinfo=tz)).order_by()
    return sorted(set(years.values_list("year", flat=True)), reverse=True)


def _scope(request: HttpRequest):
    """(structure or None, territory, its events) the list shows (``list_scope``)."""
    organisation, territory = list_scope(request.user, request.membership, request.territory)
    if organisation is not None:
        return organisation, organisation.territory, Event.objects.for_organisation(organisation)
    return None, territory, Event.objects.in_territory(territory)


def _mark_rows(events, organisation, tz) -> None:
    """Whether each row is a partner's event, and whether its attendance is due from us."""
    today = timezone.now().astimezone(tz).date()
    for event in events:
        event.is_partnered = organisation is not None and event.organisation_id != organisation.pk
        event.attendance_due = (
            organisation is not None
            and not event.is_partnered
            and event.status == EventStatus.PLANNED
            and rules.attendance_open(event.starts_at.astimezone(tz).date(), today)
        )


def event_list(request: HttpRequest) -> HttpResponse:
    organisation, territory, events = _scope(request)
    tz = territory.tz if territory else PARIS
    form = EventFilterForm(request.GET or None, years=_years(events, tz))
    year, kind = form.criteria()
    events = events.in_year(year, tz) if year else events
    events = events.filter(kind=kind) if kind else events
    events = events.select_related("organisation", "place").annotate(
        total=Sum("attendances__count")
    )
    page = Paginator(events.order_by("-starts_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _mark_rows(page, organisation, tz)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organisation": organisation,
        "territory": territory,
        "page": page,
        "form": form,
        "query": query.urlencode(),
        "filtered": bool(year or kind),
        "can_see_summary": territory is not None and is_coordinator(request.user, territory),
    }
    return render_in_territory(request, "events/event_list.html", context, territory)


def event_create(request: HttpRequest) -> HttpResponse:
    organisation = current_organisation(request.membership)
    form = EventForm(_posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            event = create_event(
                actor=request.user, organisation=organisation, values=form.values()
            )
        except EventError as error:
            form.add_error(None, str(error))
        else:
            if rules.attendance_open(event.local_day(), _today(event.territory)):
                messages.success(request, "Événement noté. Combien de personnes sont venues ?")
                return redirect("events:event_attendance", event.public_id)
            messages.success(request, "L'événement est créé.")
            return redirect("events:event_detail", event.public_id)
    context = {"form": form, "organisation": organisation, "event": None}
    status = 400 if form.errors else 200
    return render_in_territory(
        request, "events/event_form.html", context, organisation.territory, status
    )


def event_detail(request: HttpRequest, public_id) -> HttpResponse:
    event = get_event_for_user(request.user, public_id)
    manage = can_manage_event(request.user, event)
    counts = list(event.attendances.all())
    context = {
        "event": event,
        "can_manage": manage,
        "can_edit": manage and not event.is_cancelled,
        "can_cancel": manage and event.status == EventStatus.PLANNED,
        "can_record": manage
        and not event.is_cancelled
        and rules.attendance_open(event.local_day(), _today(event.territory)),
        "counts": counts,
        "total": sum(row.count for row in counts),
        "partners": list(event.partners.order_by("name")),
    }
    return render_in_territory(request, "events/event_detail.html", context, event.territory)


def event_edit(request: HttpRequest, public_id) -> HttpResponse:
    event = get_event_for_user(request.user, public_id, write=True)
    if event.is_cancelled:
        messages.error(request, "Un événement annulé ne se modifie plus.")
        return redirect("events:event_detail", event.public_id)
    form = EventForm(
        _posted(request),
        organisation=event.organisation,
        event=event,
        initial=EventForm.initial_of(event),
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_event(actor=request.user, event=event, values=form.values())
        except EventError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "L'événement est modifié.")
            return redirect("events:event_detail", event.public_id)
    context = {"form": form, "organisation": event.organisation, "event": event}
    status = 400 if form.errors else 200
    return render_in_territory(request, "events/event_form.html", context, event.territory, status)


def event_cancel(request: HttpRequest, public_id) -> HttpResponse:
    event = get_event_for_user(request.user, public_id, write=True)
    form = CancelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            cancel_event(actor=request.user, event=event, reason=form.cleaned_data["reason"])
        except EventError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "L'événement est annulé.")
            return redirect("events:event_detail", event.public_id)
    status = 400 if form.errors else 200
    context = {"event": event, "form": form}
    template = "events/event_cancel.html"
    return render_in_territory(request, template, context, event.territory, status)


def event_attendance(request: HttpRequest, public_id) -> HttpResponse:
    event = get_event_for_user(request.user, public_id, write=True)
    current = {row.audience: row.count for row in event.attendances.all()}
    form = AttendanceForm(_posted(request), initial=current)
    if request.method == "POST" and form.is_valid():
        try:
            record_event_attendance(actor=request.user, event=event, counts=form.counts())
        except EventError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Les présences sont notées.")
            return redirect("events:event_detail", event.public_id)
    context = {
        "event": event,
        "form": form,
        "is_open": not event.is_cancelled
        and rules.attendance_open(event.local_day(), _today(event.territory)),
        "day": rules.day_text(event.local_day()),
    }
    status = 400 if form.errors else 200
    return render_in_territory(
        request, "events/event_attendance.html", context, event.territory, status
    )
