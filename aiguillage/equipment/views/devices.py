"""Devices: the filtered list, a device's page with its history and its one move form, and
fast registration from a collection or an exchange (one device after another)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from aiguillage.equipment import device_actions, rules
from aiguillage.equipment.errors import EquipmentError
from aiguillage.equipment.forms import DeviceFilterForm, MoveForm, RegisterDeviceForm
from aiguillage.equipment.models import (
    D,
    Device,
    DeviceState,
    ErasureMethod,
    ExchangeDirection,
    Grade,
    ItemType,
)
from aiguillage.equipment.permissions import (
    get_collection_for_user,
    get_device_for_user,
    get_exchange_for_user,
    get_programme_for_user,
)
from aiguillage.equipment.views.context import (
    PAGE_SIZE,
    acting_organisation,
    posted,
    render_programme_page,
    status_for,
)


def device_list(request: HttpRequest, public_id) -> HttpResponse:
    programme = get_programme_for_user(request.user, public_id)
    form = DeviceFilterForm(request.GET)
    devices = Device.objects.of_programme(programme)
    chosen = form.cleaned_data if form.is_valid() else {}
    if chosen.get("type"):
        devices = devices.filter(device_type=chosen["type"])
    if chosen.get("q"):
        text = chosen["q"].strip()
        serial = device_actions.normalised_serial(text)
        devices = devices.filter(
            Q(brand__icontains=text)
            | Q(model_name__icontains=text)
            | Q(serial_number__icontains=serial)
        )
    counts = dict(devices.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    if chosen.get("etat"):
        devices = devices.filter(state=chosen["etat"])
    page = Paginator(devices, PAGE_SIZE).get_page(request.GET.get("page"))
    others = {k: v for k, v in (("type", chosen.get("type")), ("q", chosen.get("q"))) if v}
    chips = [("Tous", urlencode(others), not chosen.get("etat"), sum(counts.values()))] + [
        (s.label, urlencode({**others, "etat": s.value}), chosen.get("etat") == s.value, counts[s])
        for s in DeviceState
        if counts.get(s)
    ]
    query = urlencode({**others, **({"etat": chosen["etat"]} if chosen.get("etat") else {})})
    context = {"form": form, "page": page, "chips": chips, "query": query}
    return render_programme_page(
        request, "equipment/device_list.html", programme, context, status_for(form)
    )


# What the person did, as the radio buttons of the move form say it.
MOVE_LABELS = {
    D.DIAGNOSED: "Diagnostiqué (état vérifié, grade donné)",
    D.ERASED: "Données effacées",
    D.REFURBISHED: "Reconditionné (système installé)",
    D.READY: "Prêt à donner",
    D.RECYCLED: "Recyclé (ne peut pas être réutilisé)",
}
DETAIL_LABELS = {
    "grade": "Grade",
    "erasure_method": "Méthode d'effacement",
    "erasure_certificate": "Certificat d'effacement",
    "erased_at": "Effacé le",
    "operating_system": "Système installé",
    "software": "Logiciels",
    "recycled_reason": "Motif",
    "recycler": "Recycleur",
}


def _detail_text(key: str, value) -> str:
    if key == "erasure_method":
        return ErasureMethod(value).label if value in ErasureMethod.values else value
    if key == "grade":
        return Grade(value).label if value in Grade.values else value
    if key == "erased_at":
        day = str(value)[:10]  # recorded in ISO: 2026-03-03
        return f"{day[8:10]}/{day[5:7]}/{day[:4]}"
    return str(value)


def _history(device: Device) -> list[dict]:
    """Each move, newest last. A move that concerns a person (reservation, hand-over,
    installation, a cancelled reservation) shows its state and date only."""
    rows = []
    for move in device.moves.select_related("actor", "organisation"):
        personal = move.to_state in rules.PERSON_STATES or move.from_state in rules.PERSON_STATES
        shown = {} if personal else move.details
        details = [
            (DETAIL_LABELS[k], _detail_text(k, v))
            for k, v in shown.items()
            if k in DETAIL_LABELS and v
        ]
        rows.append(
            {
                "state": DeviceState(move.to_state).label,
                "at": move.at,
                "personal": personal,
                "actor": None if personal else move.actor,
                "organisation": None if personal else move.organisation,
                "note": "" if personal else move.note,
                "details": details,
            }
        )
    return rows


def _device_page(request, device: Device, form: MoveForm | None = None, status: int = 200):
    programme = device.programme
    context = {
        "device": device,
        "history": _history(device),
        "form": form or MoveForm(device=device),
        "moves": [(m, MOVE_LABELS[m]) for m in rules.page_moves(device.state)],
        "is_person_state": device.state in rules.PERSON_STATES,
    }
    return render_programme_page(
        request, "equipment/device_detail.html", programme, context, status
    )


def device_detail(request: HttpRequest, public_id) -> HttpResponse:
    return _device_page(request, get_device_for_user(request.user, public_id))


@require_POST
def device_move(request: HttpRequest, public_id) -> HttpResponse:
    device = get_device_for_user(request.user, public_id, manage=True)
    form = MoveForm(request.POST, device=device)
    if form.is_valid():
        to = form.cleaned_data["to"]
        organisation = acting_organisation(request, device.programme)
        details = form.details(device.programme.territory.tz)
        try:
            if to == D.DIAGNOSED:
                device_actions.diagnose(
                    actor=request.user,
                    organisation=organisation,
                    device=device,
                    facts=form.diagnosis_facts(device),
                    details=details,
                )
            else:
                device_actions.move(
                    actor=request.user,
                    organisation=organisation,
                    device=device,
                    to=to,
                    details=details,
                )
        except EquipmentError as error:
            form.add_error(None, str(error))
        else:
            label = DeviceState(to).label.lower()
            messages.success(request, f"Étape enregistrée : l'appareil est « {label} ».")
            return redirect("equipment:device_detail", device.public_id)
    device.refresh_from_db()
    return _device_page(request, device, form, 400)


def _register(request: HttpRequest, programme, origin: dict, here: str, context: dict):
    """The same short form again and again: saved, then empty with « Appareil enregistré »
    (the type stays on the last one chosen)."""
    last_type = request.GET.get("type") if request.GET.get("type") in ItemType.values else ""
    form = RegisterDeviceForm(posted(request), initial={"device_type": last_type or "portable"})
    if request.method == "POST" and form.is_valid():
        try:
            device = device_actions.register_device(
                actor=request.user,
                organisation=acting_organisation(request, programme),
                programme=programme,
                facts=form.facts(),
                note=form.cleaned_data["note"],
                **origin,
            )
        except EquipmentError as error:
            form.add_error(None, str(error))
        else:
            serial = f" (n° {device.serial_number})" if device.serial_number else ""
            messages.success(
                request, f"Appareil enregistré{serial}. Vous pouvez saisir le suivant."
            )
            return redirect(f"{here}?{urlencode({'type': device.device_type})}")
    source = origin.get("collection") or origin.get("exchange")
    registered = source.devices.order_by("-created_at", "-id")
    context |= {
        "form": form,
        "registered_count": registered.count(),
        "last_registered": list(registered[:5]),
    }
    return render_programme_page(
        request, "equipment/device_register.html", programme, context, status_for(form)
    )


def device_register(request: HttpRequest, public_id) -> HttpResponse:
    collection = get_collection_for_user(request.user, public_id, manage=True)
    here = reverse("equipment:device_register", args=[collection.public_id])
    expected = sum(item.quantity for item in collection.items.all())
    context = {"collection": collection, "exchange": None, "expected": expected}
    return _register(request, collection.programme, {"collection": collection}, here, context)


def exchange_device_register(request: HttpRequest, public_id) -> HttpResponse:
    exchange = get_exchange_for_user(request.user, public_id, manage=True)
    if exchange.direction != ExchangeDirection.RECEIVED:
        raise Http404("On enregistre les appareils reçus du reconditionneur seulement.")
    here = reverse("equipment:exchange_device_register", args=[exchange.public_id])
    context = {"collection": None, "exchange": exchange, "expected": exchange.quantity}
    return _register(request, exchange.programme, {"exchange": exchange}, here, context)
