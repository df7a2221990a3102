"""The one domain error of events."""


class EventError(ValueError):
    """A rule refused the change; the message is French and can be shown as it is."""
