from __future__ import annotations

import datetime as dt
import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template.loader import render_to_string
from django.utils import timezone

from aiguillage.accounts.actions import normalise_email
from aiguillage.accounts.models import Membership, Role, User
from aiguillage.jobs.mail import queue_emails
from aiguillage.journal.actions import log_event
from aiguillage.journal.models import JournalEntry

INVALID_EMAIL = "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Adresse e-mail",
        error_messages={"invalid": INVALID_EMAIL},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect. Vérifiez-les et réessayez.",
        "inactive": "Ce compte est désactivé. Contactez le responsable de votre structure.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "Mot de passe"

    def clean_username(self) -> str:
        # Addresses are stored lower-case: « Nadia@Exemple.fr » logs in as nadia@exemple.fr.
        return normalise_email(self.cleaned_data["username"])


def login_username(request, credentials: dict) -> str:
    """The account a login attempt is counted against (django-axes): its normalised e-mail."""
    credentials = credentials or {}
    return normalise_email(credentials.get("username") or credentials.get("email") or "")


def client_address(request) -> str:
    """The client's address: the entry our reverse proxies added to X-Forwarded-For.

    Earlier entries come from the client and can be forged; without a proxy, REMOTE_ADDR.
    """
    count = settings.PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


class EmailPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        error_messages={"invalid": INVALID_EMAIL},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Through the task queue like every e-mail: the page answers at once, and a mail
        server that is down delays the message instead of losing it."""
        # At most PASSWORD_RESETS_PER_HOUR links an hour to one address: nobody floods a
        # colleague's inbox. The page answers the same either way (no account is revealed).
        address = hashlib.sha256(to_email.encode()).hexdigest()[:32]
        recent = JournalEntry.objects.filter(
            event="password_reset_sent",
            at__gte=timezone.now() - dt.timedelta(hours=1),
            data__address=address,
        )
        if recent.count() >= settings.PASSWORD_RESETS_PER_HOUR:
            return
        log_event("password_reset_sent", actor=None, data={"address": address})
        subject = " ".join(render_to_string(subject_template_name, context).split())
        queue_emails(subject, render_to_string(email_template_name, context), [to_email])


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Adresse e-mail de votre collègue",
        help_text="Elle recevra un lien personnel pour rejoindre la structure.",
        error_messages={"invalid": INVALID_EMAIL},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="Rôle",
        choices=Role.choices,
        initial=Role.MEMBER,
        help_text="Les responsables gèrent l'équipe et les demandes de la structure.",
    )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])


class InvitationSignupForm(forms.Form):
    """Someone invited without an account chooses their name and password."""

    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        help_text="Au moins 8 caractères, pas seulement des chiffres, ni trop proche de votre nom.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Confirmez le mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict:
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif password1:
            # The validators compare the password with the person's name and address.
            candidate = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)


class SwitchOrganisationForm(forms.Form):
    """Choose which of one's structures the pages act for."""

    membership = forms.TypedChoiceField(label="Structure courante", coerce=int)

    def __init__(self, *args, memberships: list[Membership], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [
            (membership.pk, membership.organisation.name) for membership in memberships
        ]


class SecondFactorCodeForm(forms.Form):
    """One code: 6 digits from the application, or (``allow_recovery``) a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Saisissez le code.", "max_length": "Ce code est trop long."},
    )

    def __init__(self, *args, allow_recovery: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        attrs = {"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        if allow_recovery:
            self.fields[
                "code"
            ].help_text = "Les 6 chiffres affichés par l'application, ou un code de secours."
        else:
            attrs["inputmode"] = "numeric"
            self.fields["code"].help_text = "Les 6 chiffres affichés par l'application."
        self.fields["code"].widget.attrs.update(attrs)
