"""Members of a structure note accompaniments, list them, correct or delete them, and import
a La Coop export. Everything is for the current structure (``request.membership``)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from aiguillage.accounts.models import Role
from aiguillage.activities import coop, rules
from aiguillage.activities.actions import (
    FIELDS,
    ActivityError,
    delete_activity,
    import_coop_export,
    record_activity,
    update_activity,
)
from aiguillage.activities.forms import ActivityFilterForm, ActivityForm, CoopImportForm
from aiguillage.activities.models import ActivityRecord
from aiguillage.activities.permissions import (
    can_import_activities,
    current_organisation,
    get_activity_for_user,
    get_person_to_record_for,
)
from aiguillage.uploads import accepts_uploads

PAGE_SIZE = 30


def _person_from(request: HttpRequest, organisation):
    """The person of ``?personne=<public_id>`` (from their file), or None."""
    value = request.GET.get("personne", "")
    if not value:
        return None
    try:
        public_id = uuid.UUID(value)
    except ValueError as error:
        raise Http404("Personne introuvable") from error
    return get_person_to_record_for(request.user, public_id, organisation)


def _summary(record: ActivityRecord) -> str:
    """What was just saved, in a few words: « individuel, Smartphone, 30 min »."""
    themes = ", ".join(record.theme_labels)
    return f"{record.get_kind_display().lower()}, {themes}, {record.duration_label}"


def activity_record(request: HttpRequest) -> HttpResponse:
    organisation = current_organisation(request.membership)
    person = _person_from(request, organisation)
    initial = {"commune": person.commune_id} if person and person.commune_id else {}
    form = ActivityForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {**form.cleaned_data, "person": person}
        try:
            record = record_activity(actor=request.user, organisation=organisation, values=values)
        except ActivityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Enregistré. Noter le suivant — {_summary(record)}.")
            return redirect("activities:activity_record")
    context = {"form": form, "person": person, "organisation": organisation, "creating": True}
    return render(request, "activities/activity_form.html", context)


def _filtered(records, form: ActivityFilterForm):
    if not form.is_valid():
        return records
    data = form.cleaned_data
    if data["du"]:
        records = records.filter(occurred_on__gte=data["du"])
    if data["au"]:
        records = records.filter(occurred_on__lte=data["au"])
    if data["theme"]:
        records = records.with_theme(data["theme"])
    if data["type"]:
        records = records.filter(kind=data["type"])
    return records


def activity_list(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    organisation = current_organisation(membership)
    form = ActivityFilterForm(request.GET)
    records = ActivityRecord.objects.for_organisation(organisation).select_related("place")
    page = Paginator(_filtered(records, form), PAGE_SIZE).get_page(request.GET.get("page"))
    now, is_manager = timezone.now(), membership.role == Role.MANAGER
    for record in page:
        record.can_change = not record.is_derived and rules.can_change(
            is_recorder=record.recorded_by_id == request.user.pk,
            is_manager=is_manager,
            created_at=record.created_at,
            now=now,
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "organisation": organisation,
        "query": query.urlencode(),
        "can_import": can_import_activities(membership),
        "window_days": rules.CHANGE_WINDOW_DAYS,
    }
    return render(request, "activities/activity_list.html", context)


def activity_edit(request: HttpRequest, public_id) -> HttpResponse:
    record = get_activity_for_user(request.user, public_id, write=True)
    initial = {name: getattr(record, name) for name in FIELDS if name != "person"}
    form = ActivityForm(request.POST or None, organisation=record.organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_activity(actor=request.user, record=record, values=form.cleaned_data)
        except ActivityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "L'accompagnement est corrigé.")
            return redirect("activities:activity_list")
    context = {"form": form, "record": record, "organisation": record.organisation}
    return render(request, "activities/activity_form.html", context | {"creating": False})


def activity_delete(request: HttpRequest, public_id) -> HttpResponse:
    record = get_activity_for_user(request.user, public_id, write=True)
    if request.method == "POST":
        try:
            delete_activity(actor=request.user, record=record)
        except ActivityError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "L'accompagnement est supprimé.")
        return redirect("activities:activity_list")
    return render(request, "activities/activity_confirm_delete.html", {"record": record})


@accepts_uploads(coop.MAX_BYTES + 200_000)
def activity_import(request: HttpRequest) -> HttpResponse:
    organisation = current_organisation(request.membership)
    if not can_import_activities(request.membership):
        raise PermissionDenied("Seuls les responsables de la structure importent des activités.")
    form = CoopImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_coop_export(
                actor=request.user, organisation=organisation, file=form.cleaned_data["fichier"]
            )
        except ActivityError as error:
            form.add_error("fichier", str(error))
    context = {"form": form, "report": report, "organisation": organisation}
    return render(request, "activities/activity_import.html", context)
