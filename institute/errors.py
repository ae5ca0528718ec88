"""Domain errors raised by services; the web and API layers turn them into responses.

Every error is built the same way: the message first, the details by keyword —
``Conflict(_("…"))``, ``Invalid(details=[{"field": …, "message": …}])``.
"""


class DomainError(Exception):
    """Base of the errors a service raises on purpose."""

    status = 400
    code = "bad_request"
    # What a web page says instead of ``message`` and ``details`` (the API keeps those), for
    # errors whose message is meant for programs; None: the page shows message and details.
    page_message = None

    def __init__(self, message: str, *, details: list[dict] | None = None):
        if isinstance(message, (list, tuple, dict)):
            # Invalid took its details first until issue 14: fail loudly on a call in the old order.
            raise TypeError(f"{type(self).__name__}(message, *, details=[...]): the message comes first")
        super().__init__(message)
        self.message = message
        self.details = details or []


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class Invalid(DomainError):
    """Content that cannot be accepted; ``details`` name each field or file:line."""

    status = 422
    code = "invalid"

    def __init__(self, message: str = "The data is not valid.", *, details: list[dict]):
        super().__init__(message, details=details)

    def for_field(self, field: str) -> list[str]:
        return [d["message"] for d in self.details if d.get("field") == field]
