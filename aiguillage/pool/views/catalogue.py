"""The territory's catalogue, an item's page with its free and booked periods, its photo,
and asking to borrow it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from aiguillage.pool import booking_actions, rules
from aiguillage.pool.errors import PoolError
from aiguillage.pool.forms import BookingRequestForm
from aiguillage.pool.models import Booking, Item, ItemCategory
from aiguillage.pool.permissions import (
    can_manage_item,
    can_request_item,
    can_see_booking,
    get_item_for_user,
)
from aiguillage.pool.views.context import (
    catalogue_territory,
    current_organisation,
    page_of,
    render_in_territory,
)


def _coming_bookings(items: list[Item], now: dt.datetime) -> dict[int, list[Booking]]:
    """Active bookings not over yet, per item, in one query."""
    found: dict[int, list[Booking]] = defaultdict(list)
    rows = Booking.objects.filter(item__in=items, ends_at__gt=now).active().order_by("starts_at")
    for booking in rows:
        found[booking.item_id].append(booking)
    return found


def catalogue(request: HttpRequest) -> HttpResponse:
    territory = catalogue_territory(request)
    category = request.GET.get("categorie", "")
    items = Item.objects.in_territory(territory).listed().select_related("organisation")
    if category in ItemCategory.values:
        items = items.filter(category=category)
    page = page_of(items, request)
    now = timezone.now()
    coming = _coming_bookings(list(page.object_list), now)
    for item in page.object_list:
        bookings = coming.get(item.pk, [])
        item.current = next((b for b in bookings if b.starts_at <= now), None)
        item.next = next((b for b in bookings if b.starts_at > now), None)
    context = {
        "territory": territory,
        "page": page,
        "categories": ItemCategory.choices,
        "category": category if category in ItemCategory.values else "",
        "query": f"categorie={category}&" if category in ItemCategory.values else "",
        "has_structure": request.membership is not None,
    }
    return render_in_territory(request, "pool/catalogue.html", context, territory)


def item_detail(request: HttpRequest, public_id) -> HttpResponse:
    item = get_item_for_user(request.user, public_id)
    tz = item.territory.tz
    today = timezone.now().astimezone(tz).date()
    year, month = rules.parse_month(request.GET.get("mois"), today=today)
    start, end = rules.month_window(year, month, tz)
    booked = Booking.objects.filter(item=item).active().overlapping(start, end)
    booked = booked.select_related("borrower_organisation")
    segments = rules.availability(start, end, [(b.starts_at, b.ends_at, b) for b in booked])
    manage = can_manage_item(request.user, item)
    previous = (start - dt.timedelta(days=1)).astimezone(tz)
    context = {
        "item": item,
        "segments": segments,
        "month_start": start,
        "previous_month": f"{previous.year}-{previous.month:02d}",
        "next_month": f"{end.year}-{end.month:02d}",
        "can_manage": manage,
        "can_request": item.is_lendable
        and can_request_item(
            request.user, item, getattr(request.membership, "organisation_id", None)
        ),
        "visible": {b.pk for b in booked if can_see_booking(request.user, b)},
    }
    return render_in_territory(request, "pool/item_detail.html", context, item.territory)


def item_photo(request: HttpRequest, public_id) -> HttpResponse:
    item = get_item_for_user(request.user, public_id)
    if not item.photo:
        raise Http404("Pas de photo")
    with item.photo.open("rb") as photo:  # small (rules.MAX_PHOTO_BYTES): read at once
        content = photo.read()
    content_type = {"jpg": "image/jpeg", "png": "image/png"}.get(rules.photo_kind(content) or "")
    if content_type is None:
        raise Http404("Pas de photo")
    return HttpResponse(content, content_type=content_type)


def booking_request(request: HttpRequest, public_id) -> HttpResponse:
    item = get_item_for_user(request.user, public_id)
    organisation = current_organisation(request)
    # Seeing the item is not borrowing it: the structures of its territory do.
    if not can_request_item(request.user, item, organisation.pk):
        raise PermissionDenied("Seules les structures du territoire de l'objet l'empruntent.")
    with timezone.override(item.territory.tz):
        form = BookingRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                booking = booking_actions.request_booking(
                    actor=request.user, item=item, organisation=organisation,
                    starts_at=data["starts_at"], ends_at=data["ends_at"], purpose=data["purpose"],
                )  # fmt: skip
            except PoolError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Votre demande est envoyée à la structure qui prête.")
                return redirect("pool:booking_detail", booking.public_id)
    context = {"item": item, "form": form, "max_days": rules.MAX_BOOKING_DAYS}
    status = 400 if form.errors else 200
    return render_in_territory(
        request, "pool/booking_request.html", context, item.territory, status
    )
