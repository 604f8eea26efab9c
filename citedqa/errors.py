"""The error vocabulary. The service maps each class to one HTTP status in one place."""

from __future__ import annotations


class CitedQAError(Exception):
    """Base class: `message` is safe to show to a user."""

    status_code: int = 500
    title: str = "Internal error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(CitedQAError):
    """Settings are invalid or inconsistent."""

    status_code = 500
    title = "Invalid configuration"


class InvalidInputError(CitedQAError):
    """The caller sent something we cannot use."""

    status_code = 422
    title = "Invalid input"


class NotFoundError(CitedQAError):
    """The requested thing does not exist."""

    status_code = 404
    title = "Not found"


class StoreUnavailableError(CitedQAError):
    """The vector store cannot be reached or used."""

    status_code = 503
    title = "Store unavailable"


class EmbedderMismatchError(CitedQAError):
    """The collection was built by another embedder; its vectors are not comparable."""

    status_code = 409
    title = "Embedder mismatch"
