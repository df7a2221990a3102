from django.urls import path

from aiguillage.pool.views import bookings, catalogue, items

app_name = "pool"
urlpatterns = [
    # The territory's catalogue, an item, asking to borrow it.
    path("espace/pret-materiel/", catalogue.catalogue, name="catalogue"),
    path(
        "espace/pret-materiel/objets/<uuid:public_id>/", catalogue.item_detail, name="item_detail"
    ),
    path(
        "espace/pret-materiel/objets/<uuid:public_id>/photo/",
        catalogue.item_photo,
        name="item_photo",
    ),
    path(
        "espace/pret-materiel/objets/<uuid:public_id>/reserver/",
        catalogue.booking_request,
        name="booking_request",
    ),
    # The current structure's items and the requests to answer.
    path("espace/pret-materiel/mes-objets/", items.my_items, name="my_items"),
    path("espace/pret-materiel/mes-objets/nouveau/", items.item_create, name="item_create"),
    path(
        "espace/pret-materiel/objets/<uuid:public_id>/modifier/",
        items.item_edit,
        name="item_edit",
    ),
    path(
        "espace/pret-materiel/objets/<uuid:public_id>/retirer/",
        items.item_withdraw,
        name="item_withdraw",
    ),
    # Bookings: as borrower, the territory's for its coordinators, one booking and its moves.
    path("espace/pret-materiel/mes-emprunts/", bookings.my_bookings, name="my_bookings"),
    path(
        "espace/pret-materiel/territoire/<slug:slug>/",
        bookings.territory_bookings,
        name="territory_bookings",
    ),
    path(
        "espace/pret-materiel/reservations/<uuid:public_id>/",
        bookings.booking_detail,
        name="booking_detail",
    ),
    path(
        "espace/pret-materiel/reservations/<uuid:public_id>/accepter/",
        bookings.booking_approve,
        name="booking_approve",
    ),
    path(
        "espace/pret-materiel/reservations/<uuid:public_id>/refuser/",
        bookings.booking_decline,
        name="booking_decline",
    ),
    path(
        "espace/pret-materiel/reservations/<uuid:public_id>/annuler/",
        bookings.booking_cancel,
        name="booking_cancel",
    ),
    path(
        "espace/pret-materiel/reservations/<uuid:public_id>/remise/",
        bookings.booking_check_out,
        name="booking_check_out",
    ),
    path(
        "espace/pret-materiel/reservations/<uuid:public_id>/retour/",
        bookings.booking_return,
        name="booking_return",
    ),
]
