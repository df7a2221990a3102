"""Pages of a structure (its team, its territory) and a territory's coordination page.

Every page loads its object through a permission fetcher: outsiders get 404, members
without the needed role get 403. Writes go through actions.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from aiguillage.accounts import actions as account_actions
from aiguillage.accounts.forms import InvitationForm, MemberRoleForm
from aiguillage.accounts.middleware import SESSION_KEY
from aiguillage.accounts.models import Invitation, Membership, Role
from aiguillage.accounts.permissions import (
    can_answer_territory_invitation,
    can_create_organisation,
    can_invite_colleague,
    can_manage_members,
    can_remove_member,
    can_request_join,
    get_organisation_for_user,
    get_territory_for_coordinator,
    removable_member_ids,
)
from aiguillage.organisations import actions
from aiguillage.organisations.forms import (
    DeclineForm,
    InviteOrganisationForm,
    OrganisationCreateForm,
    OrganisationForm,
    TerritoryJoinForm,
    TerritoryOrganisationForm,
)
from aiguillage.organisations.models import JoinKind, JoinStatus, Organisation, TerritoryJoinRequest
from aiguillage.territories.models import normalise_search

DomainErrors = (account_actions.AccountError, actions.OrganisationError)


def _posted(request: HttpRequest):
    # ``request.POST or None`` would leave a form unbound when nothing is ticked.
    return request.POST if request.method == "POST" else None


def _detail(organisation: Organisation) -> HttpResponse:
    return redirect("organisations:organisation_detail", public_id=organisation.public_id)


def _values(form: OrganisationForm) -> dict:
    return {name: form.cleaned_data[name] for name in actions.EDITABLE_FIELDS}


# --- A structure ----------------------------------------------------------------


def organisation_create(request: HttpRequest) -> HttpResponse:
    if not can_create_organisation(request.user):
        raise PermissionDenied("Vous ne pouvez pas créer de structure.")
    form = OrganisationCreateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            organisation = actions.create_organisation(
                values=_values(form),
                join_territory=form.cleaned_data["join_territory"],
                join_message=form.cleaned_data["join_message"],
                actor=request.user,
            )
        except DomainErrors as error:
            form.add_error(None, str(error))
        else:
            membership = Membership.objects.get(user=request.user, organisation=organisation)
            request.session[SESSION_KEY] = membership.pk
            messages.success(request, f"La structure « {organisation.name} » est créée.")
            return _detail(organisation)
    return render(request, "organisations/organisation_create.html", {"form": form})


def _team_rows(user, organisation: Organisation) -> list[dict]:
    """The members with what ``user`` may do to each, checked once for the list."""
    memberships = list(
        organisation.memberships.select_related("user", "organisation").order_by(
            "role", "user__last_name", "user__first_name"
        )
    )
    managers = sum(1 for membership in memberships if membership.role == Role.MANAGER)
    can_manage = can_manage_members(user, organisation)
    removable = removable_member_ids(user, organisation, memberships)
    return [
        {
            "membership": membership,
            "is_me": membership.user_id == user.pk,
            "can_change_role": can_manage,
            # The last manager cannot leave; the action refuses it too.
            "can_remove": membership.pk in removable
            and not (membership.role == Role.MANAGER and managers == 1),
        }
        for membership in memberships
    ]


def organisation_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, public_id)
    user = request.user
    can_invite = can_invite_colleague(user, organisation)
    invitations = (
        organisation.invitations.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())
        if can_invite
        else Invitation.objects.none()
    )
    pending = list(
        organisation.join_requests.filter(status=JoinStatus.PENDING).select_related("territory")
    )
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "rows": _team_rows(user, organisation),
            "role_choices": Role.choices,
            "can_manage": can_manage_members(user, organisation),
            "can_invite": can_invite,
            "can_request_join": can_request_join(user, organisation),
            "can_answer": can_answer_territory_invitation(user, organisation),
            "invitations": list(invitations),
            "pending_invitations": [join for join in pending if join.kind == JoinKind.INVITATION],
            "pending_requests": [join for join in pending if join.kind == JoinKind.REQUEST],
        },
    )


def organisation_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, public_id, manage=True)
    form = OrganisationForm(_posted(request), instance=Organisation.objects.get(pk=organisation.pk))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_organisation(
                organisation=organisation, values=_values(form), actor=request.user
            )
        except DomainErrors as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Les informations de la structure sont à jour.")
            return _detail(organisation)
    return render(
        request,
        "organisations/organisation_edit.html",
        {"form": form, "organisation": organisation},
    )


# --- Its team -------------------------------------------------------------------


@require_POST
def member_role(request: HttpRequest, public_id: str, membership_id: int) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, public_id, manage=True)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un rôle dans la liste.")
        return _detail(organisation)
    try:
        account_actions.change_member_role(
            membership=membership, role=form.cleaned_data["role"], actor=request.user
        )
    except DomainErrors as error:
        messages.error(request, str(error))
    else:
        role = membership.get_role_display().lower()
        messages.success(request, f"{membership.user.display_name} est maintenant {role}.")
    return _detail(organisation)


def member_remove(request: HttpRequest, public_id: str, membership_id: int) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, public_id)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        pk=membership_id,
        organisation=organisation,
    )
    if not can_remove_member(request.user, membership):
        raise PermissionDenied("Seuls les responsables de la structure peuvent retirer un membre.")
    is_me = membership.user_id == request.user.pk
    error = ""
    if request.method == "POST":
        try:
            account_actions.remove_member(membership=membership, actor=request.user)
        except DomainErrors as refused:
            error = str(refused)
        else:
            if is_me:
                messages.success(request, f"Vous avez quitté la structure « {organisation.name} ».")
                return redirect("accounts:dashboard")
            messages.success(
                request, f"{membership.user.display_name} a été retiré(e) de la structure."
            )
            return _detail(organisation)
    context = {
        "organisation": organisation,
        "membership": membership,
        "is_me": is_me,
        "error": error,
    }
    return render(request, "organisations/membership_remove.html", context)


def invitation_create(request: HttpRequest, public_id: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, public_id)
    if not can_invite_colleague(request.user, organisation):
        raise PermissionDenied("Seuls les responsables de la structure peuvent inviter.")
    form = InvitationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = account_actions.invite_colleague(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=request.user,
            )
        except DomainErrors as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"Invitation envoyée à {invitation.email}.")
            return _detail(organisation)
    context = {
        "form": form,
        "organisation": organisation,
        "validity_days": settings.INVITATION_VALIDITY_DAYS,
    }
    return render(request, "organisations/invitation_create.html", context)


def _invitation(request: HttpRequest, public_id: str, invitation_id: str) -> Invitation:
    organisation = get_organisation_for_user(request.user, public_id)
    if not can_invite_colleague(request.user, organisation):
        raise PermissionDenied(
            "Seuls les responsables de la structure peuvent gérer les invitations."
        )
    return get_object_or_404(Invitation, public_id=invitation_id, organisation=organisation)


@require_POST
def invitation_resend(request: HttpRequest, public_id: str, invitation_id: str) -> HttpResponse:
    invitation = _invitation(request, public_id, invitation_id)
    try:
        account_actions.resend_invitation(invitation=invitation, actor=request.user)
    except DomainErrors as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Invitation renvoyée à {invitation.email}.")
    return _detail(invitation.organisation)


@require_POST
def invitation_cancel(request: HttpRequest, public_id: str, invitation_id: str) -> HttpResponse:
    invitation = _invitation(request, public_id, invitation_id)
    try:
        account_actions.cancel_invitation(invitation=invitation, actor=request.user)
    except DomainErrors as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"L'invitation de {invitation.email} est annulée.")
    return _detail(invitation.organisation)


# --- Its territory --------------------------------------------------------------


def territory_join(request: HttpRequest, public_id: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, public_id)
    if not can_request_join(request.user, organisation):
        raise PermissionDenied(
            "Seuls les responsables de la structure peuvent faire cette demande."
        )
    form = TerritoryJoinForm(_posted(request), exclude=organisation.territory)
    if request.method == "POST" and form.is_valid():
        try:
            join_request = actions.request_territory_join(
                organisation=organisation,
                territory=form.cleaned_data["territory"],
                message=form.cleaned_data["message"],
                actor=request.user,
            )
        except DomainErrors as error:
            form.add_error("territory", str(error))
        else:
            messages.success(
                request, f"Demande envoyée à la coordination de {join_request.territory.name}."
            )
            return _detail(organisation)
    context = {"form": form, "organisation": organisation}
    return render(request, "organisations/join_request_create.html", context)


def _territory_invitation(
    request: HttpRequest, public_id: str, join_id: str
) -> TerritoryJoinRequest:
    organisation = get_organisation_for_user(request.user, public_id)
    if not can_answer_territory_invitation(request.user, organisation):
        raise PermissionDenied("Seuls les responsables de la structure peuvent répondre.")
    return get_object_or_404(
        TerritoryJoinRequest.objects.select_related("organisation", "territory"),
        public_id=join_id,
        organisation=organisation,
        kind=JoinKind.INVITATION,
        status=JoinStatus.PENDING,
    )


@require_POST
def territory_invitation_accept(request: HttpRequest, public_id: str, join_id: str) -> HttpResponse:
    join_request = _territory_invitation(request, public_id, join_id)
    try:
        actions.accept_join_request(join_request=join_request, actor=request.user)
    except DomainErrors as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"Votre structure a rejoint le territoire {join_request.territory.name}."
        )
    return _detail(join_request.organisation)


def territory_invitation_decline(
    request: HttpRequest, public_id: str, join_id: str
) -> HttpResponse:
    join_request = _territory_invitation(request, public_id, join_id)
    form = DeclineForm(_posted(request), required=False)
    if request.method == "POST" and form.is_valid():
        try:
            actions.decline_join_request(
                join_request=join_request, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainErrors as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "Invitation refusée. La coordination du territoire est prévenue."
            )
            return _detail(join_request.organisation)
    context = {"form": form, "join_request": join_request, "by_coordination": False}
    return render(request, "organisations/join_request_decline.html", context)


# --- A territory's coordination -------------------------------------------------


def territory_detail(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coordinator(request.user, slug)
    organisations = territory.organisations.annotate(member_count=Count("memberships"))
    joins = territory.join_requests.select_related("organisation", "created_by", "decided_by")
    return render(
        request,
        "organisations/territory_detail.html",
        {
            "territory": territory,
            # Sorted as people read them: « Échirolles » next to « Eybens », not after « Z ».
            "organisations": sorted(organisations, key=lambda org: normalise_search(org.name)),
            "pending_requests": list(
                joins.filter(status=JoinStatus.PENDING, kind=JoinKind.REQUEST)
            ),
            "pending_invitations": list(
                joins.filter(status=JoinStatus.PENDING, kind=JoinKind.INVITATION)
            ),
            "decided": list(joins.exclude(status=JoinStatus.PENDING)[:10]),
        },
    )


def _join_request(request: HttpRequest, slug: str, join_id: str) -> TerritoryJoinRequest:
    territory = get_territory_for_coordinator(request.user, slug)
    return get_object_or_404(
        TerritoryJoinRequest.objects.select_related("organisation", "territory"),
        public_id=join_id,
        territory=territory,
        kind=JoinKind.REQUEST,
        status=JoinStatus.PENDING,
    )


@require_POST
def join_request_accept(request: HttpRequest, slug: str, join_id: str) -> HttpResponse:
    join_request = _join_request(request, slug, join_id)
    try:
        actions.accept_join_request(join_request=join_request, actor=request.user)
    except DomainErrors as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"« {join_request.organisation.name} » fait maintenant partie du territoire."
        )
    return redirect("organisations:territory_detail", slug=slug)


def join_request_decline(request: HttpRequest, slug: str, join_id: str) -> HttpResponse:
    join_request = _join_request(request, slug, join_id)
    form = DeclineForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.decline_join_request(
                join_request=join_request, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainErrors as error:
            form.add_error("reason", str(error))
        else:
            messages.success(
                request, "Demande refusée. Les responsables de la structure sont prévenus."
            )
            return redirect("organisations:territory_detail", slug=slug)
    context = {"form": form, "join_request": join_request, "by_coordination": True}
    return render(request, "organisations/join_request_decline.html", context)


def territory_invite_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coordinator(request.user, slug)
    form = InviteOrganisationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            join_request = actions.invite_organisation_to_territory(
                organisation=form.cleaned_data["organisation"],
                territory=territory,
                message=form.cleaned_data["message"],
                actor=request.user,
            )
        except DomainErrors as error:
            form.add_error("organisation", str(error))
        else:
            messages.success(request, f"Invitation envoyée à « {join_request.organisation.name} ».")
            return redirect("organisations:territory_detail", slug=slug)
    has_candidates = form.fields["organisation"].queryset.exists()
    context = {"form": form, "territory": territory, "has_candidates": has_candidates}
    return render(request, "organisations/territory_invite_organisation.html", context)


def territory_create_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coordinator(request.user, slug)
    form = TerritoryOrganisationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            organisation = actions.create_organisation_for_territory(
                territory=territory,
                values=_values(form),
                manager_email=form.cleaned_data["manager_email"],
                actor=request.user,
            )
        except DomainErrors as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"La structure « {organisation.name} » est inscrite ; "
                f"son ou sa responsable a reçu une invitation.",
            )
            return redirect("organisations:territory_detail", slug=slug)
    context = {"form": form, "territory": territory}
    return render(request, "organisations/territory_create_organisation.html", context)
