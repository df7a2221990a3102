"""Coordinators: upload an open-data file, follow its progress, review merged duplicates."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from aiguillage.accounts.permissions import coordinated_territories, is_coordinator
from aiguillage.places import formats
from aiguillage.places.dedup_actions import undo_merge
from aiguillage.places.importing import start_import
from aiguillage.places.models import ImportRun, ImportStatus, PlaceMerge
from aiguillage.places.tasks import enqueue_import, store_upload
from aiguillage.uploads import accepts_uploads

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ImportForm(forms.Form):
    territory = forms.ChoiceField(label="Territoire")
    file = forms.FileField(
        label="Fichier de lieux",
        help_text=(
            "CSV du standard « lieux de médiation numérique » (v1.0.2 ou v0), JSON de la "
            "cartographie nationale ou de data·inclusion, CSV France Services. 50 Mo au plus."
        ),
    )
    services_file = forms.FileField(
        label="Fichier des services data·inclusion (facultatif)",
        required=False,
        help_text="Fichier de lieux data·inclusion : ses services (reliés par structure_id).",
    )

    def __init__(self, *args, territories, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = [(t.slug, t.name) for t in territories]

    def clean_file(self):
        return _checked_size(self.cleaned_data["file"])

    def clean_services_file(self):
        upload = self.cleaned_data.get("services_file")
        return _checked_size(upload) if upload else upload


def _checked_size(upload):
    if upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            "Ce fichier dépasse 50 Mo : découpez-le ou importez-le en ligne de commande."
        )
    if upload.size == 0:
        raise forms.ValidationError("Ce fichier est vide.")
    return upload


# A places file and its services file, 50 MB each, and the form.
@accepts_uploads(2 * MAX_UPLOAD_BYTES + 1_000_000)
def import_page(request: HttpRequest) -> HttpResponse:
    territories = coordinated_territories(request.user)
    if not territories:
        raise PermissionDenied("Réservé à la coordination du territoire.")
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        territories=territories,
        initial={"territory": request.GET.get("territoire")},
    )
    if request.method == "POST" and form.is_valid():
        territory = next(t for t in territories if t.slug == form.cleaned_data["territory"])
        file_name = store_upload(form.cleaned_data["file"])
        services = form.cleaned_data.get("services_file")
        services_name = store_upload(services) if services else None
        run = start_import(
            actor=request.user, filename=form.cleaned_data["file"].name, territory=territory
        )
        enqueue_import(run, file_name, services_name)
        return redirect("places:import_detail", public_id=run.public_id)
    runs = ImportRun.objects.filter(territory__in=territories).select_related("territory")[:20]
    return render(
        request, "places/import_page.html", {"form": form, "runs": runs, "formats": formats.FORMATS}
    )


def _get_run_for_user(user, public_id) -> ImportRun:
    run = ImportRun.objects.select_related("territory").filter(public_id=public_id).first()
    # Imports belong to their territory's coordination; others do not see them exist.
    if run is None or not is_coordinator(user, run.territory):
        raise Http404("Import introuvable")
    return run


def import_detail(request: HttpRequest, public_id) -> HttpResponse:
    run = _get_run_for_user(request.user, public_id)
    page = Paginator(run.rejections, 50).get_page(request.GET.get("page"))
    context = {
        "run": run,
        "page": page,
        "running": run.status in (ImportStatus.PENDING, ImportStatus.RUNNING, ImportStatus.MERGING),
        "format_label": formats.FORMATS.get(run.file_format, run.file_format),
    }
    if request.htmx and request.GET.get("fragment") == "progress":
        response = render(request, "places/_import_progress.html", context)
        if not context["running"]:
            # Finished: reload the whole page so that the report of rejected rows appears.
            response["HX-Refresh"] = "true"
        return response
    return render(request, "places/import_detail.html", context)


def merge_list(request: HttpRequest) -> HttpResponse:
    territories = coordinated_territories(request.user)
    if not territories:
        raise PermissionDenied("Réservé à la coordination du territoire.")
    merges = (
        PlaceMerge.objects.filter(kept__territory__in=territories)
        .select_related("kept", "duplicate", "actor", "undone_by")
        .prefetch_related("duplicate__source_records", "kept__source_records")
    )
    show = request.GET.get("etat", "actives")
    if show == "actives":
        merges = merges.filter(undone_at__isnull=True)
    page = Paginator(merges, 30).get_page(request.GET.get("page"))
    return render(request, "places/merge_list.html", {"page": page, "show": show})


@require_POST
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    merge = get_object_or_404(
        PlaceMerge.objects.select_related("kept__territory", "duplicate"), pk=merge_id
    )
    if not is_coordinator(request.user, merge.kept.territory):
        raise Http404("Fusion introuvable")
    undo_merge(actor=request.user, merge=merge)
    messages.success(
        request, f"La fusion est annulée : « {merge.duplicate.nom} » est de nouveau un lieu à part."
    )
    return redirect("places:merges")
