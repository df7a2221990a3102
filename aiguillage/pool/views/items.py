"""The current structure's items: the list with the requests to answer, creating, editing
and withdrawing an item."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from aiguillage.pool import actions, rules
from aiguillage.pool.errors import PoolError
from aiguillage.pool.forms import ItemForm
from aiguillage.pool.models import Booking, BookingStatus, Item
from aiguillage.pool.permissions import get_item_for_user
from aiguillage.pool.views.context import current_organisation, page_of, render_in_territory
from aiguillage.uploads import accepts_uploads

# A photo of MAX_PHOTO_BYTES and the form's fields.
UPLOAD_BYTES = rules.MAX_PHOTO_BYTES + 200_000


def my_items(request: HttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    items = Item.objects.for_organisation(organisation).order_by("withdrawn_at", "name", "id")
    loans = (
        Booking.objects.owned_by(organisation)
        .active()
        .select_related("item", "borrower_organisation")
        .order_by("status", "starts_at", "id")  # « approved », « checked_out », « requested »
    )
    context = {
        "organisation": organisation,
        "page": page_of(items, request),
        "loans": page_of(loans, request, "prets"),
        "requested": BookingStatus.REQUESTED,
    }
    return render_in_territory(request, "pool/my_items.html", context, organisation.territory)


@accepts_uploads(UPLOAD_BYTES)
def item_create(request: HttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    form = ItemForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = actions.create_item(
                actor=request.user, organisation=organisation, values=form.values(),
                photo=form.cleaned_data.get("photo") or None,
            )  # fmt: skip
        except PoolError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "L'objet est dans le catalogue du territoire.")
            return redirect("pool:item_detail", item.public_id)
    context = {"form": form, "item": None}
    status = 400 if form.errors else 200
    return render_in_territory(
        request, "pool/item_form.html", context, organisation.territory, status
    )


@accepts_uploads(UPLOAD_BYTES)
def item_edit(request: HttpRequest, public_id) -> HttpResponse:
    item = get_item_for_user(request.user, public_id, manage=True)
    form = ItemForm.for_item(item, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        photo = form.cleaned_data.get("photo")
        try:
            actions.update_item(
                actor=request.user, item=item, values=form.values(),
                photo=photo or None, remove_photo=photo is False,
            )  # fmt: skip
        except PoolError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "L'objet est modifié.")
            return redirect("pool:item_detail", item.public_id)
    context = {"form": form, "item": item}
    status = 400 if form.errors else 200
    return render_in_territory(request, "pool/item_form.html", context, item.territory, status)


@require_POST
def item_withdraw(request: HttpRequest, public_id) -> HttpResponse:
    item = get_item_for_user(request.user, public_id, manage=True)
    try:
        actions.withdraw_item(actor=request.user, item=item)
    except PoolError as error:
        messages.error(request, str(error))
        return redirect("pool:item_detail", item.public_id)
    messages.success(request, f"« {item.name} » est retiré du catalogue.")
    return redirect("pool:my_items")
