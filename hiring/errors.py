"""Domain errors. Handlers turn them into modal field errors or ephemeral replies."""

from __future__ import annotations


class DomainError(Exception):
    """A problem the user can understand and fix; `message` is shown as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The thing asked for does not exist (in this workspace)."""


class PermissionDenied(DomainError):
    """The user may not do this."""


class InvalidInput(DomainError):
    """Bad input, with a message per field (modal block ids or CLI paths)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class Conflict(DomainError):
    """The request conflicts with the current state (already booked, already decided, ...)."""


class ExternalServiceError(DomainError):
    """Slack or the calendar failed after retries; the message says what to do."""


class RateLimited(ExternalServiceError):
    """Slack still answered 429 after the client's own retries; try again after `retry_after` seconds.
    `per_destination`: the limit is the destination's own (a channel's one message a second), so
    only that destination waits; otherwise the whole workspace does."""

    def __init__(self, message: str, retry_after: float, *, per_destination: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.per_destination = per_destination


class MailError(ExternalServiceError):
    """An e-mail could not be sent (the server refused it, was unreachable or timed out)."""


class WorkspaceUnavailable(ExternalServiceError):
    """Slack refuses Loopbot's token for this workspace (`account_inactive`, `invalid_auth`,
    `token_revoked`) or Loopbot is not installed there: nothing can be sent to it until it is
    installed again."""
