"""Structured logs: one JSON object a line, tagged with the request id, secrets redacted.

`configure_logging` is for the process that serves (`python -m service`); `create_app`
leaves global logging alone so tests and embedding applications keep their own.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from citedqa.settings import Settings

REQUEST_ID: ContextVar[str | None] = ContextVar("citedqa_request_id", default=None)
REDACTED = "[redacted]"


def secrets_of(settings: Settings) -> list[str]:
    """The secret values in `settings`, which must never be written anywhere."""
    values = (settings.api_key, settings.admin_api_key, settings.llm_api_key)
    return [s.get_secret_value() for s in values if s is not None and s.get_secret_value()]


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "message", "request_id"?, ...fields, "error"?}` per record.

    Structured fields come from `extra={"fields": {...}}`. Any configured secret that still
    reaches a message (say, inside a third-party exception) is replaced by `[redacted]`.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """`text` with every secret replaced."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id:
            entry["request_id"] = request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return self.redact(json.dumps(entry, ensure_ascii=False, default=str))


def configure_logging(settings: Settings, stream: Any = None) -> logging.Handler:
    """Send every logger (uvicorn's too) through one JSON handler at `settings.log_level`.

    The level is set on the handler as well as on the root logger: a library that lowers its
    own logger's level (bm25s sets DEBUG when imported) would otherwise have its debug lines
    pass the root level, which only applies to loggers that leave their level unset.
    """
    level = settings.log_level.upper()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(secrets_of(settings)))
    handler.setLevel(level)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    return handler
