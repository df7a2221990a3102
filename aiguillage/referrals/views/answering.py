"""Following referrals: the inbox and outbox, a referral's page with the answers the
receiving structure gives, the sender's cancellation, and the person's printable sheet."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.people.models import PersonAccess
from aiguillage.people.permissions import organisations_of
from aiguillage.places import hours
from aiguillage.places.search import PARIS
from aiguillage.places.vocabulary import LANGUAGES
from aiguillage.referrals import actions, rules
from aiguillage.referrals.forms import (
    INBOX_GROUPS,
    INBOX_VIEWS,
    AcceptForm,
    DeclineForm,
    InboxFilterForm,
    NoteForm,
    OutcomeForm,
)
from aiguillage.referrals.models import (
    ALLOWED_TRANSITIONS,
    CLOSED_STATUSES,
    IN_PROGRESS_STATUSES,
    NEW_STATUSES,
    Referral,
    ReferralStatus,
)
from aiguillage.referrals.permissions import (
    can_answer_referral,
    can_cancel_referral,
    can_see_consented_part,
    follows_person,
    get_referral_for_user,
    receiver_sees_person,
)
from aiguillage.referrals.sms import referral_sms
from aiguillage.referrals.sms import when_text as sms_when_text
from aiguillage.sms import count as sms_count
from aiguillage.workshops.enrolment_actions import attendance_counts
from aiguillage.workshops.models import Enrolment

S = ReferralStatus
PAGE_SIZE = 25
GROUP_STATUSES = {
    "nouvelles": NEW_STATUSES,
    "en-cours": IN_PROGRESS_STATUSES,
    "closes": CLOSED_STATUSES,
}


def _organisation(request: HttpRequest) -> Organisation:
    membership = getattr(request, "membership", None)
    if membership is None:
        raise PermissionDenied("Il faut appartenir à une structure pour suivre des orientations.")
    return membership.organisation


# --- Inbox --------------------------------------------------------------------------------


def _counts(referrals) -> dict[str, int]:
    return referrals.aggregate(
        nouvelles=Count("id", filter=Q(status__in=NEW_STATUSES)),
        en_cours=Count("id", filter=Q(status__in=IN_PROGRESS_STATUSES)),
        closes=Count("id", filter=Q(status__in=CLOSED_STATUSES)),
        toutes=Count("id"),
    )


def referral_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    view, group, page_number = InboxFilterForm(request.GET).values()
    received = Referral.objects.received_by(organisation)
    sent = Referral.objects.sent_by(organisation)
    referrals = received if view == "recues" else sent
    counts = _counts(referrals)
    if group in GROUP_STATUSES:
        referrals = referrals.filter(status__in=GROUP_STATUSES[group])
    referrals = referrals.select_related(
        "person", "place", "sender_organisation", "receiver_organisation"
    ).order_by("-last_activity_at", "-id")
    page = Paginator(referrals, PAGE_SIZE).get_page(page_number)
    _name_people(request, organisation, page.object_list)
    context = {
        "organisation": organisation,
        "view": view,
        "group": group,
        "page": page,
        "views": [(code, label) for code, label in INBOX_VIEWS.items()],
        "groups": [
            (code, label, counts[code.replace("-", "_")]) for code, label in INBOX_GROUPS.items()
        ],
        "received_new": counts["nouvelles"] if view == "recues" else received.new().count(),
    }
    return render(request, "referrals/referral_list.html", context)


def _name_people(request: HttpRequest, organisation: Organisation, referrals) -> None:
    """Set each row's ``shown_name`` and journal the people shown (``people_listed``, like
    people.views.person_list): the whole name of a person the structure follows, the first
    name while the referral shows what the consent lists, then nothing."""
    now = timezone.now()
    followed = set(
        PersonAccess.objects.filter(
            organisation=organisation,
            person_id__in={referral.person_id for referral in referrals if referral.person_id},
        ).values_list("person_id", flat=True)
    )
    shown = []
    for referral in referrals:
        if referral.anonymised_at or referral.person is None:
            referral.shown_name = "Personne anonymisée"
            continue
        if referral.person_id in followed:
            referral.shown_name = referral.person_name
        elif receiver_sees_person(referral, now):
            referral.shown_name = referral.person_first_name
        else:
            referral.shown_name = "Une personne (informations plus visibles)"
            continue
        shown.append(str(referral.person.public_id))
    log_event(
        "people_listed",
        actor=request.user,
        data={
            "organisation": organisation.pk,
            "search": False,
            "people": list(dict.fromkeys(shown)),
            "page": "referral_list",
        },
    )


# --- A referral -----------------------------------------------------------------------------


def _forms(referral: Referral, *, bound: dict[str, forms.Form] | None = None) -> dict:
    """The answer forms the current status allows, each with the version on display."""
    tz = referral.place.territory.tz if referral.place.territory_id else PARIS
    initial = {"version": referral.version}
    allowed = ALLOWED_TRANSITIONS[referral.status]
    made: dict[str, forms.Form] = {}
    if S.ACCEPTED in allowed:
        made["accept"] = AcceptForm(
            initial=initial | {"come_hours": _come_hours(referral)},
            tz=tz,
            workshop=referral.workshop is not None,
            prefix="accept",
        )
    if S.DECLINED in allowed:
        made["decline"] = DeclineForm(initial=initial, prefix="decline")
    if S.CAME in allowed:
        made["came"] = NoteForm(initial=initial, prefix="came")
    if S.NO_SHOW in allowed:
        made["no_show"] = NoteForm(initial=initial, prefix="no_show")
    if S.DONE in allowed:
        made["done"] = OutcomeForm(initial=initial, prefix="done")
    if S.CANCELLED in allowed:
        made["cancel"] = NoteForm(initial=initial, prefix="cancel")
    made.update(bound or {})
    return made


def _come_hours(referral: Referral) -> str:
    """A first suggestion for « come at these hours »: the first common slot found."""
    if referral.first_slot_at is None:
        return ""
    return rules.slot_start_text(referral.first_slot_at.astimezone(_tz(referral)))


def _detail_context(request: HttpRequest, referral: Referral, **extra) -> dict:
    can_answer = can_answer_referral(request.user, referral)
    can_cancel = can_cancel_referral(request.user, referral)
    answer_forms = _forms(referral, bound=extra.pop("bound", None))
    if not can_answer:
        answer_forms = {k: v for k, v in answer_forms.items() if k == "cancel"}
    if not can_cancel:
        answer_forms.pop("cancel", None)
    allowed = ALLOWED_TRANSITIONS[referral.status]
    # Issue 11: the whole file for structures that follow the person; what the consent lists
    # for the other side while the referral shows it; then nothing about the person.
    mine = organisations_of(request.user)
    whole = follows_person(mine, referral)
    shared = whole or receiver_sees_person(referral, timezone.now())
    changes = list(referral.changes.select_related("actor", "organisation"))
    for change in changes:
        # Once the person is hidden, a structure keeps only its own notes.
        change.shown_note = change.note if shared or change.organisation_id in mine else ""
    return {
        "referral": referral,
        "person": referral.person if shared else None,
        "sees_whole_person": whole,
        "sees_consented_part": shared,
        # The receiver's answers are its own words; a sender sees them with the person.
        "sees_answers": shared or can_answer,
        "person_languages": [
            LANGUAGES.get(code, code)
            for code in (referral.person.languages if shared and referral.person else [])
        ],
        "can_answer": can_answer,
        "can_cancel": can_cancel,
        "forms": answer_forms,
        "can_redirect": can_answer
        and shared
        and S.REDIRECTED in allowed
        and not referral.anonymised_at,
        "need": rules.need_lines(_values(referral)) if shared else [],
        "changes": changes,
        "next_referrals": referral.next_referrals.select_related("place"),
        "decline_label": rules.DECLINE_REASONS.get(referral.decline_reason, ""),
        "activity_labels": [
            rules.ACTIVITIES.get(code, code) for code in referral.outcome_activities
        ],
        "autonomy_label": rules.AUTONOMY.get(referral.outcome_autonomy, ""),
        "answer_when": _answer_when(referral, _tz(referral)),
        "sheet": _sheet(referral, shared=shared),
        **_workshop_progress(referral),
        **extra,
    }


def _workshop_progress(referral: Referral) -> dict:
    """For a referral to a workshop: the enrolment it made and the sessions attended (the
    sender sees the outcome without anyone typing it twice)."""
    if referral.workshop is None:
        return {}
    enrolment = Enrolment.objects.filter(referral_id=referral.pk).order_by("-pk").first()
    if enrolment is None:
        return {"workshop_enrolment": None, "workshop_attended": None}
    held, attended = attendance_counts(enrolment.target)
    return {
        "workshop_enrolment": enrolment,
        "workshop_attended": attended.get(enrolment.pk, 0) if held else None,
        "workshop_held": held,
    }


def _values(referral: Referral) -> dict:
    return {name: getattr(referral, name) for name in actions.NEED_FIELDS}


def referral_detail(request: HttpRequest, public_id) -> HttpResponse:
    referral = get_referral_for_user(request.user, public_id)
    return render(request, "referrals/referral_detail.html", _detail_context(request, referral))


def _answer(
    request: HttpRequest,
    public_id,
    *,
    key: str,
    form_factory: Callable[[dict, Referral], forms.Form],
    act: Callable[[Referral, forms.Form], Referral],
    done: str,
    cancel: bool = False,
) -> HttpResponse:
    """Parse the answer, call the action, redirect; on a conflict, show the fresh state."""
    referral = get_referral_for_user(request.user, public_id, answer=not cancel, cancel=cancel)
    form = form_factory(request.POST, referral)
    if form.is_valid():
        try:
            act(referral, form)
        except actions.ReferralConflict as error:
            messages.error(request, str(error))
            return redirect("referrals:referral_detail", referral.public_id)
        except actions.ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect("referrals:referral_detail", referral.public_id)
    context = _detail_context(request, referral, bound={key: form}, open_form=key)
    return render(request, "referrals/referral_detail.html", context, status=400)


def _tz(referral: Referral):
    return referral.place.territory.tz if referral.place.territory_id else PARIS


@require_POST
def referral_accept(request: HttpRequest, public_id) -> HttpResponse:
    def act(referral: Referral, form: forms.Form) -> Referral:
        return actions.accept_referral(
            referral=referral,
            actor=request.user,
            organisation=referral.receiver_organisation,
            version=form.cleaned_data["version"],
            appointment_at=form.cleaned_data["appointment_at"],
            come_hours=form.cleaned_data["come_hours"] or "",
            message=form.cleaned_data["message"],
        )

    return _answer(
        request,
        public_id,
        key="accept",
        form_factory=lambda data, referral: AcceptForm(
            data, tz=_tz(referral), workshop=referral.workshop is not None, prefix="accept"
        ),
        act=act,
        done="Orientation acceptée : la structure qui oriente est prévenue.",
    )


@require_POST
def referral_decline(request: HttpRequest, public_id) -> HttpResponse:
    def act(referral: Referral, form: forms.Form) -> Referral:
        return actions.decline_referral(
            referral=referral,
            actor=request.user,
            organisation=referral.receiver_organisation,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )

    return _answer(
        request,
        public_id,
        key="decline",
        form_factory=lambda data, referral: DeclineForm(data, prefix="decline"),
        act=act,
        done="Orientation refusée : la structure qui oriente est prévenue.",
    )


def _note_view(
    request: HttpRequest, public_id, *, key: str, action, done: str, cancel: bool = False
) -> HttpResponse:
    def act(referral: Referral, form: forms.Form) -> Referral:
        side = referral.sender_organisation if cancel else referral.receiver_organisation
        return action(
            referral=referral,
            actor=request.user,
            organisation=side,
            version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
        )

    return _answer(
        request,
        public_id,
        key=key,
        form_factory=lambda data, referral: NoteForm(data, prefix=key),
        act=act,
        done=done,
        cancel=cancel,
    )


@require_POST
def referral_came(request: HttpRequest, public_id) -> HttpResponse:
    return _note_view(
        request, public_id, key="came", action=actions.record_came, done="Venue enregistrée."
    )


@require_POST
def referral_no_show(request: HttpRequest, public_id) -> HttpResponse:
    return _note_view(
        request,
        public_id,
        key="no_show",
        action=actions.record_no_show,
        done="Absence enregistrée : vous pouvez proposer un nouveau rendez-vous.",
    )


@require_POST
def referral_cancel(request: HttpRequest, public_id) -> HttpResponse:
    return _note_view(
        request,
        public_id,
        key="cancel",
        action=actions.cancel_referral,
        done="Orientation annulée : la structure qui devait recevoir la personne est prévenue.",
        cancel=True,
    )


@require_POST
def referral_done(request: HttpRequest, public_id) -> HttpResponse:
    def act(referral: Referral, form: forms.Form) -> Referral:
        return actions.complete_referral(
            referral=referral,
            actor=request.user,
            organisation=referral.receiver_organisation,
            version=form.cleaned_data["version"],
            activities=form.cleaned_data["activities"],
            autonomy=form.cleaned_data["autonomy"],
            note=form.cleaned_data["note"],
        )

    return _answer(
        request,
        public_id,
        key="done",
        form_factory=lambda data, referral: OutcomeForm(data, prefix="done"),
        act=act,
        done="Accompagnement enregistré : la structure qui a orienté voit ce qui a été fait.",
    )


def referral_redirect(request: HttpRequest, public_id) -> HttpResponse:
    """Start a new referral of the same person, linked to this one."""
    referral = get_referral_for_user(request.user, public_id, answer=True)
    if referral.person is None or referral.anonymised_at:
        raise PermissionDenied("Cette orientation est anonymisée.")
    # Like « Réorienter » itself: only while the receiver sees the person.
    if not receiver_sees_person(referral, timezone.now()):
        raise Http404("Personne introuvable")
    url = reverse("referrals:referral_need", args=[referral.person.public_id])
    return redirect(f"{url}?depuis={referral.public_id}")


# --- What the person takes away ------------------------------------------------------------


def _sheet(referral: Referral, *, shared: bool) -> dict:
    """Where, when, what to bring and the SMS text, for the sheet and the detail page.

    Without ``shared`` (the viewer no longer sees the person), only the place: when to come,
    what to bring and the need all come from what the sender wrote about the person."""
    place = referral.place
    tz = _tz(referral)
    phone = rules.phone_display(place.telephone)
    try:
        hour_lines = hours.describe_opening_hours(place.horaires) if place.horaires else []
    except hours.OpeningHoursError:
        hour_lines = []
    sheet = {
        "first_name": "",
        "when": "",
        "hour_lines": hour_lines,
        "bring": [],
        "sms": "",
        "phone": phone,
        "needs_text": "",
    }
    if not shared:
        return sheet
    when = _when(referral, tz)
    bring = rules.what_to_bring(referral.needs, referral.devices)
    sms = referral_sms(
        first_name=referral.person_first_name,
        place_name=place.nom,
        street=place.adresse,
        complement=place.complement_adresse,
        postcode=place.code_postal,
        commune=place.commune,
        when=_sms_when(referral, tz),
        phone=phone,
        bring=bring,
    )
    needs = [rules.NEEDS[code].label.lower() for code in referral.needs if code in rules.NEEDS]
    return sheet | {
        "first_name": referral.person_first_name,
        "when": when,
        "bring": bring,
        "sms": sms,
        "sms_count": sms_count(sms),
        # The place answered after the SMS was first given: the sender sends the new one.
        "sms_updated": bool(_answer_when(referral, tz)),
        "needs_text": ", ".join(needs),
    }


def _sms_when(referral: Referral, tz) -> str:
    """When to come, in the SMS's short words (wall-clock time of the place)."""
    appointment, first_slot = referral.appointment_at, referral.first_slot_at
    return sms_when_text(
        appointment_at=appointment.astimezone(tz) if appointment is not None else None,
        come_hours=referral.come_hours,
        first_slot_at=first_slot.astimezone(tz) if first_slot is not None else None,
    )


def _answer_when(referral: Referral, tz) -> str:
    """The receiver's answer: the appointment, or the hours to come at."""
    if referral.appointment_at is not None:
        return "Rendez-vous " + rules.moment_text(referral.appointment_at.astimezone(tz))
    if referral.come_hours:
        return f"Venez {referral.come_hours}"
    return ""


def _when(referral: Referral, tz) -> str:
    answer = _answer_when(referral, tz)
    if answer:
        return answer
    if referral.first_slot_at is not None:
        # Before the answer: the first moment both the place and the person can.
        first = rules.slot_start_text(referral.first_slot_at.astimezone(tz))
        return f"Ouvert quand vous êtes disponible, par exemple {first}"
    return ""


def referral_print(request: HttpRequest, public_id) -> HttpResponse:
    """The sheet the person takes away; the same rule as the referral's page decides what of
    the person it shows (can_see_consented_part)."""
    referral = get_referral_for_user(request.user, public_id)
    shared = can_see_consented_part(request.user, referral, timezone.now())
    consent = referral.consent
    context = {
        "referral": referral,
        "sheet": _sheet(referral, shared=shared),
        "sees_consented_part": shared,
        # Where the person withdraws consent: the structure that recorded it follows them.
        "consent_holder": consent.organisation.name if consent else "",
        "visible_days": rules.RECEIVER_SEES_PERSON_DAYS,
    }
    return render(request, "referrals/referral_print.html", context)
