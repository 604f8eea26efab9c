"""Errors the CLI reports as usage errors (exit code 2, one line, no traceback)."""

from __future__ import annotations


class UsageError(Exception):
    """A problem with the inputs or the environment, not with the evaluated service's quality."""


class QuestionFileError(UsageError):
    """The question file is missing or malformed."""


class ThresholdsError(UsageError):
    """The thresholds file is missing or malformed."""


class ServiceUnavailable(UsageError):
    """The service cannot be reached or did not become healthy."""
