"""The second factor's pages: set up, enter a code, manage recovery codes."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from aiguillage.accounts import second_factor
from aiguillage.accounts.actions import (
    AccountError,
    confirm_second_factor,
    regenerate_recovery_codes,
    start_second_factor,
    verify_second_factor,
)
from aiguillage.accounts.forms import SecondFactorCodeForm


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("accounts:dashboard")


def _with_next(view_name: str, request: HttpRequest) -> str:
    return f"{reverse(view_name)}?{urlencode({'next': _next_url(request)})}"


def _codes_page(request: HttpRequest, codes: list[str], *, first_time: bool) -> HttpResponse:
    return render(
        request,
        "accounts/second_factor_codes.html",
        {"codes": codes, "first_time": first_time, "next": _next_url(request)},
    )


def setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the key), then give the first code to switch it on."""
    user = request.user
    if second_factor.has_second_factor(user):
        # Only a verified session may change the factor; the others enter their code.
        if user.is_verified():
            return redirect("accounts:second_factor")
        return redirect(_with_next("accounts:second_factor_verify", request))
    device = start_second_factor(user=user)
    form = SecondFactorCodeForm(request.POST or None, allow_recovery=False)
    if request.method == "POST" and form.is_valid():
        try:
            codes = confirm_second_factor(request=request, code=form.cleaned_data["code"])
        except AccountError as error:
            form.add_error("code", str(error))
        else:
            return _codes_page(request, codes, first_time=True)
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "qr_svg": second_factor.qr_code_svg(device),
            "key": second_factor.grouped_key(device),
            "next": _next_url(request),
        },
    )


def verify(request: HttpRequest) -> HttpResponse:
    """The code asked after the password, once per session."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not second_factor.has_second_factor(user):
        return redirect(_with_next("accounts:second_factor_setup", request))
    form = SecondFactorCodeForm(request.POST or None, allow_recovery=True)
    if request.method == "POST" and form.is_valid():
        try:
            left = verify_second_factor(request=request, code=form.cleaned_data["code"])
        except AccountError as error:
            form.add_error("code", str(error))
        else:
            if left is not None:
                messages.warning(
                    request,
                    f"Code de secours utilisé : il vous en reste {left}. "
                    "Vous pouvez en générer de nouveaux sur la page « Double authentification ».",
                )
            return redirect(_next_url(request))
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/second_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=status,
    )


def manage(request: HttpRequest) -> HttpResponse:
    """Where an account sees its second factor and renews its recovery codes."""
    user = request.user
    return render(
        request,
        "accounts/second_factor_manage.html",
        {
            "enabled": second_factor.has_second_factor(user),
            "recovery_left": second_factor.remaining_recovery_codes(user),
            "required": settings.TWO_FACTOR_REQUIRED
            and (user.is_staff or request.membership is not None),
        },
    )


@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = regenerate_recovery_codes(user=request.user)
    except AccountError as error:
        messages.error(request, str(error))
        return redirect("accounts:second_factor")
    return _codes_page(request, codes, first_time=False)
