from django.urls import path

from aiguillage.people import views

app_name = "people"
urlpatterns = [
    path("espace/personnes/", views.person_list, name="person_list"),
    path("espace/personnes/nouvelle/", views.person_create, name="person_create"),
    path("espace/personnes/<uuid:public_id>/", views.person_detail, name="person_detail"),
    path("espace/personnes/<uuid:public_id>/modifier/", views.person_edit, name="person_edit"),
    path(
        "espace/personnes/<uuid:public_id>/retrait-accord/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("espace/personnes/<uuid:public_id>/supprimer/", views.person_delete, name="person_delete"),
]
