"""Committees: creating one, its page (members, meetings, decisions), meetings with their
minutes (PDF, ODT or DOCX, read through this application only) and decisions."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from aiguillage.steering import governance_actions, rules
from aiguillage.steering.forms import CommitteeForm, DecisionForm, MeetingForm, MinutesForm
from aiguillage.steering.models import Decision, SteeringRoleKind
from aiguillage.steering.permissions import (
    get_committee_for_user,
    get_meeting_for_user,
    get_programme_for_user,
)
from aiguillage.steering.views.common import PAGE_SIZE, form_page, posted
from aiguillage.uploads import accepts_uploads

UPLOAD_BYTES = rules.MAX_MINUTES_BYTES + 200_000


def _committee_url(committee) -> str:
    return reverse("steering:committee_detail", args=[committee.public_id])


def _meeting_url(meeting) -> str:
    return reverse("steering:meeting_detail", args=[meeting.public_id])


def committee_create(request: HttpRequest, public_id) -> HttpResponse:
    programme, _ = get_programme_for_user(request.user, public_id, manage=True)
    home = reverse("steering:programme_home", args=[programme.public_id])
    return form_page(
        request, CommitteeForm(posted(request)),
        save=lambda data: governance_actions.create_committee(
            actor=request.user, programme=programme, **data
        ),
        done="Le comité est créé. Ajoutez ses membres depuis « Rôles ».",
        redirect_to=_committee_url, title="Nouveau comité", back=(home, programme.title),
        submit="Créer le comité",
    )  # fmt: skip


def committee_detail(request: HttpRequest, public_id) -> HttpResponse:
    committee, access = get_committee_for_user(request.user, public_id)
    meetings = committee.meetings.prefetch_related("decisions__plan_version")
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    members = committee.roles.filter(kind=SteeringRoleKind.COMMITTEE_MEMBER).select_related("user")
    context = {
        "committee": committee,
        "programme": committee.programme,
        "members": members,
        "page": page,
        "can_manage": access.is_coordinator,
    }
    return render(request, "steering/committee_detail.html", context)


@accepts_uploads(UPLOAD_BYTES)
def meeting_create(request: HttpRequest, public_id) -> HttpResponse:
    committee, _ = get_committee_for_user(request.user, public_id, manage=True)
    form = MeetingForm(posted(request), request.FILES or None)
    return form_page(
        request, form,
        save=lambda data: governance_actions.create_meeting(
            actor=request.user, committee=committee, held_on=data["held_on"],
            agenda=data["agenda"], place=data["place"], minutes=data["minutes"] or None,
        ),
        done="La réunion est notée.", redirect_to=_meeting_url,
        title=f"Nouvelle réunion — {committee.title}",
        back=(_committee_url(committee), committee.title), submit="Noter la réunion",
        intro="Le compte rendu peut aussi être déposé après la réunion.", multipart=True,
    )  # fmt: skip


def meeting_detail(request: HttpRequest, public_id) -> HttpResponse:
    meeting, access = get_meeting_for_user(request.user, public_id)
    decisions = Decision.objects.filter(meeting=meeting).select_related("plan_version")
    context = {
        "meeting": meeting,
        "committee": meeting.committee,
        "programme": meeting.committee.programme,
        "decisions": decisions.prefetch_related("actions"),
        "can_manage": access.is_coordinator,
    }
    return render(request, "steering/meeting_detail.html", context)


def meeting_minutes(request: HttpRequest, public_id) -> HttpResponse:
    meeting, _ = get_meeting_for_user(request.user, public_id)
    if not meeting.minutes:
        raise Http404("Pas de compte rendu")
    with meeting.minutes.open("rb") as stored:  # small (rules.MAX_MINUTES_BYTES): read at once
        content = stored.read()
    kind = rules.minutes_kind(content)  # what it is, checked again, never its stored name
    if kind is None:
        raise Http404("Pas de compte rendu")
    response = HttpResponse(content, content_type=rules.MINUTES_KINDS[kind])
    name = f"compte-rendu-{meeting.held_on:%Y-%m-%d}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@accepts_uploads(UPLOAD_BYTES)
def minutes_upload(request: HttpRequest, public_id) -> HttpResponse:
    meeting, _ = get_meeting_for_user(request.user, public_id, manage=True)
    return form_page(
        request, MinutesForm(posted(request), request.FILES or None),
        save=lambda data: governance_actions.attach_minutes(
            actor=request.user, meeting=meeting, minutes=data["minutes"]
        ),
        done="Le compte rendu est déposé.", redirect_to=_meeting_url,
        title=f"Compte rendu — {meeting}", back=(_meeting_url(meeting), str(meeting)),
        submit="Déposer le compte rendu", multipart=True,
    )  # fmt: skip


def decision_create(request: HttpRequest, public_id) -> HttpResponse:
    meeting, _ = get_meeting_for_user(request.user, public_id, manage=True)
    form = DecisionForm(posted(request), programme=meeting.committee.programme)
    return form_page(
        request, form,
        save=lambda data: governance_actions.record_decision(
            actor=request.user, meeting=meeting, text=data["text"], kind=data["kind"],
            actions=data["actions"],
        ),
        done="La décision est notée.", redirect_to=lambda _: _meeting_url(meeting),
        title=f"Nouvelle décision — {meeting}", back=(_meeting_url(meeting), str(meeting)),
        submit="Noter la décision",
        intro="Pour approuver un plan d'actions, passez par la page du plan : « Approuver le "
        "plan ».",
    )  # fmt: skip
