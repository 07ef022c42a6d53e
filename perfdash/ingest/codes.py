"""The industry's codes of a release: the ISRC of a recording and the UPC / EAN of a product.

One reading of each for every face (the release form, the API, a CSV file, an import's
matching): dashes, spaces and dots a person or a statement puts between the parts are
accepted and dropped, letters are read as capitals, and what is stored is the bare code, so
``US-RC1-76-07839`` and ``usrc17607839`` are the same ISRC.

- ISRC (ISO 3901): 12 characters, country (2 letters) + registrant (3 letters or digits) +
  year (2 digits) + designation (5 digits).
- UPC-A (12 digits) or EAN-13 (13 digits), the last being the GS1 check digit.  A UPC-A and
  the EAN-13 that is the same number with a leading 0 name the same product: matching and
  uniqueness treat them as one (``upc_forms``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

__all__ = [
    "ISRC_HELP",
    "ISRC_PATTERN",
    "UPC_HELP",
    "check_code",
    "clean_isrc",
    "clean_upc",
    "normal_isrc",
    "normal_upc",
    "upc_check_digit",
    "upc_forms",
]

ISRC_PATTERN = r"[A-Z]{2}[A-Z0-9]{3}[0-9]{2}[0-9]{5}"
_ISRC = re.compile(ISRC_PATTERN)
# what people and statements put between the parts: spaces (also no-break), dashes, dots
_SEPARATORS = re.compile(r"[ \u00a0\u202f\-\u2010-\u2015.]+")
MAX_CODE_TEXT = 64  # a code with its separators; anything longer is not one
ISRC_HELP = (
    "ISRC must be 12 characters: country (2 letters), registrant (3 letters or digits), "
    "year (2 digits) and designation (5 digits), e.g. US-RC1-76-07839"
)
UPC_HELP = "UPC must be 12 digits (UPC-A) or 13 digits (EAN-13), e.g. 036000291452"


def normal_isrc(raw: str) -> str:
    """The bare capital code, separators dropped (not yet checked)."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()


def normal_upc(raw: str) -> str:
    """The bare digits, separators dropped (not yet checked)."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))


def upc_check_digit(body: str) -> int:
    """The GS1 check digit of a UPC-A / EAN-13 without its last digit: weights 3 and 1 from
    the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def upc_forms(code: str) -> tuple[str, ...]:
    """The stored forms that name the same product: a UPC-A and its EAN-13 with a leading 0."""
    if len(code) == 12:
        return (code, "0" + code)
    if len(code) == 13 and code.startswith("0"):
        return (code, code[1:])
    return (code,)


def clean_isrc(raw: Any, *, name: str = "ISRC") -> tuple[str | None, str | None]:
    """(bare ISRC, None), (None, None) for empty, or (None, message)."""
    text, error = _text(raw, name)
    if error or text is None:
        return None, error
    code = normal_isrc(text)
    if not _ISRC.fullmatch(code):
        return None, f"{ISRC_HELP} (got {text[:40]!r})"
    return code, None


def clean_upc(raw: Any, *, name: str = "UPC") -> tuple[str | None, str | None]:
    """(bare UPC / EAN, None), (None, None) for empty, or (None, message)."""
    text, error = _text(raw, name)
    if error or text is None:
        return None, error
    code = normal_upc(text)
    if not code.isascii() or not code.isdigit() or len(code) not in (12, 13):
        return None, f"{UPC_HELP} (got {text[:40]!r})"
    digit = upc_check_digit(code[:-1])
    if int(code[-1]) != digit:
        return None, (
            f"UPC {code}'s check digit is wrong: a {len(code)}-digit code with these first "
            f"digits ends in {digit}; check for a typing error"
        )
    return code, None


def check_code(field: str, raw: Any) -> tuple[str | None, str | None]:
    """``clean_isrc`` or ``clean_upc`` by the field's name."""
    return clean_isrc(raw) if field == "isrc" else clean_upc(raw)


def _text(raw: Any, name: str) -> tuple[str | None, str | None]:
    if raw is None:
        return None, None
    if not isinstance(raw, str):
        return None, "Must be text"
    text = raw.strip()
    if any(unicodedata.category(c) == "No" for c in text):  # "²", "①": never read as digits
        return None, ISRC_HELP if name == "ISRC" else UPC_HELP
    if len(text) > MAX_CODE_TEXT:
        return (
            None,
            f"{name} is too long ({len(text):,} characters); it is a 12 or 13 character code",
        )
    return text or None, None
