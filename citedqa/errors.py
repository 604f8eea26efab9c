"""The error vocabulary. The service maps each class to one HTTP status in one place."""

from __future__ import annotations


class CitedQAError(Exception):
    """Base class: `message` is safe to show to a user."""

    status_code: int = 500
    title: str = "Internal error"
    exit_code: int = 2  # of `python -m service` / `python -m ingest` when it stops them

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


class UnsupportedTypeError(InvalidInputError):
    """A file of a type citedqa cannot read."""

    status_code = 415
    title = "Unsupported media type"


class EmptyDocumentError(InvalidInputError):
    """A readable file with no text in it: nothing to ingest, and nothing wrong either."""


class NoTextLayerError(EmptyDocumentError):
    """A PDF whose pages are only images (a scan) that OCR could not or may not read."""


class TooLargeError(InvalidInputError):
    """A file or request over the configured size limit."""

    status_code = 413
    title = "Too large"


class NotFoundError(CitedQAError):
    """The requested thing does not exist."""

    status_code = 404
    title = "Not found"


class ConflictError(CitedQAError):
    """The request clashes with what exists (a collection of that name already does)."""

    status_code = 409
    title = "Conflict"


class StoreUnavailableError(CitedQAError):
    """The vector store cannot be reached or used."""

    status_code = 503
    title = "Store unavailable"


class DataDirLockedError(CitedQAError):
    """Another process has the embedded store's data directory (see citedqa.datalock)."""

    status_code = 503
    title = "Data directory in use"
    exit_code = 1


class BatchWriteError(StoreUnavailableError):
    """A multi-document write failed midway and could not be undone either: `may_be_stored`
    names the files whose new version may be the active one (see Indexer.index_all)."""

    title = "Upload partly stored"

    def __init__(self, message: str, may_be_stored: list[str]) -> None:
        super().__init__(message)
        self.may_be_stored = may_be_stored


class ShuttingDownError(CitedQAError):
    """The service is stopping and takes no more work."""

    status_code = 503
    title = "Shutting down"


class LLMUnavailableError(CitedQAError):
    """The answering LLM cannot be reached or failed; the message never holds credentials."""

    status_code = 503
    title = "LLM unavailable"


class LLMTimeoutError(LLMUnavailableError):
    """The answering LLM did not reply in time."""

    status_code = 504
    title = "LLM timeout"


class EmbedderMismatchError(ConfigError):
    """The collection was built by another embedder; its vectors are not comparable."""

    status_code = 409
    title = "Embedder mismatch"


class UnauthorizedError(CitedQAError):
    """No API key, or a wrong one, for a route that needs one."""

    status_code = 401
    title = "Unauthorized"


class ForbiddenError(CitedQAError):
    """A valid key that may not do this (a write without the admin key)."""

    status_code = 403
    title = "Forbidden"


class RateLimitedError(CitedQAError):
    """A client over its request rate."""

    status_code = 429
    title = "Too many requests"


class ServiceError(CitedQAError):
    """The citedqa service answered a client's request with an RFC 9457 problem.

    `status`, `title` and `detail` are the problem's (`errors`: per-field, on a 422), so a
    caller can tell a refused input from a service that is down without parsing text;
    `request` ("POST /v1/query") only goes into the message.
    """

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        errors: list[dict[str, object]] | None = None,
        *,
        request: str = "",
    ) -> None:
        said = f"{status} {title}: {detail}" if detail else f"{status} {title}"
        super().__init__(f"{request}: {said}" if request else said)
        self.status = self.status_code = status
        self.title = title
        self.detail = detail
        self.errors = errors or []


class ServiceUnreachable(CitedQAError):
    """No citedqa service answered at the client's URL (refused, timed out, broke off)."""

    status_code = 503
    title = "Service unreachable"
