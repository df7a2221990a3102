"""The one domain error of the equipment pool."""


class PoolError(ValueError):
    """A rule refused the change; the message is French and can be shown as it is."""
