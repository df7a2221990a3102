from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from aiguillage.accounts.actions import (
    AccountError,
    accept_invitation,
    create_account_from_invitation,
    normalise_email,
)
from aiguillage.accounts.forms import (
    EmailAuthenticationForm,
    EmailPasswordResetForm,
    InvitationSignupForm,
    SwitchOrganisationForm,
)
from aiguillage.accounts.middleware import SESSION_KEY
from aiguillage.accounts.models import Invitation, Membership, User
from aiguillage.accounts.permissions import can_create_organisation, coordinated_territories
from aiguillage.organisations.models import JoinKind, JoinStatus, TerritoryJoinRequest


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True
    extra_context = {"idle_minutes": settings.SESSION_IDLE_MINUTES}


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, with our form, French pages and e-mails. Login is not required."""

    form_class = EmailPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/emails/password_reset_body.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


def _memberships_with_pending_invitations(user: User) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user)
        .select_related("organisation", "organisation__territory")
        .annotate(
            pending_invitations=Count(
                "organisation__join_requests",
                filter=Q(
                    organisation__join_requests__status=JoinStatus.PENDING,
                    organisation__join_requests__kind=JoinKind.INVITATION,
                ),
            )
        )
        .order_by("organisation__name")
    )


def _pending_requests_by_territory(territories: list) -> dict[int, int]:
    return dict(
        TerritoryJoinRequest.objects.filter(
            territory__in=territories, status=JoinStatus.PENDING, kind=JoinKind.REQUEST
        )
        .values_list("territory")
        .annotate(count=Count("pk"))
    )


def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = _memberships_with_pending_invitations(request.user)
    territories = coordinated_territories(request.user)
    pending = _pending_requests_by_territory(territories)
    current = getattr(request, "membership", None)
    switch_form = SwitchOrganisationForm(
        memberships=memberships, initial={"membership": current.pk if current else None}
    )
    return render(
        request,
        "accounts/dashboard.html",
        {
            "memberships": memberships,
            "territories": [(territory, pending.get(territory.pk, 0)) for territory in territories],
            "switch_form": switch_form if len(memberships) > 1 else None,
            "can_create_organisation": can_create_organisation(request.user),
        },
    )


@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    """Remember in the session which of the user's structures the pages act for."""
    memberships = list(Membership.objects.filter(user=request.user).select_related("organisation"))
    form = SwitchOrganisationForm(request.POST, memberships=memberships)
    if form.is_valid():
        request.session[SESSION_KEY] = form.cleaned_data["membership"]
        chosen = next(m for m in memberships if m.pk == form.cleaned_data["membership"])
        messages.success(request, f"Vous agissez maintenant pour « {chosen.organisation.name} ».")
    else:
        messages.error(request, "Choisissez une de vos structures dans la liste.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse_lazy("accounts:dashboard")
    return redirect(target)


def _invitation_unavailable(request: HttpRequest, invitation: Invitation | None) -> HttpResponse:
    if invitation is None:
        reason, status = "unknown", 404
    elif invitation.accepted_at is not None:
        reason, status = "used", 410
    else:
        reason, status = "expired", 410
    return render(
        request, "accounts/invitation_unavailable.html", {"reason": reason}, status=status
    )


def _invitation_mode(user: User, invitation: Invitation) -> str:
    """What the link's page offers: sign up, log in, confirm, or log out of another account."""
    if user.is_authenticated:
        same = normalise_email(user.email) == normalise_email(invitation.email)
        return "confirm" if same else "wrong_user"
    has_account = User.objects.filter(email=normalise_email(invitation.email)).exists()
    return "login" if has_account else "signup"


def _accept(
    request: HttpRequest, invitation: Invitation, mode: str, form: InvitationSignupForm
) -> Membership | None:
    if mode == "confirm":
        return accept_invitation(invitation=invitation, actor=request.user)
    if mode == "signup" and form.is_valid():
        membership = create_account_from_invitation(
            invitation=invitation,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            password=form.cleaned_data["password1"],
        )
        login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        return membership
    return None


@login_not_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an invitation e-mail: create an account, or log in, then join."""
    found = (
        Invitation.objects.select_related("organisation", "invited_by").filter(token=token).first()
    )
    if found is None or not found.is_usable:
        return _invitation_unavailable(request, found)
    mode = _invitation_mode(request.user, found)
    posted = request.POST if mode == "signup" and request.method == "POST" else None
    form = InvitationSignupForm(posted, email=found.email)
    error = ""
    if request.method == "POST":
        try:
            membership = _accept(request, found, mode, form)
        except AccountError as refused:
            error = str(refused)
        else:
            if membership is not None:
                request.session[SESSION_KEY] = membership.pk
                messages.success(
                    request, f"Bienvenue dans la structure « {found.organisation.name} »."
                )
                return redirect(
                    "organisations:organisation_detail", public_id=found.organisation.public_id
                )
    context = {"invitation": found, "mode": mode, "form": form, "error": error}
    return render(request, "accounts/invitation_accept.html", context)
