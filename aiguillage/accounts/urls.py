from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from aiguillage.accounts import second_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mon-espace/", views.dashboard, name="dashboard"),
    path("mon-espace/structure-courante/", views.switch_organisation, name="switch_organisation"),
    # The second factor (TOTP application and recovery codes).
    path("mon-espace/double-authentification/", second_factor_views.manage, name="second_factor"),
    path(
        "mon-espace/double-authentification/installer/",
        second_factor_views.setup,
        name="second_factor_setup",
    ),
    path(
        "connexion/code/",
        second_factor_views.verify,
        name="second_factor_verify",
    ),
    path(
        "mon-espace/double-authentification/codes-de-secours/",
        second_factor_views.new_recovery_codes,
        name="second_factor_recovery_codes",
    ),
    # The link of an invitation e-mail; login not required.
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    # Password reset by e-mail (Django's views, login not required) and change.
    path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "mot-de-passe/changer/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change_form.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "mot-de-passe/changer/termine/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
]
