"""Participants' satisfaction: the organiser's page with the QR code of a session's link,
the public form behind the link (no login), the same form on the organiser's tablet handed
round the table, and the results shown on the session's and the cycle's pages.

On the public link, one answer per browser: a signed cookie, limited to the link's address,
says that this browser has answered. On the tablet (the organiser's session), each
participant answers in turn. Both stop at the link's cap (``satisfaction.answer_cap``).
"""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from aiguillage.accounts.notifications import absolute_url
from aiguillage.workshops import satisfaction, satisfaction_actions
from aiguillage.workshops.errors import WorkshopError
from aiguillage.workshops.models import (
    Cycle,
    SatisfactionChannel,
    SatisfactionLink,
    SatisfactionResponse,
    Session,
)
from aiguillage.workshops.permissions import get_session_for_user
from aiguillage.workshops.satisfaction_forms import SatisfactionForm
from aiguillage.workshops.views.context import render_in_territory

ANSWERED_COOKIE = "avis_donne"
COOKIE_SALT = "workshops.satisfaction"
FORM_TEMPLATE = "workshops/satisfaction_form.html"


def satisfaction_section(workshop: Cycle | Session) -> dict:
    """The results part of a session's or a cycle's page (the organiser's only)."""
    responses = SatisfactionResponse.objects.filter(
        **{"cycle" if isinstance(workshop, Cycle) else "session": workshop}
    )
    return {"satisfaction": satisfaction.satisfaction_results(responses)}


def _qr_code_svg(text: str) -> str:
    """A QR code as inline SVG (no image file, nothing leaves the server)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    # The XML declaration is not valid inside HTML.
    return re.sub(r"^<\?xml[^>]*\?>", "", image.to_string(encoding="unicode")).strip()


def session_satisfaction(request: HttpRequest, public_id) -> HttpResponse:
    """GET: the link, its QR code and the results; POST: open the link."""
    session = get_session_for_user(request.user, public_id, manage=True)
    if request.method == "POST":
        try:
            satisfaction_actions.open_satisfaction_link(actor=request.user, session=session)
        except WorkshopError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Le questionnaire est ouvert : montrez le QR code.")
        return redirect("workshops:session_satisfaction", session.public_id)
    link = SatisfactionLink.objects.filter(session=session).first()
    context = {"session": session, "link": link} | satisfaction_section(session)
    if link is not None:
        link.session = session
        url = absolute_url(reverse("workshops:satisfaction_form", args=[link.token]))
        context |= {
            "url": url,
            "qr_svg": _qr_code_svg(url),
            "closes_at": satisfaction.closes_at(link),
            "closed": satisfaction.closed_reason(link, now=timezone.now()),
        }
    return render_in_territory(
        request, "workshops/session_satisfaction.html", context, session.territory
    )


def _page(request, link, *, state: str, form=None, tablet=False, status=200, reason=""):
    context = {
        "session": link.session,
        "state": state,  # "form", "thanks" or "closed"
        "form": form,
        "tablet": tablet,
        "reason": reason,
        "thanked": tablet and request.GET.get("merci") == "1",
    }
    return render_in_territory(request, FORM_TEMPLATE, context, link.session.territory, status)


def _answer(request, link, *, channel: str, actor) -> tuple[SatisfactionForm, str]:
    """Validate and record a POST: (the form, a closing reason if the link closed meanwhile)."""
    form = SatisfactionForm(request.POST)
    if form.is_valid():
        try:
            satisfaction_actions.record_satisfaction(
                actor=actor, link=link, answers=form.cleaned_data, channel=channel
            )
        except WorkshopError as error:
            return form, str(error)
    return form, ""


@login_not_required
@never_cache
def satisfaction_form(request: HttpRequest, token: str) -> HttpResponse:
    """The public form behind a session's link: one answer per browser."""
    link = get_object_or_404(
        SatisfactionLink.objects.select_related("session", "session__territory"), token=token
    )
    if request.get_signed_cookie(ANSWERED_COOKIE, "", salt=COOKIE_SALT) == link.token:
        return _page(request, link, state="thanks")
    reason = satisfaction.closed_reason(link, now=timezone.now())
    if reason:
        return _page(request, link, state="closed", reason=reason, status=410)
    if request.method != "POST":
        return _page(request, link, state="form", form=SatisfactionForm())
    form, reason = _answer(request, link, channel=SatisfactionChannel.LINK, actor=None)
    if reason:
        return _page(request, link, state="closed", reason=reason, status=410)
    if form.errors:
        return _page(request, link, state="form", form=form, status=400)
    response = redirect(request.path)
    response.set_signed_cookie(
        ANSWERED_COOKIE,
        link.token,
        salt=COOKIE_SALT,
        path=request.path,  # this link only
        max_age=int(satisfaction.LINK_OPEN_FOR.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def satisfaction_tablet(request: HttpRequest, public_id) -> HttpResponse:
    """The same form on the organiser's device, handed to each participant in turn."""
    session = get_session_for_user(request.user, public_id, manage=True)
    link = SatisfactionLink.objects.filter(session=session).first()
    if link is None:
        messages.info(request, "Ouvrez d'abord le questionnaire d'avis.")
        return redirect("workshops:session_satisfaction", session.public_id)
    link.session = session
    reason = satisfaction.closed_reason(link, now=timezone.now())
    if not reason and request.method == "POST":
        form, reason = _answer(
            request, link, channel=SatisfactionChannel.TABLET, actor=request.user
        )
        if not reason and not form.errors:
            return redirect(reverse("workshops:satisfaction_tablet", args=[public_id]) + "?merci=1")
        if not reason:
            return _page(request, link, state="form", form=form, tablet=True, status=400)
    if reason:
        return _page(request, link, state="closed", reason=reason, tablet=True, status=410)
    return _page(request, link, state="form", form=SatisfactionForm(), tablet=True)
