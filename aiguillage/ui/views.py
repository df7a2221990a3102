from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aiguillage.places.vocabulary import SERVICE_CODES, SERVICE_GROUPS


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    groups = [
        (group, [(code, SERVICE_CODES[code]) for code in codes])
        for group, codes in SERVICE_GROUPS.items()
    ]
    return render(request, "ui/home.html", {"service_groups": groups})
