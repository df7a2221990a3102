"""Working groups: creating one, its page (members, referents, proposals), its members, and
proposals from the group to a committee to the plan (« Proposer au comité »)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aiguillage.accounts.models import User
from aiguillage.steering import governance_actions
from aiguillage.steering.errors import SteeringError
from aiguillage.steering.forms import (
    AcceptForm,
    DeclineForm,
    GroupForm,
    MemberForm,
    ProposalForm,
    SubmitForm,
)
from aiguillage.steering.models import ProposalStatus, SteeringRoleKind
from aiguillage.steering.permissions import (
    can_manage_group,
    get_group_for_user,
    get_programme_for_user,
    get_proposal_for_user,
)
from aiguillage.steering.views.common import PAGE_SIZE, form_page, posted, refused


def _group_url(group) -> str:
    return reverse("steering:group_detail", args=[group.public_id])


def _proposal_url(proposal) -> str:
    return reverse("steering:proposal_detail", args=[proposal.public_id])


def group_create(request: HttpRequest, public_id) -> HttpResponse:
    programme, _ = get_programme_for_user(request.user, public_id, manage=True)
    home = reverse("steering:programme_home", args=[programme.public_id])
    return form_page(
        request, GroupForm(posted(request)),
        save=lambda data: governance_actions.create_working_group(
            actor=request.user, programme=programme, **data
        ),
        done="Le groupe de travail est créé. Donnez-lui un référent depuis « Rôles ».",
        redirect_to=_group_url, title="Nouveau groupe de travail", back=(home, programme.title),
        submit="Créer le groupe",
    )  # fmt: skip


def group_detail(request: HttpRequest, public_id) -> HttpResponse:
    group, access = get_group_for_user(request.user, public_id)
    proposals = group.proposals.select_related("axis", "committee", "plan_version")
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    referents = group.roles.filter(kind=SteeringRoleKind.GROUP_REFERENT).select_related("user")
    context = {
        "group": group,
        "programme": group.programme,
        "referents": referents,
        "members": group.members.order_by("last_name", "first_name"),
        "page": page,
        "can_manage": can_manage_group(access, group),
    }
    return render(request, "steering/group_detail.html", context)


def group_members(request: HttpRequest, public_id) -> HttpResponse:
    group, _ = get_group_for_user(request.user, public_id, manage=True)
    return form_page(
        request, MemberForm(posted(request), programme=group.programme),
        save=lambda data: governance_actions.add_group_member(
            actor=request.user, group=group, user=data["email"]
        ),
        done="La personne fait maintenant partie du groupe.", redirect_to=_group_url,
        title=f"Ajouter un membre — {group.title}", back=(_group_url(group), group.title),
        submit="Ajouter au groupe",
        intro="Un compte d'une structure du territoire, de la coordination ou d'un rôle du "
        "programme.",
    )  # fmt: skip


@require_POST
def group_member_remove(request: HttpRequest, public_id, user_id: int) -> HttpResponse:
    group, _ = get_group_for_user(request.user, public_id, manage=True)
    user = get_object_or_404(User, pk=user_id)
    try:
        governance_actions.remove_group_member(actor=request.user, group=group, user=user)
    except SteeringError as error:
        return refused(request, error, _group_url(group))
    messages.success(request, f"{user.display_name} ne fait plus partie du groupe.")
    return redirect(_group_url(group))


def proposal_create(request: HttpRequest, public_id) -> HttpResponse:
    group, _ = get_group_for_user(request.user, public_id, manage=True)
    return form_page(
        request, ProposalForm(posted(request), programme=group.programme),
        save=lambda data: governance_actions.create_proposal(
            actor=request.user, group=group, **data
        ),
        done="La proposition est enregistrée en brouillon.", redirect_to=_proposal_url,
        title=f"Nouvelle proposition — {group.title}", back=(_group_url(group), group.title),
        submit="Enregistrer la proposition",
    )  # fmt: skip


def proposal_detail(request: HttpRequest, public_id) -> HttpResponse:
    proposal, access = get_proposal_for_user(request.user, public_id)
    submitted = proposal.status == ProposalStatus.SUBMITTED
    context = {
        "proposal": proposal,
        "group": proposal.group,
        "programme": proposal.group.programme,
        "changes": proposal.changes.select_related("actor"),
        "actions": proposal.actions.select_related("plan_version"),
        "can_submit": can_manage_group(access, proposal.group)
        and proposal.status == ProposalStatus.DRAFT,
        "can_decide": access.is_coordinator and submitted,
    }
    return render(request, "steering/proposal_detail.html", context)


def proposal_submit(request: HttpRequest, public_id) -> HttpResponse:
    proposal, _ = get_proposal_for_user(request.user, public_id, write="group")
    return form_page(
        request, SubmitForm(posted(request), programme=proposal.group.programme),
        save=lambda data: governance_actions.submit_proposal(
            actor=request.user, proposal=proposal, committee=data["committee"]
        ),
        done="La proposition est envoyée au comité.", redirect_to=_proposal_url,
        title=f"Proposer au comité « {proposal.title} »",
        back=(_proposal_url(proposal), proposal.title), submit="Proposer au comité",
    )  # fmt: skip


def proposal_accept(request: HttpRequest, public_id) -> HttpResponse:
    proposal, _ = get_proposal_for_user(request.user, public_id, write="decide")
    initial = {"axis": proposal.axis_id}
    form = AcceptForm(posted(request), programme=proposal.group.programme, initial=initial)
    return form_page(
        request, form,
        save=lambda data: governance_actions.accept_proposal(
            actor=request.user, proposal=proposal, **data
        ),
        done="La proposition est retenue : l'action est ajoutée au plan.",
        redirect_to=lambda action: reverse("steering:action_detail", args=[action.public_id]),
        title=f"Retenir « {proposal.title} » dans le plan",
        back=(_proposal_url(proposal), proposal.title), submit="Ajouter au plan",
        intro="Seule une version proposée du plan reçoit de nouvelles actions.",
    )  # fmt: skip


def proposal_decline(request: HttpRequest, public_id) -> HttpResponse:
    proposal, _ = get_proposal_for_user(request.user, public_id, write="decide")
    return form_page(
        request, DeclineForm(posted(request)),
        save=lambda data: governance_actions.decline_proposal(
            actor=request.user, proposal=proposal, reason=data["reason"]
        ),
        done="La proposition n'est pas retenue ; le groupe voit pourquoi.",
        redirect_to=_proposal_url, title=f"Ne pas retenir « {proposal.title} »",
        back=(_proposal_url(proposal), proposal.title), submit="Ne pas retenir",
    )  # fmt: skip
