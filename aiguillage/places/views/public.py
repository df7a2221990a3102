"""Public pages: search places near me, the place page and its printable sheet.

The same views serve the public and professionals; those who manage a place
also get a link to edit it. The list of results is the source of truth: it
works without JavaScript, the map and htmx only enhance it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from aiguillage.places import hours, search_sections
from aiguillage.places.models import Place
from aiguillage.places.neighbourhoods import place_neighbourhood
from aiguillage.places.page_sections import sections_for
from aiguillage.places.permissions import can_edit_place, get_place_for_user
from aiguillage.places.rules import SERVICE_CODE_BY_LABEL, SUPPORT_CODES, format_distance
from aiguillage.places.search import PARIS, count_places, search_places
from aiguillage.places.search_forms import (
    PAGE_SIZE,
    PlaceSearchForm,
    commune_label,
    find_communes,
)
from aiguillage.places.vocabulary import LANGUAGES, SERVICE_CODES, SERVICE_GROUPS

# Query-string parameters of the search, in the order they are written back.
SEARCH_PARAMETERS = (
    "ou",
    "lat",
    "lon",
    "services",
    "quand",
    "jour",
    "creneau",
    "dispo_jours",
    "dispo_creneaux",
    "gratuit",
    "langues",
    "prise_en_charge",
    "rdv",
    "page",
)


# --- Search -------------------------------------------------------------------------------


@dataclass
class ResultRow:
    number: int
    place: Place
    distance: str
    status: hours.OpeningStatus
    services: list[str]
    phone: Phone | None
    # « mardi 25 novembre, 14 h – 17 h »: when the place is open and the person available.
    common_slot: str = ""

    @property
    def badge_class(self) -> str:
        if self.status.is_open is None:
            return "badge-unknown"
        return "badge-open" if self.status.is_open else "badge-closed"


@login_not_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form = PlaceSearchForm(request.GET or None, today=timezone.localdate(now))
    context = {"form": form, **_search_results(request, form, now)}
    context["search_sections"] = _search_sections(form, context, now)
    # htmx replaces the results only; the form stays in place (and keeps focus).
    partial = request.htmx.target == "results" and not request.htmx.history_restore_request
    template = "places/_results.html" if partial else "places/search.html"
    return render(request, template, context)


@login_not_required
@require_GET
def search_geojson(request: HttpRequest) -> JsonResponse:
    """The current page of results as GeoJSON points, for the map beside the list."""
    now = timezone.now()
    form = PlaceSearchForm(request.GET or None, today=timezone.localdate(now))
    rows = _search_results(request, form, now)["rows"]
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [row.place.longitude, row.place.latitude],
            },
            "properties": {
                "number": row.number,
                "name": row.place.nom,
                "url": reverse("places:place_detail", args=[row.place.public_id]),
                "distance": row.distance,
                "status": row.status.label,
                "is_open": row.status.is_open,
            },
        }
        for row in rows
        if row.place.latitude is not None and row.place.longitude is not None
    ]
    collection: dict = {"type": "FeatureCollection", "features": features}
    query = form.search_query(now=now) if form.is_bound and form.is_valid() else None
    if query is not None and query.latitude is not None:
        # A foreign member of the collection: where distances are measured from.
        collection["origin"] = [query.longitude, query.latitude]
    return JsonResponse(collection, content_type="application/geo+json")


@login_not_required
@require_GET
def commune_suggestions(request: HttpRequest) -> HttpResponse:
    """<option> elements for the <datalist> of the « Où ? » field, filled by htmx as one types."""
    text = request.GET.get("ou", "").strip()[:100]
    communes = find_communes(text) if len(text) >= 2 else []
    labels = [commune_label(commune) for commune in communes]
    return render(request, "places/_commune_suggestions.html", {"labels": labels})


def _search_results(request: HttpRequest, form: PlaceSearchForm, now: dt.datetime) -> dict:
    """Rows of the current page, the count and what the template says around them."""
    context: dict = {"rows": [], "count": None, "searched": False}
    if not form.is_bound:
        return {**context, "heading": "Lieux d'aide numérique", "commune_links": []}
    if not form.is_valid():
        links = _commune_links(request.GET, form)
        heading = "Choisissez votre commune" if links else "Recherche à corriger"
        return {**context, "heading": heading, "commune_links": links}
    query = form.search_query(now=now)
    results = search_places(query, now=now)
    count = count_places(query, now=now)
    today = timezone.localdate(now, form.territory_tz)
    context["rows"] = [
        ResultRow(
            number=query.offset + index,
            place=result.place,
            distance=_distance_label(result.distance_m),
            status=hours.opening_status(result.place.horaires, now, result.place.territory.tz),
            services=_service_labels(result.place),
            phone=_phone(result.place.telephone),
            common_slot=hours.describe_slot(*result.first_slot, today=today)
            if result.first_slot
            else "",
        )
        for index, result in enumerate(results, start=1)
    ]
    page = form.page_number
    last_page = max(1, -(-count // PAGE_SIZE))
    context.update(
        searched=True,
        count=count,
        heading=_count_heading(count),
        first_number=query.offset + 1,
        page=page,
        last_page=last_page,
        previous_url=_search_url(request.GET, page=page - 1 if page > 1 else None),
        next_url=_search_url(request.GET, page=page + 1) if page < last_page else "",
        first_page_url=_search_url(request.GET, page=None),
        geojson_url=_query_url("places:search_geojson", request.GET),
        where=form.where_label(),
        when=form.when_label(),
        removable=_removable_criteria(request.GET, form),
    )
    return context


def _search_sections(form: PlaceSearchForm, context: dict, now: dt.datetime) -> list:
    """What other apps show below the first page of results (the week's workshops)."""
    if not context["searched"] or context["page"] != 1:
        return []
    query = form.search_query(now=now)
    places = [row.place for row in context["rows"]]
    territory = query.territory
    tz = territory.tz if territory is not None else places[0].territory.tz if places else PARIS
    area = search_sections.SearchedArea(
        place_ids=tuple(place.pk for place in places),
        latitude=query.latitude,
        longitude=query.longitude,
        territory_id=territory.pk if territory is not None else None,
        tz=tz,
    )
    return search_sections.sections_for(area, now)


def _distance_label(metres: float | None) -> str:
    return f"à {format_distance(metres)}" if metres is not None else ""


def _count_heading(count: int) -> str:
    if count == 0:
        return "Aucun lieu trouvé"
    return "1 lieu trouvé" if count == 1 else f"{count} lieux trouvés"


def _service_labels(place: Place) -> list[str]:
    """Standard services then extra ones, in the order of the needs' groups."""
    offered = {SERVICE_CODE_BY_LABEL[s] for s in place.services if s in SERVICE_CODE_BY_LABEL}
    offered.update(place.extra_services)
    return [SERVICE_CODES[code] for code in SERVICE_CODES if code in offered]


def _clean_query(params: QueryDict) -> QueryDict:
    """Only the search parameters, in a stable order (no csrf token or stray keys)."""
    clean = QueryDict(mutable=True)
    for name in SEARCH_PARAMETERS:
        values = [value for value in params.getlist(name) if value != ""]
        if values:
            clean.setlist(name, values)
    return clean


def _search_url(params: QueryDict, **changes: str | int | list[str] | None) -> str:
    """The search URL with some parameters changed (None removes one)."""
    return _query_url("places:search", params, **changes)


def _query_url(name: str, params: QueryDict, **changes: str | int | list[str] | None) -> str:
    query = _clean_query(params)
    for key, value in changes.items():
        if value is None or value == []:
            query.pop(key, None)
        elif isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = str(value)
    encoded = query.urlencode()
    return f"{reverse(name)}?{encoded}" if encoded else reverse(name)


def _commune_links(params: QueryDict, form: PlaceSearchForm) -> list[tuple[str, str]]:
    """(label, URL) of each commune the person may have meant."""
    links = []
    for commune in form.commune_choices:
        label = commune_label(commune)
        links.append((label, _search_url(params, ou=label, lat=None, lon=None, page=None)))
    return links


def _removable_criteria(params: QueryDict, form: PlaceSearchForm) -> list[tuple[str, str]]:
    """(label, URL without it) of every criterion, to widen a search that finds nothing."""
    data = form.cleaned_data
    criteria = []
    for code in data["services"]:
        others = [c for c in data["services"] if c != code]
        criteria.append((SERVICE_CODES[code], _search_url(params, services=others, page=None)))
    if data["quand"]:
        label = form.when_label().removeprefix("ouverts ")
        criteria.append((f"ouvert {label}", _search_url(params, quand=None, page=None)))
    if data["gratuit"]:
        criteria.append(("gratuit", _search_url(params, gratuit=None, page=None)))
    if data["rdv"]:
        criteria.append(("rendez-vous en ligne", _search_url(params, rdv=None, page=None)))
    for code in data["langues"]:
        others = [c for c in data["langues"] if c != code]
        url = _search_url(params, langues=others, page=None)
        criteria.append((f"langue : {LANGUAGES[code]}", url))
    for code in data["prise_en_charge"]:
        others = [c for c in data["prise_en_charge"] if c != code]
        url = _search_url(params, prise_en_charge=others, page=None)
        criteria.append((SUPPORT_CODES[code], url))
    return criteria


# --- Place page and printable sheet -------------------------------------------------------


@login_not_required
@require_GET
def place_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    place = get_place_for_user(request.user, public_id)
    now = timezone.now()
    context = _place_context(request, place, now)
    context["can_edit"] = can_edit_place(request.user, place)
    context["extra_sections"] = sections_for(place, now)
    # Professionals see whether the place is in or near a priority neighbourhood (QPV).
    context["neighbourhood"] = place_neighbourhood(place) if request.user.is_authenticated else None
    return render(request, "places/place_detail.html", context)


@login_not_required
@require_GET
def place_print(request: HttpRequest, public_id: str) -> HttpResponse:
    place = get_place_for_user(request.user, public_id)
    context = _place_context(request, place, timezone.now())
    context["page_url"] = request.build_absolute_uri(
        reverse("places:place_detail", args=[place.public_id])
    )
    return render(request, "places/place_print.html", context)


def _place_context(request: HttpRequest, place: Place, now: dt.datetime) -> dict:
    tz = place.territory.tz if place.territory_id else PARIS
    hour_lines, week, hours_unreadable = [], [], False
    try:
        hour_lines = hours.describe_opening_hours(place.horaires, reference=now, tz=tz)
        week = hours.describe_week_table(place.horaires, reference=now, tz=tz)
    except hours.OpeningHoursError:
        hours_unreadable = True
    local_today = timezone.localtime(now, tz).date()
    monday = local_today - dt.timedelta(days=local_today.weekday())
    return {
        "place": place,
        "status": hours.opening_status(place.horaires, now, tz),
        "hour_lines": hour_lines,
        "week": week,
        "week_start": monday,
        "week_end": monday + dt.timedelta(days=6),
        "hours_unreadable": hours_unreadable,
        "service_groups": _place_service_groups(place),
        "supports": [s for s in place.prise_en_charge_specifique if s],
        "phone": _phone(place.telephone),
        "websites": [(url, _short_url(url)) for url in place.site_web if url],
        "directions_url": _directions_url(place),
        "geo_uri": _geo_uri(place),
    }


def _place_service_groups(place: Place) -> list[tuple[str, list[str]]]:
    """(group, [labels]) of the services the place offers, as the search groups needs."""
    offered = {SERVICE_CODE_BY_LABEL[s] for s in place.services if s in SERVICE_CODE_BY_LABEL}
    offered.update(place.extra_services)
    groups = []
    for group, codes in SERVICE_GROUPS.items():
        labels = [SERVICE_CODES[code] for code in codes if code in offered]
        if labels:
            groups.append((group, labels))
    return groups


@dataclass
class Phone:
    display: str
    uri: str


def _phone(raw: str) -> Phone | None:
    """« 04 76 00 00 00 » to read and a tel: link, from « +33476000000 » or « 0476000000 »."""
    digits = "".join(char for char in raw if char.isdigit() or char == "+")
    if not digits:
        return None
    national = "0" + digits[3:] if digits.startswith("+33") and len(digits) == 12 else digits
    if len(national) == 10 and national.startswith("0"):
        display = " ".join(national[i : i + 2] for i in range(0, 10, 2))
    else:
        display = raw.strip()
    return Phone(display=display, uri=f"tel:{digits}")


def _short_url(url: str) -> str:
    """« www.exemple.fr/atelier » instead of « https://www.exemple.fr/atelier/ »."""
    return url.split("://", 1)[-1].rstrip("/")


def _directions_url(place: Place) -> str:
    """A route to the place on OpenStreetMap (by coordinates, else by address)."""
    if place.latitude is not None and place.longitude is not None:
        route = quote(f";{place.latitude},{place.longitude}", safe="")
        return f"https://www.openstreetmap.org/directions?route={route}"
    return "https://www.openstreetmap.org/search?" + urlencode({"query": place.full_address})


def _geo_uri(place: Place) -> str:
    """A geo: link that phones open in their own map application."""
    if place.latitude is None or place.longitude is None:
        return ""
    label = quote(place.nom, safe="")
    return f"geo:{place.latitude},{place.longitude}?q={place.latitude},{place.longitude}({label})"
