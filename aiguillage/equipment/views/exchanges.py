"""Exchanges with the refurbisher, and the balance per refurbisher (given against
received)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from aiguillage.equipment import exchange_actions, rules
from aiguillage.equipment.errors import EquipmentError
from aiguillage.equipment.forms import ExchangeForm
from aiguillage.equipment.models import Exchange, ExchangeDirection, PartnerRole
from aiguillage.equipment.permissions import get_programme_for_user
from aiguillage.equipment.programme_actions import partners_with_role
from aiguillage.equipment.views.context import (
    PAGE_SIZE,
    posted,
    render_programme_page,
    status_for,
)
from aiguillage.organisations.models import Organisation


def exchange_list(request: HttpRequest, public_id) -> HttpResponse:
    programme = get_programme_for_user(request.user, public_id)
    exchanges = Exchange.objects.filter(programme=programme).select_related("partner")
    found = rules.balances(exchanges.values_list("partner_id", "direction", "quantity"))
    names = dict(
        Organisation.objects.filter(pk__in=[b.partner_id for b in found]).values_list("pk", "name")
    )
    context = {
        "balances": sorted(((names[b.partner_id], b) for b in found), key=lambda pair: pair[0]),
        "page": Paginator(exchanges, PAGE_SIZE).get_page(request.GET.get("page")),
        "received": ExchangeDirection.RECEIVED,
    }
    return render_programme_page(request, "equipment/exchange_list.html", programme, context)


def exchange_create(request: HttpRequest, public_id) -> HttpResponse:
    programme = get_programme_for_user(request.user, public_id, manage=True)
    refurbishers = partners_with_role(programme, PartnerRole.REFURBISHING)
    form = ExchangeForm(posted(request), refurbishers=refurbishers)
    if request.method == "POST" and form.is_valid():
        try:
            exchange = exchange_actions.record_exchange(
                actor=request.user, programme=programme, **form.cleaned_data
            )
        except EquipmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "L'échange est enregistré.")
            if exchange.direction == ExchangeDirection.RECEIVED:
                return redirect("equipment:exchange_device_register", exchange.public_id)
            return redirect("equipment:exchange_list", programme.public_id)
    context = {"form": form, "refurbishers": refurbishers}
    return render_programme_page(
        request, "equipment/exchange_form.html", programme, context, status_for(form)
    )
