"""The one domain error of programme steering."""


class SteeringError(ValueError):
    """A rule refused the change; the message is French and can be shown as it is."""
