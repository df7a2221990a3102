"""Collections: the list, recording one with its item lines, its page, its receipt."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from aiguillage.equipment import collection_actions, receipts
from aiguillage.equipment.errors import EquipmentError
from aiguillage.equipment.forms import (
    ITEM_PREFIX,
    CollectionForm,
    ItemLines,
    item_lines_plus_one,
)
from aiguillage.equipment.models import Collection, CollectionItem, Donor, PartnerRole
from aiguillage.equipment.permissions import get_collection_for_user, get_programme_for_user
from aiguillage.equipment.programme_actions import partners_with_role
from aiguillage.equipment.views.context import PAGE_SIZE, render_programme_page, status_for

# Items counted in a subquery: joined with the devices, the sum would count each item once
# per device.
_given = (
    CollectionItem.objects.filter(collection=OuterRef("pk"))
    .order_by()
    .values("collection")
    .annotate(total=Sum("quantity"))
    .values("total")
)


def collection_list(request: HttpRequest, public_id) -> HttpResponse:
    programme = get_programme_for_user(request.user, public_id)
    collections = (
        Collection.objects.filter(programme=programme)
        .select_related("donor", "collected_by")
        .annotate(given=Subquery(_given), registered=Count("devices", distinct=True))
        .order_by("-collected_on", "-id")
    )
    page = Paginator(collections, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_programme_page(
        request, "equipment/collection_list.html", programme, {"page": page}
    )


def collection_create(request: HttpRequest, public_id) -> HttpResponse:
    programme = get_programme_for_user(request.user, public_id, manage=True)
    donors = Donor.objects.filter(programme=programme)
    collectors = partners_with_role(programme, PartnerRole.COLLECTION)
    data = request.POST if request.method == "POST" else None
    initial = {"donor": request.GET.get("donateur")} if request.GET.get("donateur") else {}
    if data is not None and "ajouter_ligne" in data:
        # « Ajouter une ligne » without script: the same page, what was typed, one more line.
        form = CollectionForm(initial=data.dict(), donors=donors, collectors=collectors)
        lines = item_lines_plus_one(data)
        context = {"form": form, "lines": lines, "collectors": collectors}
        return render_programme_page(request, "equipment/collection_form.html", programme, context)
    form = CollectionForm(data, initial=initial, donors=donors, collectors=collectors)
    lines = ItemLines(data, prefix=ITEM_PREFIX)
    if data is not None and form.is_valid() and lines.is_valid():
        try:
            collection = collection_actions.record_collection(
                actor=request.user, programme=programme, items=lines.lines(), **form.cleaned_data
            )
        except EquipmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"La collecte est enregistrée : reçu n° {collection.receipt_number}."
            )
            return redirect("equipment:collection_detail", collection.public_id)
    context = {"form": form, "lines": lines, "collectors": collectors}
    status = status_for(form) if data is None or lines.is_valid() else 400
    return render_programme_page(
        request, "equipment/collection_form.html", programme, context, status
    )


def collection_detail(request: HttpRequest, public_id) -> HttpResponse:
    collection = get_collection_for_user(request.user, public_id)
    items = list(collection.items.all())
    context = {
        "collection": collection,
        "items": items,
        "given": sum(item.quantity for item in items),
        "devices": list(collection.devices.order_by("created_at", "id")),
    }
    return render_programme_page(
        request, "equipment/collection_detail.html", collection.programme, context
    )


def collection_receipt(request: HttpRequest, public_id) -> HttpResponse:
    collection = get_collection_for_user(request.user, public_id)
    content = receipts.receipt_pdf(collection)
    collection_actions.log_receipt_downloaded(actor=request.user, collection=collection)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipts.receipt_filename(collection)}"'
    return response
