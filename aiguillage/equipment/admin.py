from django.contrib import admin

from aiguillage.equipment.models import (
    Collection,
    CollectionItem,
    Device,
    DeviceMove,
    Donor,
    DonorContact,
    Exchange,
    Programme,
    ProgrammePartner,
)


class PartnerInline(admin.TabularInline):
    model = ProgrammePartner
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "territory", "lead", "is_demo")
    inlines = [PartnerInline]


class ContactInline(admin.TabularInline):
    model = DonorContact
    extra = 0


@admin.register(Donor)
class DonorAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "programme")
    inlines = [ContactInline]


class ItemInline(admin.TabularInline):
    model = CollectionItem
    extra = 0


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ("receipt_number", "donor", "collected_on", "collected_by")
    inlines = [ItemInline]


@admin.register(Exchange)
class ExchangeAdmin(admin.ModelAdmin):
    list_display = ("partner", "direction", "on", "quantity")


class MoveInline(admin.TabularInline):
    model = DeviceMove
    extra = 0
    can_delete = False
    readonly_fields = ("from_state", "to_state", "actor", "organisation", "at", "note", "details")

    def has_add_permission(self, request, obj=None) -> bool:
        # Moves go through device_actions.move only.
        return False


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("public_id", "device_type", "brand", "serial_number", "state", "programme")
    list_filter = ("state", "device_type")
    # The state and the erasure record change only through the actions.
    readonly_fields = (
        "state", "state_changed_at", "erasure_method", "erasure_certificate", "erased_by",
        "erased_at",
    )  # fmt: skip
    inlines = [MoveInline]
