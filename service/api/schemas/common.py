"""Bodies shared by every route: problems and health."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

# Lone surrogates cannot be encoded (the tokenizer, Chroma's where clause and JSON logs all
# failed on one); control characters other than tab and newlines are no text anyone types.
_NOT_TEXT = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_text(value: str) -> str:
    """The value, or ValueError when it holds a lone surrogate or a control character."""
    if _NOT_TEXT.search(value):
        raise ValueError("must be text: no lone surrogates (\\ud800-\\udfff) or control characters")
    return value


Text = Annotated[str, AfterValidator(check_text)]
"""A request string: any Unicode text, but no lone surrogate or control character (422)."""

# What shows nothing on its own: whitespace (Z*, and tab/newline), format characters (zero-width
# space and joiners, BOM, soft hyphen: Cf), lone combining marks, and the "blank" letters.
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me"})
_BLANK_LETTERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")


def is_visible(value: str) -> bool:
    """Whether `value` shows at least one character (a question of only blanks asks nothing)."""
    return any(
        c not in _BLANK_LETTERS and unicodedata.category(c) not in _INVISIBLE_CATEGORIES
        for c in value
    )


def check_visible(value: str) -> str:
    """The value, or ValueError when nothing in it is visible."""
    if not is_visible(value):
        raise ValueError("must have a visible character, not only spaces or zero-width characters")
    return value


VisibleText = Annotated[Text, AfterValidator(check_visible)]
"""`Text` with at least one visible character: whitespace or zero-width alone is a 422."""


class HealthResponse(BaseModel):
    """Readiness of the store and the embedder."""

    status: str = Field(examples=["ok"])
    store: str = Field(examples=["ok"])
    embedder: str = Field(examples=["all-MiniLM-L6-v2-onnx-int8"])
    documents: int | None = Field(None, examples=[5])
    chunks: int | None = Field(None, examples=[37])


class Problem(BaseModel):
    """An RFC 9457 problem detail (`application/problem+json`)."""

    type: str = Field("about:blank", examples=["about:blank"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["no document with doc_id 'nope'"])
    errors: list[dict[str, object]] | None = Field(
        None, description="Per-field validation errors (422 only)."
    )
    may_be_stored: list[str] | None = Field(
        None,
        description="Files of a failed upload that may be stored (503 when the undo failed).",
    )
