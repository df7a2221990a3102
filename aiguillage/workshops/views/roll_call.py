"""The roll call on a phone (one tap per person: present, excused, absent) and the printable
sign-in sheet. Both belong to the organising structure."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from aiguillage.workshops import attendance_actions
from aiguillage.workshops.errors import WorkshopError
from aiguillage.workshops.forms import HeadcountForm, MarkForm
from aiguillage.workshops.models import SEAT_STATUSES, AttendanceStatus, Enrolment, Session
from aiguillage.workshops.permissions import get_session_for_user
from aiguillage.workshops.views.context import (
    journal_people_shown,
    participant_rows,
    render_in_territory,
    target_enrolments,
)


def _rows(request, session):
    enrolments = target_enrolments(session.target).filter(status__in=SEAT_STATUSES)
    return participant_rows(request.user, enrolments, session=session)


def _counts(rows) -> dict:
    marks = Counter(row.mark for row in rows)
    return {
        "present": marks[AttendanceStatus.PRESENT],
        "excused": marks[AttendanceStatus.EXCUSED],
        "absent": marks[AttendanceStatus.ABSENT],
        "unmarked": marks[""],
    }


def _mark(request: HttpRequest, session) -> tuple[str, str]:
    """Record one tap; returns (error, enrolment public id)."""
    form = MarkForm(request.POST)
    if not form.is_valid():
        return "Choisissez présent, excusé ou absent.", ""
    enrolment = (
        Enrolment.objects.for_target(session.target)
        .filter(public_id=form.cleaned_data["inscription"])
        .first()
    )
    if enrolment is None:
        return "Cette personne n'a pas de place à cet atelier.", ""
    mark = form.cleaned_data["presence"]
    try:
        attendance_actions.record_attendance(
            actor=request.user, session=session, marks={enrolment: mark}
        )
    except WorkshopError as error:
        return str(error), str(enrolment.public_id)
    return "", str(enrolment.public_id)


def _headcount_form(session: Session, data=None) -> HeadcountForm:
    counts = {row.audience: row.count for row in session.headcounts.all()}
    return HeadcountForm(data, audiences=list(session.audiences), initial_counts=counts)


def roll_call(request: HttpRequest, public_id) -> HttpResponse:
    session = get_session_for_user(request.user, public_id, manage=True)
    if request.method == "POST" and "compter" in request.POST:
        return _record_headcounts(request, session)
    error, marked = _mark(request, session) if request.method == "POST" else ("", "")
    if request.method == "POST" and not error and not request.htmx:
        return redirect(reverse("workshops:roll_call", args=[public_id]) + f"#p-{marked}")
    rows = _rows(request, session)
    journal_people_shown(request, rows, "appel d'un atelier")
    context = {
        "session": session,
        "rows": rows,
        "counts": _counts(rows),
        "error": error,
        "headcount_form": _headcount_form(session),
    }
    template = "workshops/session_roll_call.html"
    if request.htmx and request.method == "POST":
        # The tapped row comes back, with the counts swapped out of band.
        context["row"] = next((r for r in rows if str(r.enrolment.public_id) == marked), None)
        context["oob"] = True
        template = "workshops/_roll_call_row.html"
    elif error:
        messages.error(request, error)
    return render_in_territory(request, template, context, session.territory, 400 if error else 200)


def _record_headcounts(request: HttpRequest, session: Session) -> HttpResponse:
    """« Participants comptés sans inscription »: the same page, its own form."""
    form = _headcount_form(session, request.POST)
    if form.is_valid():
        try:
            attendance_actions.record_headcounts(
                actor=request.user, session=session, counts=form.counts()
            )
        except WorkshopError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Les participants comptés sont enregistrés.")
            return redirect(reverse("workshops:roll_call", args=[session.public_id]) + "#comptage")
    rows = _rows(request, session)
    journal_people_shown(request, rows, "appel d'un atelier")
    context = {
        "session": session,
        "rows": rows,
        "counts": _counts(rows),
        "error": "",
        "headcount_form": form,
    }
    return render_in_territory(
        request, "workshops/session_roll_call.html", context, session.territory, 400
    )


def sign_in_sheet(request: HttpRequest, public_id) -> HttpResponse:
    session = get_session_for_user(request.user, public_id, manage=True)
    rows = _rows(request, session)
    journal_people_shown(request, rows, "feuille d'émargement")
    context = {
        "session": session,
        "rows": rows,
        "blank_lines": range(max(4, 14 - len(rows))),
        "facilitators": list(session.facilitators.all()),
    }
    return render_in_territory(request, "workshops/session_sheet.html", context, session.territory)
