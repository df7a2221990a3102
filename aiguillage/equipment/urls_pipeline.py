"""Pages of the pipeline: programme, donors, collections, devices, exchanges, stock."""

from django.urls import path

from aiguillage.equipment.views import collections, devices, donors, exchanges, programme, stats

P = "espace/ordinateurs/<uuid:public_id>/"  # a programme
urlpatterns = [
    path("espace/ordinateurs/", programme.programme_list, name="programme_list"),
    path(P, programme.programme_home, name="programme_home"),
    # Donors and their contacts.
    path(P + "donateurs/", donors.donor_list, name="donor_list"),
    path(P + "donateurs/nouveau/", donors.donor_create, name="donor_create"),
    path(
        "espace/ordinateurs/donateurs/<uuid:public_id>/", donors.donor_detail, name="donor_detail"
    ),
    path(
        "espace/ordinateurs/donateurs/<uuid:public_id>/modifier/",
        donors.donor_edit,
        name="donor_edit",
    ),
    path(
        "espace/ordinateurs/donateurs/<uuid:public_id>/contacts/nouveau/",
        donors.contact_form,
        name="contact_create",
    ),
    path(
        "espace/ordinateurs/donateurs/<uuid:public_id>/contacts/<int:contact_id>/",
        donors.contact_form,
        name="contact_edit",
    ),
    # Collections, their receipt, and the devices registered from them.
    path(P + "collectes/", collections.collection_list, name="collection_list"),
    path(P + "collectes/nouvelle/", collections.collection_create, name="collection_create"),
    path(
        "espace/ordinateurs/collectes/<uuid:public_id>/",
        collections.collection_detail,
        name="collection_detail",
    ),
    path(
        "espace/ordinateurs/collectes/<uuid:public_id>/recu.pdf",
        collections.collection_receipt,
        name="collection_receipt",
    ),
    path(
        "espace/ordinateurs/collectes/<uuid:public_id>/appareils/",
        devices.device_register,
        name="device_register",
    ),
    # Devices.
    path(P + "appareils/", devices.device_list, name="device_list"),
    path(
        "espace/ordinateurs/appareils/<uuid:public_id>/",
        devices.device_detail,
        name="device_detail",
    ),
    path(
        "espace/ordinateurs/appareils/<uuid:public_id>/etape/",
        devices.device_move,
        name="device_move",
    ),
    # Exchanges with the refurbisher.
    path(P + "echanges/", exchanges.exchange_list, name="exchange_list"),
    path(P + "echanges/nouveau/", exchanges.exchange_create, name="exchange_create"),
    path(
        "espace/ordinateurs/echanges/<uuid:public_id>/appareils/",
        devices.exchange_device_register,
        name="exchange_device_register",
    ),
    # Figures.
    path(P + "chiffres/", stats.stock_stats, name="stock_stats"),
    path(P + "chiffres/par-mois.csv", stats.stock_stats_csv, name="stock_stats_csv"),
]
