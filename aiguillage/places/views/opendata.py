"""Open data out: download the published places of a territory (no login needed)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from aiguillage.journal.actions import log_event
from aiguillage.places.exporting import EXPORT_FORMATS, export_text
from aiguillage.places.models import Place
from aiguillage.territories.models import Territory


@login_not_required
def export_page(request: HttpRequest) -> HttpResponse:
    territories = [
        (territory, Place.objects.published().in_territory(territory).count())
        for territory in Territory.objects.all()
    ]
    return render(
        request, "places/export_page.html", {"territories": territories, "formats": EXPORT_FORMATS}
    )


@login_not_required
def export_download(request: HttpRequest, territory_slug: str, file_format: str) -> HttpResponse:
    territory = get_object_or_404(Territory, slug=territory_slug)
    if file_format not in EXPORT_FORMATS:
        raise Http404("Format inconnu")
    label, extension, content_type = EXPORT_FORMATS[file_format]
    body = export_text(territory, file_format)
    today = timezone.localdate().isoformat()
    # The standard's file naming: date_producer_lieux-de-mediation-numerique_territory.csv
    name = f"{today}_{territory.siren}_{file_format}_{territory.slug}.{extension}"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    log_event(
        "places_exported",
        actor=request.user,
        territory_id=territory.pk,
        data={"format": file_format},
    )
    return response
