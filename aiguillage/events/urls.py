from django.urls import path

from aiguillage.events.views import manage, summary

app_name = "events"
urlpatterns = [
    # The current structure's events (organised or as a partner), or a coordinator's territory.
    path("espace/evenements/", manage.event_list, name="event_list"),
    path("espace/evenements/nouveau/", manage.event_create, name="event_create"),
    path("espace/evenements/<uuid:public_id>/", manage.event_detail, name="event_detail"),
    path("espace/evenements/<uuid:public_id>/modifier/", manage.event_edit, name="event_edit"),
    path("espace/evenements/<uuid:public_id>/annuler/", manage.event_cancel, name="event_cancel"),
    path(
        "espace/evenements/<uuid:public_id>/presences/",
        manage.event_attendance,
        name="event_attendance",
    ),
    # Coordinators: the territory's summary, small counts masked.
    path(
        "espace/evenements/territoire/<slug:slug>/",
        summary.territory_summary,
        name="territory_summary",
    ),
]
