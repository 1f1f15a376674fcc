"""Storage keys for generated outputs: ``<prefix>/<UTC timestamp>_<slug>.<extension>``.

Keys are built only from a fixed prefix, a timestamp and a slug restricted to ``[a-z0-9-]``, so no user
text can escape the prefix (no ``..``, no ``/``, no control characters) and every key has a bounded length.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from datetime import UTC, datetime

MAX_SLUG_LENGTH = 48
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# 20250121T220000.123Z: sortable as text, so newest-first history is a reverse sort of the key.
_TIMESTAMP_FORMAT = "%Y%m%dT%H%M%S"
_NAME = re.compile(rf"^\d{{8}}T\d{{6}}\.\d{{3}}Z(_[a-z0-9-]{{1,{MAX_SLUG_LENGTH}}})?\.[a-z0-9]{{1,6}}$")


class OutputKind(enum.StrEnum):
    CODE = "code"
    BLOG = "blog"
    SUMMARY = "summary"
    POSTER = "poster"

    @property
    def prefix(self) -> str:
        # The seeds wrote "code-output/" and "blog_output/"; we use one consistent spelling.
        return f"{self.value}-output"


def utc_now() -> datetime:
    return datetime.now(UTC)


def timestamp(moment: datetime) -> str:
    """Millisecond UTC timestamp, so two outputs in the same second do not overwrite each other."""
    moment = moment.astimezone(UTC)
    return f"{moment.strftime(_TIMESTAMP_FORMAT)}.{moment.microsecond // 1000:03d}Z"


def slugify(text: str, *, max_length: int = MAX_SLUG_LENGTH) -> str:
    """Lower-case ASCII words joined by '-', cut at a word boundary; 'untitled' when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        head = slug[:max_length]
        if slug[max_length] != "-" and "-" in head:
            head = head.rsplit("-", 1)[0]
        slug = head.strip("-")
    return slug or "untitled"


def output_key(kind: OutputKind, moment: datetime, extension: str, title: str | None = None) -> str:
    """``code-output/20250121T220000.123Z_binary-search.py``; posters have no title part."""
    if not re.fullmatch(r"[a-z0-9]{1,6}", extension):
        raise ValueError(f"invalid file extension {extension!r}")
    name = timestamp(moment)
    if title is not None:
        name += f"_{slugify(title)}"
    return f"{kind.prefix}/{name}.{extension}"


def is_output_name(name: str) -> bool:
    """Whether ``name`` (the part after the prefix) is one we could have written: the guard for reads."""
    return bool(_NAME.fullmatch(name))
