"""An allocation's page: where it stands, its history, and the next step's one form
(reserve a ready computer, hand over with the contract, the appointment, the installation);
the contract as a PDF, and the tablet page where the person reads it and signs."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from aiguillage.accounts.models import User
from aiguillage.equipment import allocation_actions, contracts, eligibility
from aiguillage.equipment.allocation_forms import (
    AppointmentForm,
    CancelForm,
    InstallForm,
    PaperForm,
    ReleaseForm,
    ReserveForm,
)
from aiguillage.equipment.allocation_permissions import get_allocation_for_user
from aiguillage.equipment.errors import EquipmentError
from aiguillage.equipment.models import A, Allocation, ContractSignature, ProgrammePartner
from aiguillage.equipment.views.allocation_list import ready_devices, render_in_territory
from aiguillage.journal.actions import log_event


def _installers(allocation: Allocation):
    partners = ProgrammePartner.objects.filter(programme=allocation.programme).values(
        "organisation_id"
    )
    return (
        User.objects.filter(memberships__organisation_id__in=partners)
        .distinct()
        .order_by("first_name", "last_name", "id")
    )


def _page(request: HttpRequest, allocation: Allocation, forms: dict | None = None) -> HttpResponse:
    forms = forms or {}
    status = allocation.status
    labels = check_labels(allocation)
    context = {
        "allocation": allocation,
        "person": allocation.person,
        "changes": allocation.status_changes.select_related("actor", "organisation"),
        "checks": [
            {"label": labels.get(code, code), "met": met}
            for code, met in allocation.eligibility.items()
        ],
        "devices": [],
    }
    if status == A.WAITING:
        devices = list(ready_devices(allocation.programme))
        context["devices"] = devices
        context["reserve_form"] = forms.get("reserve") or ReserveForm(devices=devices)
        context["cancel_form"] = forms.get("cancel") or CancelForm()
    if status == A.RESERVED:
        context["paper_form"] = forms.get("paper") or PaperForm()
        context["release_form"] = forms.get("release") or ReleaseForm()
    if status in (A.RESERVED, A.HANDED_OVER):
        context["appointment_form"] = forms.get("appointment") or AppointmentForm()
    if status == A.HANDED_OVER:
        context["install_form"] = forms.get("install") or InstallForm(
            installers=_installers(allocation), initial={"installer": str(request.user.pk)}
        )
    failed = any(form.errors for form in forms.values())
    return render_in_territory(
        request, "equipment/allocation_detail.html", allocation.programme, context,
        400 if failed else 200,
    )  # fmt: skip


def check_labels(allocation: Allocation) -> dict[str, str]:
    """What each recorded criterion was: the programme's current wording of its questions."""
    criteria = eligibility.extra_criteria(allocation.programme.extra_criteria)
    return {
        eligibility.NO_DEVICE: "Pas d'ordinateur à la maison",
        eligibility.CYCLE: "Un cycle d'ateliers terminé",
    } | {criterion.code: criterion.label for criterion in criteria}


def allocation_detail(request: HttpRequest, public_id) -> HttpResponse:
    allocation = get_allocation_for_user(request.user, public_id)
    return _page(request, allocation)


def _done(request: HttpRequest, allocation: Allocation, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("equipment:allocation_detail", allocation.public_id)


def _refused(request, allocation, key: str, form, error: EquipmentError) -> HttpResponse:
    form.add_error(None, str(error))
    allocation.refresh_from_db()
    return _page(request, allocation, {key: form})


@require_POST
def allocation_reserve(request: HttpRequest, public_id) -> HttpResponse:
    allocation = get_allocation_for_user(request.user, public_id, purpose="réservation")
    form = ReserveForm(request.POST, devices=ready_devices(allocation.programme))
    if not form.is_valid():
        return _page(request, allocation, {"reserve": form})
    try:
        allocation_actions.reserve_device(
            actor=request.user, organisation=allocation.organisation, allocation=allocation,
            device=form.chosen(),
        )  # fmt: skip
    except EquipmentError as error:
        return _refused(request, allocation, "reserve", form, error)
    return _done(request, allocation, "L'ordinateur est réservé pour cette personne.")


@require_POST
def allocation_release(request: HttpRequest, public_id) -> HttpResponse:
    allocation = get_allocation_for_user(request.user, public_id, purpose="réservation")
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        return _page(request, allocation, {"release": form})
    try:
        allocation_actions.cancel_reservation(
            actor=request.user, organisation=allocation.organisation, allocation=allocation,
            reason=form.cleaned_data["reason"],
            back_to_list=form.cleaned_data["back_to_list"] == "oui",
        )  # fmt: skip
    except EquipmentError as error:
        return _refused(request, allocation, "release", form, error)
    return _done(
        request, allocation, "La réservation est annulée : l'ordinateur est de nouveau prêt."
    )


@require_POST
def allocation_cancel(request: HttpRequest, public_id) -> HttpResponse:
    allocation = get_allocation_for_user(request.user, public_id, purpose="annulation")
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _page(request, allocation, {"cancel": form})
    try:
        allocation_actions.cancel_request(
            actor=request.user, organisation=allocation.organisation, allocation=allocation,
            reason=form.cleaned_data["reason"],
        )  # fmt: skip
    except EquipmentError as error:
        return _refused(request, allocation, "cancel", form, error)
    return _done(request, allocation, "La personne n'est plus sur la liste d'attente.")


@require_POST
def allocation_hand_over(request: HttpRequest, public_id) -> HttpResponse:
    """Paper: the professional printed the contract and the person signed it."""
    allocation = get_allocation_for_user(request.user, public_id, purpose="remise")
    form = PaperForm(request.POST)
    if not form.is_valid():
        return _page(request, allocation, {"paper": form})
    try:
        allocation_actions.hand_over(
            actor=request.user, organisation=allocation.organisation, allocation=allocation,
            signature=ContractSignature.PAPER,
        )  # fmt: skip
    except EquipmentError as error:
        return _refused(request, allocation, "paper", form, error)
    return _done(request, allocation, "L'ordinateur est remis : le contrat papier est signé.")


def allocation_sign(request: HttpRequest, public_id) -> HttpResponse:
    """The tablet: the person reads the contract in big type and taps « Je signe »."""
    allocation = get_allocation_for_user(request.user, public_id, purpose="signature du contrat")
    error = ""
    if request.method == "POST":
        if request.POST.get("signe") != "oui":
            error = "Touchez « Je signe » pour signer le contrat."
        else:
            try:
                allocation_actions.hand_over(
                    actor=request.user, organisation=allocation.organisation,
                    allocation=allocation, signature=ContractSignature.TABLET,
                )  # fmt: skip
            except EquipmentError as refusal:
                error = str(refusal)
            else:
                return _done(request, allocation, "Le contrat est signé : l'ordinateur est remis.")
    giver = contracts.giving_organisation(allocation.programme, allocation.organisation)
    context = {
        "allocation": allocation,
        "giver": giver,
        "first_name": contracts.first_name_of(allocation),
        "device_facts": contracts.device_facts(allocation.device) if allocation.device else [],
        "clauses": contracts.clauses_of(allocation),
        "error": error,
        "can_sign": allocation.status == A.RESERVED,
    }
    return render_in_territory(
        request, "equipment/allocation_sign.html", allocation.programme, context,
        400 if error else 200,
    )  # fmt: skip


@require_POST
def allocation_appointment(request: HttpRequest, public_id) -> HttpResponse:
    allocation = get_allocation_for_user(request.user, public_id, purpose="rendez-vous")
    form = AppointmentForm(request.POST)
    if not form.is_valid():
        return _page(request, allocation, {"appointment": form})
    try:
        allocation_actions.set_appointment(
            actor=request.user, organisation=allocation.organisation, allocation=allocation,
            at=form.moment(allocation.programme.territory.tz),
        )  # fmt: skip
    except EquipmentError as error:
        return _refused(request, allocation, "appointment", form, error)
    return _done(request, allocation, "Le rendez-vous d'installation est noté.")


@require_POST
def allocation_install(request: HttpRequest, public_id) -> HttpResponse:
    allocation = get_allocation_for_user(request.user, public_id, purpose="installation")
    form = InstallForm(request.POST, installers=_installers(allocation))
    if not form.is_valid():
        return _page(request, allocation, {"install": form})
    try:
        allocation_actions.record_installation(
            actor=request.user, organisation=allocation.organisation, allocation=allocation,
            installed_on=form.cleaned_data["installed_on"], checklist=form.checklist(),
            installer=form.chosen_installer(),
        )  # fmt: skip
    except EquipmentError as error:
        return _refused(request, allocation, "install", form, error)
    return _done(request, allocation, "L'installation est notée : la personne est équipée.")


def allocation_contract(request: HttpRequest, public_id) -> HttpResponse:
    """The gift contract, inline as a PDF (the read is journaled by the fetcher)."""
    allocation = get_allocation_for_user(request.user, public_id, purpose="contrat de don")
    log_event(
        "allocation_contract_read",
        actor=request.user,
        obj=allocation,
        territory_id=allocation.programme.territory_id,
    )
    response = HttpResponse(contracts.render_contract(allocation), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="contrat-de-don.pdf"'
    return response
