"""Donors of a programme and the people to reach there."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from aiguillage.equipment import collection_actions
from aiguillage.equipment.errors import EquipmentError
from aiguillage.equipment.forms import ContactForm, DonorForm
from aiguillage.equipment.models import Donor
from aiguillage.equipment.permissions import get_donor_for_user, get_programme_for_user
from aiguillage.equipment.views.context import (
    PAGE_SIZE,
    posted,
    render_programme_page,
    status_for,
)


def donor_list(request: HttpRequest, public_id) -> HttpResponse:
    programme = get_programme_for_user(request.user, public_id)
    donors = Donor.objects.filter(programme=programme).prefetch_related("collections")
    page = Paginator(donors, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_programme_page(request, "equipment/donor_list.html", programme, {"page": page})


def donor_create(request: HttpRequest, public_id) -> HttpResponse:
    programme = get_programme_for_user(request.user, public_id, manage=True)
    form = DonorForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            donor = collection_actions.create_donor(
                actor=request.user, programme=programme, values=form.values()
            )
        except EquipmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Le donateur est enregistré.")
            return redirect("equipment:donor_detail", donor.public_id)
    context = {"form": form, "donor": None}
    return render_programme_page(
        request, "equipment/donor_form.html", programme, context, status_for(form)
    )


def donor_detail(request: HttpRequest, public_id) -> HttpResponse:
    donor = get_donor_for_user(request.user, public_id)
    context = {
        "donor": donor,
        "contacts": list(donor.contacts.all()),
        "collections": list(donor.collections.prefetch_related("items")),
    }
    return render_programme_page(request, "equipment/donor_detail.html", donor.programme, context)


def donor_edit(request: HttpRequest, public_id) -> HttpResponse:
    donor = get_donor_for_user(request.user, public_id, manage=True)
    initial = {f: getattr(donor, f) for f in ("name", "kind", "siret", "address", "notes")}
    form = DonorForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            collection_actions.update_donor(actor=request.user, donor=donor, values=form.values())
        except EquipmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Le donateur est enregistré.")
            return redirect("equipment:donor_detail", donor.public_id)
    context = {"form": form, "donor": donor}
    return render_programme_page(
        request, "equipment/donor_form.html", donor.programme, context, status_for(form)
    )


def contact_form(request: HttpRequest, public_id, contact_id: int | None = None) -> HttpResponse:
    """Add a contact to a donor, or correct or remove one (``contact_id``)."""
    donor = get_donor_for_user(request.user, public_id, manage=True)
    contact = None
    if contact_id is not None:
        contact = donor.contacts.filter(pk=contact_id).first()
        if contact is None:
            raise Http404("Contact introuvable")
    initial = (
        {f: getattr(contact, f) for f in ("name", "role", "email", "phone")} if contact else {}
    )
    form = ContactForm(posted(request), initial=initial)
    if request.method == "POST" and contact is not None and "supprimer" in request.POST:
        collection_actions.remove_contact(actor=request.user, contact=contact)
        messages.success(request, "Le contact est retiré.")
        return redirect("equipment:donor_detail", donor.public_id)
    if request.method == "POST" and form.is_valid():
        try:
            collection_actions.save_contact(
                actor=request.user, donor=donor, values=form.values(), contact=contact
            )
        except EquipmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Le contact est enregistré.")
            return redirect("equipment:donor_detail", donor.public_id)
    context = {"form": form, "donor": donor, "contact": contact}
    return render_programme_page(
        request, "equipment/contact_form.html", donor.programme, context, status_for(form)
    )
