"""Expected failures: each has a stable code a client may branch on."""


class DomainError(Exception):
    """An expected failure, told in words a council officer understands.

    `code` is stable (clients may branch on it); `field` names the input at fault, if any.
    """

    code = "domain_error"
    category = "rule"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    code = "invalid_input"
    category = "invalid_input"


class NotFound(DomainError):
    code = "not_found"
    category = "not_found"


class AlreadyExists(DomainError):
    code = "already_exists"
    category = "conflict"


class ConcurrentChange(DomainError):
    code = "concurrent_change"
    category = "conflict"

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} was changed by someone else while you were changing it; "
            "reload it and try again.",
            field="expectedVersion",
        )


class RuleViolation(DomainError):
    code = "rule_violation"
    category = "rule"
