"""The one domain error of the equipment programme."""


class EquipmentError(ValueError):
    """A rule refused the change; the message is French and can be shown as it is."""
