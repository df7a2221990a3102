from django.urls import path

from aiguillage.places.views import imports, manage, neighbourhoods, opendata, public

app_name = "places"
urlpatterns = [
    # Public search and place sheets.
    path("lieux/", public.search, name="search"),
    path("lieux/communes/", public.commune_suggestions, name="commune_suggestions"),
    path("lieux/carte.geojson", public.search_geojson, name="search_geojson"),
    path("lieux/<uuid:public_id>/", public.place_detail, name="place_detail"),
    path("lieux/<uuid:public_id>/fiche/", public.place_print, name="place_print"),
    # Open data out.
    path("donnees-ouvertes/", opendata.export_page, name="export"),
    path(
        "donnees-ouvertes/<slug:territory_slug>/<str:file_format>/",
        opendata.export_download,
        name="export_download",
    ),
    # Professionals: manage places.
    path("espace/lieux/", manage.place_list, name="manage"),
    path("espace/lieux/nouveau/", manage.place_create, name="place_create"),
    path("espace/lieux/<uuid:public_id>/modifier/", manage.place_edit, name="place_edit"),
    path("espace/lieux/<uuid:public_id>/historique/", manage.place_history, name="place_history"),
    # Coordinators: imports and duplicates.
    path("espace/imports/", imports.import_page, name="import"),
    path("espace/imports/<uuid:public_id>/", imports.import_detail, name="import_detail"),
    path("espace/doublons/", imports.merge_list, name="merges"),
    path("espace/doublons/<int:merge_id>/annuler/", imports.merge_undo, name="merge_undo"),
    # Coordinators: priority neighbourhoods (QPV) and the places in and near them.
    path(
        "espace/territoire/<slug:slug>/quartiers/",
        neighbourhoods.territory_neighbourhoods,
        name="territory_neighbourhoods",
    ),
]
