"""Professionals manage places: a structure its own, a coordinator every place of the territory.

Every write goes through ``places.actions``, which keeps who changed what and when.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from aiguillage.accounts.permissions import is_coordinator, is_member
from aiguillage.organisations.models import Organisation
from aiguillage.places import vocabulary
from aiguillage.places.actions import PlaceError, create_place, update_place
from aiguillage.places.forms import PlaceForm, field_labels
from aiguillage.places.hours import (
    OpeningHoursError,
    describe_opening_hours,
    validate_opening_hours,
)
from aiguillage.places.models import Place, PlaceChange, PlaceChangeKind
from aiguillage.places.permissions import (
    can_create_place,
    can_edit_place,
    can_import_places,
    get_place_for_user,
)
from aiguillage.territories.models import Territory, normalise_search

PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 30


@dataclass(frozen=True)
class Scope:
    """The places a page is about: one structure's, or a whole territory's."""

    territory: Territory | None
    organisation: Organisation | None  # None: every place of the territory
    is_coordinator: bool

    @property
    def title(self) -> str:
        if self.organisation is not None:
            return f"Lieux de la structure {self.organisation.name}"
        return f"Lieux du territoire {self.territory.name}"

    @property
    def query(self) -> dict[str, str]:
        if self.organisation is not None:
            return {"structure": str(self.organisation.public_id)}
        return {"territoire": self.territory.slug}

    def places(self) -> QuerySet[Place]:
        # Merged duplicates live on in their kept place; the merges page shows them.
        places = Place.objects.filter(merged_into__isnull=True)
        if self.organisation is not None:
            return places.filter(organisation=self.organisation)
        return places.in_territory(self.territory)


def _scope_for(request: HttpRequest) -> Scope | None:
    """The scope asked for in the query string, else the current structure; 404 for outsiders."""
    user = request.user
    slug = request.GET.get("territoire")
    if slug:
        territory = get_object_or_404(Territory, slug=slug)
        # Only coordinators (and staff) see every place of a territory.
        if not is_coordinator(user, territory):
            raise Http404("Territoire introuvable")
        return Scope(territory, None, True)
    organisation = _requested_organisation(request)
    if organisation is None:
        # A coordinator without a structure manages their territory.
        if request.is_coordinator and request.territory is not None:
            return Scope(request.territory, None, True)
        return None
    coordinator = is_coordinator(user, organisation.territory)
    # Members see their structure's places; coordinators those of their territory.
    if not coordinator and not is_member(user, organisation):
        raise Http404("Structure introuvable")
    return Scope(organisation.territory, organisation, coordinator)


def _requested_organisation(request: HttpRequest) -> Organisation | None:
    wanted = request.GET.get("structure")
    if not wanted:
        membership = request.membership
        return membership.organisation if membership is not None else None
    try:
        public_id = uuid.UUID(wanted)
    except ValueError as error:
        raise Http404("Structure introuvable") from error
    return get_object_or_404(Organisation.objects.select_related("territory"), public_id=public_id)


def place_list(request: HttpRequest) -> HttpResponse:
    scope = _scope_for(request)
    if scope is None:
        return render(request, "places/manage_list.html", {"scope": None})
    text = request.GET.get("q", "").strip()
    places = scope.places().select_related("organisation")
    if text:
        places = _matching(places, text)
    page = Paginator(places, PAGE_SIZE).get_page(request.GET.get("page"))
    # Imports fill a whole territory: offered on the territory's list only.
    can_import = scope.organisation is None and can_import_places(request.user, scope.territory)
    context = {
        "scope": scope,
        "scope_query": urlencode(scope.query),
        "page_query": urlencode(scope.query | ({"q": text} if text else {})),
        "q": text,
        "page": page,
        "rows": [(place, len(place.services), _hours_summary(place.horaires)) for place in page],
        "can_import": can_import,
    }
    return render(request, "places/manage_list.html", context)


def _matching(places: QuerySet[Place], text: str) -> QuerySet[Place]:
    """Places whose name or commune contains ``text``, whatever the case and accents.

    Folded in Python because SQLite's LIKE only ignores the case of ASCII letters
    (« échirolles » must find « Échirolles »); one light query over the scope.
    """
    wanted = normalise_search(text)
    ids = [
        pk
        for pk, name, commune in places.values_list("pk", "nom", "commune")
        if wanted in normalise_search(name) or wanted in normalise_search(commune)
    ]
    return places.filter(pk__in=ids)


def place_create(request: HttpRequest) -> HttpResponse:
    scope = _scope_for(request)
    if scope is None or scope.territory is None:
        raise PermissionDenied("Rejoignez une structure d'un territoire pour ajouter un lieu.")
    if not can_create_place(request.user, scope.territory):
        raise PermissionDenied("Vous ne pouvez pas ajouter de lieu dans ce territoire.")
    if request.htmx and "horaires" in request.GET:
        return HttpResponse(hours_preview(request.GET["horaires"]))
    # Coordinators choose the structure; members add places of their own.
    organisations = scope.territory.organisations.all() if scope.is_coordinator else None
    initial = {"is_published": True, "organisation": getattr(scope.organisation, "pk", None)}
    form = PlaceForm(
        _posted(request), organisations=organisations, initial=initial, preview_url=request.path
    )
    if form.is_bound and form.is_valid():
        values = form.values()
        if organisations is None:
            values["organisation"] = scope.organisation
        try:
            place = create_place(actor=request.user, territory=scope.territory, values=values)
        except PlaceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Le lieu « {place.nom} » a été ajouté.")
            return redirect("places:place_detail", public_id=place.public_id)
    return _render_form(request, form, place=None, back_query=urlencode(scope.query))


def place_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    place = get_place_for_user(request.user, str(public_id), write=True)
    if request.htmx and "horaires" in request.GET:
        return HttpResponse(hours_preview(request.GET["horaires"]))
    coordinator = is_coordinator(request.user, place.territory)
    organisations = place.territory.organisations.all() if coordinator else None
    form = PlaceForm(
        _posted(request), place=place, organisations=organisations, preview_url=request.path
    )
    if form.is_bound and form.is_valid():
        saved_at = place.updated_at
        try:
            update_place(actor=request.user, place=place, values=form.values())
        except PlaceError as error:
            form.add_error(None, str(error))
        else:
            if place.updated_at != saved_at:
                messages.success(
                    request, f"Les modifications de « {place.nom} » sont enregistrées."
                )
            else:
                messages.info(request, "Aucune modification : la fiche du lieu est inchangée.")
            return redirect("places:place_detail", public_id=place.public_id)
    return _render_form(request, form, place=place, back_query="")


def place_history(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    place = get_place_for_user(request.user, str(public_id))
    # Who changed what is for the place's managers only; others do not learn it exists.
    if not can_edit_place(request.user, place):
        raise Http404("Lieu introuvable")
    changes = place.changes.select_related("actor")
    page = Paginator(changes, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"place": place, "page": page, "entries": describe_changes(page.object_list)}
    return render(request, "places/place_history.html", context)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _render_form(
    request: HttpRequest, form: PlaceForm, *, place: Place | None, back_query: str
) -> HttpResponse:
    context = {
        "form": form,
        "place": place,
        "back_query": back_query,
        # A refused expression already shows its message above the field.
        "hours_preview": ""
        if form.has_error("horaires")
        else hours_preview(form["horaires"].value() or ""),
    }
    return render(request, "places/place_form.html", context)


# --- Opening hours, in plain French -----------------------------------------------------


def _hours_summary(text: str) -> str:
    try:
        lines = describe_opening_hours(text)
    except OpeningHoursError:
        return "illisibles : à corriger"
    return " ; ".join(lines) if lines else "non renseignés"


def hours_preview(text: str) -> SafeString:
    """What people will read for ``text``, or why it cannot be read (the form's live preview)."""
    text = " ".join(text.split())
    if not text:
        return mark_safe('<p class="hint">Aperçu : horaires non renseignés.</p>')
    message = validate_opening_hours(text)
    if message:
        return format_html('<p class="error-text">{}</p>', message)
    lines = format_html_join("", "<li>{}</li>", ((line,) for line in describe_opening_hours(text)))
    return format_html(
        '<p class="hint">Aperçu, tel que les personnes le liront :</p><ul>{}</ul>', lines
    )


# --- History ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    change: PlaceChange
    author: str
    fields: list[tuple[str, str, str]]  # (label, before, after)


def describe_changes(changes: Iterable[PlaceChange]) -> list[HistoryEntry]:
    """Each change with its author and field-by-field before → after, in French."""
    changes = list(changes)
    labels = field_labels()
    order = {name: index for index, name in enumerate(labels)}
    organisation_ids = {
        value
        for change in changes
        for value in _pair(change.changes.get("organisation"))
        if isinstance(value, int)
    }
    organisations = dict(
        Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "name")
    )
    entries = []
    for change in changes:
        rows = []
        for name in sorted(change.changes, key=lambda name: (order.get(name, len(order)), name)):
            before, after = _pair(change.changes[name])
            rows.append(
                (
                    labels.get(name) or _model_label(name),
                    _display(name, before, organisations),
                    _display(name, after, organisations),
                )
            )
        entries.append(HistoryEntry(change, _author(change), rows))
    return entries


def _pair(value: Any) -> tuple[Any, Any]:
    if isinstance(value, list | tuple) and len(value) == 2:
        return value[0], value[1]
    return None, value


def _author(change: PlaceChange) -> str:
    if change.actor is not None:
        return change.actor.display_name
    if change.kind == PlaceChangeKind.IMPORTED:
        return "import de données ouvertes"
    return "Aiguillage (automatique)"


def _model_label(name: str) -> str:
    try:
        return str(Place._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field that no longer exists, named in an old change
        return name


_CODE_LABELS: dict[str, dict[str, str]] = {
    "typologie": vocabulary.TYPOLOGIES,
    "extra_services": vocabulary.EXTRA_SERVICES,
    "languages": vocabulary.LANGUAGES,
}


def _display(name: str, value: Any, organisations: dict[int, str]) -> str:
    if value is None or value == "" or value == []:
        return "(vide)"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if name == "organisation":
        return organisations.get(value, "structure supprimée")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, list):
        labels = _CODE_LABELS.get(name, {})
        return ", ".join(labels.get(item, str(item)) for item in value)
    return str(value)
