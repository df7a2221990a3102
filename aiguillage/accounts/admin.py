"""Staff support for accounts. Every write goes through ``aiguillage.accounts.actions``."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm, ValidationError
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from aiguillage.accounts import actions
from aiguillage.accounts.models import Coordination, Invitation, Membership, User


class UserCreationAdminForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")

    def clean_email(self) -> str:
        email = actions.normalise_email(self.cleaned_data["email"])
        if User.objects.filter(email=email).exists():
            raise ValidationError("Un compte existe déjà avec cette adresse e-mail.")
        return email


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return actions.normalise_email(self.cleaned_data["email"])


def save_membership_formset(request: HttpRequest, formset: BaseInlineFormSet) -> None:
    """Route the membership inline (on a user or an organisation) through the actions."""
    formset.save(commit=False)
    for membership in formset.deleted_objects:
        _run(request, actions.remove_member, membership=membership, actor=request.user)
    for membership in formset.new_objects:
        _run(
            request,
            actions.add_member,
            organisation=membership.organisation,
            user=membership.user,
            role=membership.role,
            actor=request.user,
        )
    for membership, changed in formset.changed_objects:
        if set(changed) - {"role"}:
            messages.error(
                request,
                "Pour changer la personne ou la structure d'une adhésion, "
                "supprimez la ligne puis ajoutez-en une nouvelle.",
            )
            continue
        _run(
            request,
            actions.change_member_role,
            membership=membership,
            role=membership.role,
            actor=request.user,
        )


def _run(request: HttpRequest, action, **kwargs) -> None:
    """Run one action; a refused rule becomes a message instead of an error page."""
    try:
        action(**kwargs)
    except actions.AccountError as error:
        messages.error(request, str(error))


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("organisation", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("organisation",)
    verbose_name = "adhésion à une structure"
    verbose_name_plural = "adhésions aux structures"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    inlines = [MembershipInline]
    list_display = ("email", "first_name", "last_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        ("Accès", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "password1", "password2"),
            },
        ),
    )

    actions = ["reset_second_factor"]

    @admin.action(description="Réinitialiser la double authentification (téléphone perdu)")
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = 0
        for user in queryset:
            try:
                actions.reset_second_factor(user=user, actor=request.user)
            except actions.AccountError as error:
                self.message_user(request, f"{user.email} : {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                f"{done} compte(s) réinitialisé(s) : chaque personne installera un nouveau code "
                "à sa prochaine connexion et a été prévenue par e-mail.",
                messages.SUCCESS,
            )

    def get_inlines(self, request: HttpRequest, obj: User | None) -> list:
        # Memberships are added once the account exists.
        return self.inlines if obj is not None else []

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        if change:
            values = {name: form.cleaned_data[name] for name in actions.USER_EDITABLE_FIELDS}
            actions.update_user_account(user=obj, values=values, actor=request.user)
            return
        created = actions.create_user_account(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            first_name=form.cleaned_data.get("first_name", ""),
            last_name=form.cleaned_data.get("last_name", ""),
            actor=request.user,
        )
        # The admin carries on with ``obj`` (inlines, redirect): make it the created row.
        obj.pk = created.pk
        obj.password = created.password
        obj._state.adding = False

    def save_formset(self, request, form, formset, change) -> None:
        save_membership_formset(request, formset)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # Accounts are deactivated, never deleted: the journal points to them.
        return False


@admin.register(Coordination)
class CoordinationAdmin(admin.ModelAdmin):
    list_display = ("user", "territory", "created_at")
    list_filter = ("territory",)
    search_fields = ("user__email", "user__first_name", "user__last_name", "territory__name")
    autocomplete_fields = ("user", "territory")
    fields = ("user", "territory")

    def has_change_permission(self, request: HttpRequest, obj: Coordination | None = None) -> bool:
        # A coordination is appointed or removed, never edited in place.
        return False

    def save_model(self, request, obj: Coordination, form, change: bool) -> None:
        created = actions.appoint_coordinator(
            user=form.cleaned_data["user"],
            territory=form.cleaned_data["territory"],
            actor=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Coordination) -> None:
        actions.remove_coordinator(coordination=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for coordination in queryset:
            actions.remove_coordinator(coordination=coordination, actor=request.user)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are sent from the structure's page. The token is never shown."""

    list_display = ("email", "organisation", "role", "invited_by", "expires_at", "accepted_at")
    list_filter = ("role",)
    search_fields = ("email", "organisation__name")
    fields = (
        "email",
        "organisation",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
    )
    readonly_fields = fields
    actions = ["resend"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return False

    @admin.action(description="Renvoyer les invitations sélectionnées")
    def resend(self, request: HttpRequest, queryset: QuerySet) -> None:
        sent = 0
        for invitation in queryset.select_related("organisation"):
            try:
                actions.resend_invitation(invitation=invitation, actor=request.user)
            except actions.AccountError as error:
                messages.error(request, f"{invitation.email} : {error}")
            else:
                sent += 1
        if sent:
            messages.success(request, f"{sent} invitation(s) renvoyée(s).")


# Roles live on memberships, not on Django groups: hiding groups avoids a second, unused way.
admin.site.unregister(Group)


# django-otp's own admin pages show each account's secret key and QR code, and delete
# devices without the journal: staff reset a second factor with the action above instead.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
