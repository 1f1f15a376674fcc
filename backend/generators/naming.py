"""Storage keys for generated outputs: ``users/<owner>/<prefix>/<UTC timestamp>_<slug>.<extension>``.

Keys are built only from the owner's folder (a slug plus a hash of the caller's identity), a fixed prefix,
a timestamp and a slug restricted to ``[a-z0-9-]``, so no user text can escape the prefix (no ``..``, no
``/``, no control characters) and every key has a bounded length. Each caller reads and lists only under
its own ``users/<owner>/`` folder.
"""

from __future__ import annotations

import enum
import hashlib
import re
import unicodedata
from datetime import UTC, datetime

MAX_SLUG_LENGTH = 48
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# 20250121T220000.123Z: sortable as text, so newest-first history is a reverse sort of the key.
_TIMESTAMP_FORMAT = "%Y%m%dT%H%M%S"
# The folder every user's outputs live under, and one user's folder name: a readable slug of the identity's
# last part plus 128 bits of SHA-256 of the whole identity, so two identities never share a folder.
OWNERS_ROOT = "users"
_OWNER_SLUG_LENGTH = 24
_OWNER = re.compile(rf"^[a-z0-9-]{{1,{_OWNER_SLUG_LENGTH}}}-[0-9a-f]{{32}}$")
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


def owner_id(identity: str) -> str:
    """The storage folder name of one caller identity (``app:ana`` -> ``ana-<32 hex>``)."""
    readable = re.split(r"[:/]", identity)[-1]
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    return f"{slugify(readable, max_length=_OWNER_SLUG_LENGTH)}-{digest}"


def is_owner_id(owner: str) -> bool:
    return bool(_OWNER.fullmatch(owner))


def output_folder(owner: str, kind: OutputKind) -> str:
    """``users/<owner>/code-output``: where one user's outputs of one kind live."""
    if not is_owner_id(owner):
        raise ValueError(f"invalid owner {owner[:80]!r}")
    return f"{OWNERS_ROOT}/{owner}/{kind.prefix}"


def output_key(
    kind: OutputKind, moment: datetime, extension: str, title: str | None = None, *, owner: str
) -> str:
    """``users/<owner>/code-output/20250121T220000.123Z_binary-search.py``; posters have no title part."""
    if not re.fullmatch(r"[a-z0-9]{1,6}", extension):
        raise ValueError(f"invalid file extension {extension!r}")
    name = timestamp(moment)
    if title is not None:
        name += f"_{slugify(title)}"
    return f"{output_folder(owner, kind)}/{name}.{extension}"


def is_output_name(name: str) -> bool:
    """Whether ``name`` (the part after the prefix) is one we could have written: the guard for reads."""
    return bool(_NAME.fullmatch(name))
