"""Where generated outputs are saved: a private S3 bucket when one is configured, else a local folder.

Both stores take keys built by ``naming.output_key`` and refuse any other shape, so a key from a
request can never point outside one user's output prefixes. Listing takes the owner, so it never crosses
into another user's folder.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol

from backend.generators.naming import OWNERS_ROOT, OutputKind, is_output_name, is_owner_id, output_folder

if TYPE_CHECKING:
    from backend.settings import Settings

PRESIGNED_URL_SECONDS = 3600
# History pages show recent outputs; listing stops here so a huge bucket cannot stall a request.
MAX_LISTED_KEYS = 5000


class OutputNotFoundError(LookupError):
    """No stored output has that key."""


class InvalidKeyError(ValueError):
    """A key that ``naming.output_key`` could not have produced."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    location: str
    size: int
    last_modified: datetime

    @property
    def name(self) -> str:
        return PurePosixPath(self.key).name


def check_key(key: str) -> OutputKind:
    """The kind of a key ``users/<owner>/<prefix>/<name>``; ``InvalidKeyError`` for anything else."""
    parts = key.split("/")
    if len(parts) == 4 and parts[0] == OWNERS_ROOT and is_owner_id(parts[1]) and is_output_name(parts[3]):
        for kind in OutputKind:
            if parts[2] == kind.prefix:
                return kind
    raise InvalidKeyError(f"{key[:80]!r} is not an output key")


class Storage(Protocol):
    """What the generator service needs from a store."""

    kind: str

    def describe(self) -> str: ...

    def location(self, key: str) -> str: ...

    def save(self, key: str, data: bytes, content_type: str) -> str:
        """Write ``data`` and return its location (``s3://bucket/key`` or ``OUTPUT_DIR/key``)."""
        ...

    def read(self, key: str) -> bytes: ...

    def list(self, owner: str, kind: OutputKind, limit: int) -> list[StoredObject]:
        """The newest ``limit`` outputs of ``kind`` saved by ``owner``, newest first."""
        ...

    def url(self, key: str) -> str | None:
        """A time-limited download URL, or None when the store cannot make one."""
        ...


class LocalStorage:
    """Outputs under ``settings.output_dir``, with the same key layout as the bucket."""

    kind = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    # Responses name an output by the setting and its key, never by a server path (which would tell a
    # client how the server's disk is laid out).
    def describe(self) -> str:
        return "the local folder OUTPUT_DIR"

    def location(self, key: str) -> str:
        check_key(key)
        return f"OUTPUT_DIR/{key}"

    def _path(self, key: str) -> Path:
        check_key(key)
        return self.root / key

    def save(self, key: str, data: bytes, content_type: str) -> str:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader (or a crash) never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return self.location(key)

    def read(self, key: str) -> bytes:
        path = self._path(key)
        if not path.is_file():
            raise OutputNotFoundError(f"No saved output named {PurePosixPath(key).name!r}.")
        return path.read_bytes()

    def list(self, owner: str, kind: OutputKind, limit: int) -> list[StoredObject]:
        prefix = output_folder(owner, kind)
        folder = self.root / prefix
        if not folder.is_dir():
            return []
        names = sorted((p.name for p in folder.iterdir() if is_output_name(p.name)), reverse=True)[:limit]
        items = []
        for name in names:
            path = folder / name
            stat = path.stat()
            key = f"{prefix}/{name}"
            items.append(
                StoredObject(
                    key=key,
                    location=self.location(key),
                    size=stat.st_size,
                    last_modified=datetime.fromtimestamp(stat.st_mtime, UTC),
                )
            )
        return items

    def url(self, key: str) -> str | None:
        return None


def make_s3_client(settings: Settings, *, read_timeout: int = 10) -> Any:
    """An S3 client in the configured region that signs download links with SigV4.

    botocore's default pre-signer still emits SigV2 URLs, which regions launched after 2014 reject.
    """
    import boto3
    from botocore.config import Config

    from backend.providers.bedrock import client_config

    session = boto3.Session(profile_name=settings.aws_profile, region_name=settings.aws_region)
    config = client_config(read_timeout=read_timeout).merge(Config(signature_version="s3v4"))
    return session.client("s3", config=config)


class S3Storage:
    """Outputs in a private bucket; images are shared through pre-signed URLs, never public objects."""

    kind = "s3"

    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def describe(self) -> str:
        return f"s3://{self.bucket}"

    def location(self, key: str) -> str:
        check_key(key)
        return f"s3://{self.bucket}/{key}"

    def save(self, key: str, data: bytes, content_type: str) -> str:
        check_key(key)
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)
        return self.location(key)

    def read(self, key: str) -> bytes:
        check_key(key)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.NoSuchKey:
            raise OutputNotFoundError(f"No saved output named {PurePosixPath(key).name!r}.") from None
        body: bytes = response["Body"].read()
        return body

    def list(self, owner: str, kind: OutputKind, limit: int) -> list[StoredObject]:
        prefix = f"{output_folder(owner, kind)}/"
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(
            Bucket=self.bucket, Prefix=prefix, PaginationConfig={"MaxItems": MAX_LISTED_KEYS}
        )
        found = [
            obj
            for page in pages
            for obj in page.get("Contents", [])
            if obj["Key"].startswith(prefix) and is_output_name(obj["Key"].removeprefix(prefix))
        ]
        # Keys start with a UTC timestamp, so the reverse key order is newest first.
        found.sort(key=lambda obj: obj["Key"], reverse=True)
        return [
            StoredObject(
                key=obj["Key"],
                location=f"s3://{self.bucket}/{obj['Key']}",
                size=int(obj["Size"]),
                last_modified=obj["LastModified"],
            )
            for obj in found[:limit]
        ]

    def url(self, key: str) -> str | None:
        check_key(key)
        url: str = self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=PRESIGNED_URL_SECONDS
        )
        return url
