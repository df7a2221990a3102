"""The user's programmes, and a programme's home: stock per state and where to go next."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aiguillage.equipment import stock
from aiguillage.equipment.models import Collection, Exchange
from aiguillage.equipment.permissions import get_programme_for_user, programmes_for
from aiguillage.equipment.views.context import render_programme_page


def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = programmes_for(request.user).select_related("territory", "lead").distinct()
    return render(request, "equipment/programme_list.html", {"programmes": list(programmes)})


def programme_home(request: HttpRequest, public_id) -> HttpResponse:
    programme = get_programme_for_user(request.user, public_id)
    counts = stock.state_counts(programme)
    context = {
        "counts": counts,
        "in_stock": stock.in_stock_count(counts),
        "recent_collections": list(
            Collection.objects.filter(programme=programme).select_related("donor")[:5]
        ),
        "exchange_count": Exchange.objects.filter(programme=programme).count(),
    }
    return render_programme_page(request, "equipment/programme_home.html", programme, context)
