"""The one domain error of workshops."""


class WorkshopError(ValueError):
    """A rule refused the change; the message is French and can be shown as it is."""
