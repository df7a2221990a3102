"""What every page of the programme shares: reading a POST, the generic form page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from aiguillage.steering.errors import SteeringError

PAGE_SIZE = 20


def posted(request: HttpRequest):
    """The submitted data, even empty (an empty POST still means « send »)."""
    return request.POST if request.method == "POST" else None


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[dict], Any],
    done: str,
    redirect_to: Callable[[Any], Any],
    title: str,
    back: tuple[str, str],
    submit: str,
    intro: str = "",
    multipart: bool = False,
) -> HttpResponse:
    """The usual form page: on a valid POST, ``save(cleaned_data)`` calls an action; a
    ``SteeringError`` is shown at the top of the form, nothing changed; else redirect."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except SteeringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect(redirect_to(result))
    context = {
        "form": form, "title": title, "back_url": back[0], "back_label": back[1],
        "submit": submit, "intro": intro, "multipart": multipart,
    }  # fmt: skip
    return render(request, "steering/step_form.html", context, status=400 if form.errors else 200)


def refused(request: HttpRequest, error: SteeringError, to: Any) -> HttpResponse:
    """A one-button step refused by a rule: say why on the page it came from."""
    messages.error(request, str(error))
    return redirect(to)
