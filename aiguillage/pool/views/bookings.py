"""Bookings: the current structure's borrowings, the territory's for its coordinators, a
booking's page with its history, and the moves each side may make."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from aiguillage.accounts.permissions import get_territory_for_coordinator
from aiguillage.pool import booking_actions
from aiguillage.pool.errors import PoolError
from aiguillage.pool.forms import CheckOutForm, NoteForm, ReturnForm
from aiguillage.pool.models import ACTIVE_STATUSES, Booking, BookingStatus
from aiguillage.pool.permissions import can_answer_booking, get_booking_for_user, is_party
from aiguillage.pool.views.context import current_organisation, page_of, render_in_territory

S = BookingStatus
TABS = {"en-cours": "En cours", "terminees": "Terminées"}


def _tab(request: HttpRequest, bookings):
    tab = request.GET.get("onglet") if request.GET.get("onglet") in TABS else "en-cours"
    if tab == "en-cours":
        return tab, bookings.filter(status__in=ACTIVE_STATUSES).order_by("starts_at", "id")
    return tab, bookings.exclude(status__in=ACTIVE_STATUSES).order_by("-starts_at", "-id")


def my_bookings(request: HttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    bookings = Booking.objects.borrowed_by(organisation).select_related(
        "item", "owner_organisation"
    )
    tab, bookings = _tab(request, bookings)
    context = {"organisation": organisation, "page": page_of(bookings, request), "tab": tab,
               "tabs": list(TABS.items())}  # fmt: skip
    return render_in_territory(request, "pool/my_bookings.html", context, organisation.territory)


def territory_bookings(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coordinator(request.user, slug)
    bookings = Booking.objects.in_territory(territory).select_related(
        "item", "owner_organisation", "borrower_organisation"
    )
    tab, bookings = _tab(request, bookings)
    context = {"territory": territory, "page": page_of(bookings, request), "tab": tab,
               "tabs": list(TABS.items())}  # fmt: skip
    return render_in_territory(request, "pool/territory_bookings.html", context, territory)


def _detail(request: HttpRequest, booking: Booking, status: int = 200, **forms) -> HttpResponse:
    owner = can_answer_booking(request.user, booking)
    party = is_party(request.user, booking)
    context = {
        "booking": booking,
        "item": booking.item,
        "changes": booking.changes.select_related("actor", "organisation"),
        "can_answer": owner and booking.status == S.REQUESTED,
        "can_check_out": owner and booking.status == S.APPROVED,
        "can_return": owner and booking.status == S.CHECKED_OUT,
        "can_cancel": party and booking.status in (S.REQUESTED, S.APPROVED),
        "checkout_form": forms.get("checkout_form")
        or CheckOutForm(initial={"condition": booking.item.condition}),
        "return_form": forms.get("return_form")
        or ReturnForm(
            accessories=booking.item.accessories, initial={"condition": booking.item.condition}
        ),
        "note_form": NoteForm(),
    }
    return render_in_territory(
        request, "pool/booking_detail.html", context, booking.territory, status
    )


def booking_detail(request: HttpRequest, public_id) -> HttpResponse:
    return _detail(request, get_booking_for_user(request.user, public_id))


def _organisation_in(request: HttpRequest, booking: Booking):
    """The current structure if it is a side of the loan, else the viewer's side."""
    organisation = current_organisation(request)
    if organisation.pk in (booking.owner_organisation_id, booking.borrower_organisation_id):
        return organisation
    if can_answer_booking(request.user, booking):
        return booking.owner_organisation
    return booking.borrower_organisation


def _simple_move(request: HttpRequest, public_id, *, role: str, move, done: str) -> HttpResponse:
    booking = get_booking_for_user(request.user, public_id, role=role)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        move(actor=request.user, booking=booking, organisation=_organisation_in(request, booking),
             note=note)  # fmt: skip
    except PoolError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("pool:booking_detail", booking.public_id)


@require_POST
def booking_approve(request: HttpRequest, public_id) -> HttpResponse:
    return _simple_move(request, public_id, role="owner", move=booking_actions.approve_booking,
                        done="La demande est acceptée.")  # fmt: skip


@require_POST
def booking_decline(request: HttpRequest, public_id) -> HttpResponse:
    return _simple_move(request, public_id, role="owner", move=booking_actions.decline_booking,
                        done="La demande est refusée.")  # fmt: skip


@require_POST
def booking_cancel(request: HttpRequest, public_id) -> HttpResponse:
    return _simple_move(request, public_id, role="party", move=booking_actions.cancel_booking,
                        done="La réservation est annulée.")  # fmt: skip


@require_POST
def booking_check_out(request: HttpRequest, public_id) -> HttpResponse:
    booking = get_booking_for_user(request.user, public_id, role="owner")
    form = CheckOutForm(request.POST)
    if form.is_valid():
        try:
            booking_actions.check_out_booking(
                actor=request.user, booking=booking, organisation=booking.owner_organisation,
                condition=form.cleaned_data["condition"], note=form.cleaned_data["note"],
            )  # fmt: skip
        except PoolError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "L'objet est remis : bon prêt !")
            return redirect("pool:booking_detail", booking.public_id)
    return _detail(request, booking, 400, checkout_form=form)


@require_POST
def booking_return(request: HttpRequest, public_id) -> HttpResponse:
    booking = get_booking_for_user(request.user, public_id, role="owner")
    form = ReturnForm(request.POST, accessories=booking.item.accessories)
    if form.is_valid():
        data = form.cleaned_data
        try:
            booking_actions.return_booking(
                actor=request.user, booking=booking, organisation=booking.owner_organisation,
                condition=data["condition"], missing_accessories=data.get("missing", []),
                note=data["note"],
            )  # fmt: skip
        except PoolError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Le retour est noté.")
            return redirect("pool:booking_detail", booking.public_id)
    return _detail(request, booking, 400, return_form=form)
