"""Output stores: the local folder and the private S3 bucket (moto), with the same key rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from backend.generators.naming import OutputKind, output_key, owner_id
from backend.generators.storage import (
    PRESIGNED_URL_SECONDS,
    InvalidKeyError,
    LocalStorage,
    OutputNotFoundError,
    S3Storage,
    Storage,
)
from tests.generators.conftest import BUCKET

T0 = datetime(2025, 1, 21, 22, 0, 0, tzinfo=UTC)
ANA = owner_id("app:ana")
BOB = owner_id("app:bob")


def keys_at(kind: OutputKind, count: int, extension: str = "txt", owner: str = ANA) -> list[str]:
    return [
        output_key(kind, T0 + timedelta(seconds=i), extension, title=f"item {i}", owner=owner)
        for i in range(count)
    ]


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "outputs")
    client: Any = request.getfixturevalue("s3_client")
    return S3Storage(client, BUCKET)


def test_save_read_and_list_newest_first(store: Storage) -> None:
    keys = keys_at(OutputKind.CODE, 3, "py")
    for i, key in enumerate(keys):
        store.save(key, f"print({i})\n".encode(), "text/plain")
    store.save(keys_at(OutputKind.BLOG, 1)[0], b"a blog", "text/plain")

    listed = store.list(ANA, OutputKind.CODE, limit=2)
    assert [item.key for item in listed] == [keys[2], keys[1]]
    assert listed[0].size == len(b"print(2)\n")
    assert listed[0].name == keys[2].split("/")[-1]
    assert store.read(keys[0]) == b"print(0)\n"
    assert [item.key for item in store.list(ANA, OutputKind.BLOG, 10)] == keys_at(OutputKind.BLOG, 1)
    assert store.list(ANA, OutputKind.POSTER, 10) == []


def test_listing_shows_only_the_owners_outputs(store: Storage) -> None:
    ana = keys_at(OutputKind.CODE, 2, "py", owner=ANA)
    bob = keys_at(OutputKind.CODE, 1, "py", owner=BOB)
    for key in (*ana, *bob):
        store.save(key, b"x", "text/plain")
    assert [item.key for item in store.list(ANA, OutputKind.CODE, 10)] == ana[::-1]
    assert [item.key for item in store.list(BOB, OutputKind.CODE, 10)] == bob


def test_locations_name_the_store(store: Storage, tmp_path: Path) -> None:
    key = keys_at(OutputKind.SUMMARY, 1)[0]
    location = store.save(key, b"two lines", "text/plain")
    if isinstance(store, S3Storage):
        assert location == f"s3://{BUCKET}/{key}"
    else:
        assert location == f"OUTPUT_DIR/{key}"  # the setting and the key, not the server's path
        assert (tmp_path / "outputs" / key).read_bytes() == b"two lines"
    assert store.location(key) == location


@pytest.mark.parametrize(
    "key",
    [
        f"users/{ANA}/code-output/../../etc/passwd",
        f"../users/{ANA}/code-output/20250121T220000.000Z_x.py",
        f"users/{ANA}/other-prefix/20250121T220000.000Z_x.py",
        f"users/{ANA}/code-output/20250121T220000.000Z_x.py/extra",
        f"users/{ANA}/code-output/notes.txt",
        "users/../code-output/20250121T220000.000Z_x.py",
        "users/ana/code-output/20250121T220000.000Z_x.py",
        # The layout before per-user folders: no owner, so nobody's.
        "code-output/20250121T220000.000Z_x.py",
        "",
    ],
)
def test_keys_outside_the_output_layout_are_refused(store: Storage, key: str) -> None:
    with pytest.raises(InvalidKeyError):
        store.save(key, b"x", "text/plain")
    with pytest.raises(InvalidKeyError):
        store.read(key)


def test_reading_a_missing_output_is_a_clear_not_found(store: Storage) -> None:
    with pytest.raises(OutputNotFoundError, match="No saved output named"):
        store.read(keys_at(OutputKind.CODE, 1, "py")[0])


def test_local_writes_leave_no_partial_files(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    key = keys_at(OutputKind.CODE, 1, "py")[0]
    store.save(key, b"x = 1\n", "text/plain")
    folder = tmp_path / "users" / ANA / "code-output"
    assert [p.name for p in folder.iterdir()] == [key.split("/")[-1]]
    # Foreign files in the folder are not history.
    (folder / "README.md").write_text("not an output")
    assert [item.key for item in store.list(ANA, OutputKind.CODE, 10)] == [key]


def test_local_store_has_no_download_url(tmp_path: Path) -> None:
    assert LocalStorage(tmp_path).url(keys_at(OutputKind.POSTER, 1, "png")[0]) is None


def test_s3_objects_keep_their_content_type(s3_client: Any) -> None:
    store = S3Storage(s3_client, BUCKET)
    key = output_key(OutputKind.POSTER, T0, "png", owner=ANA)
    store.save(key, b"\x89PNG...", "image/png")
    head = s3_client.head_object(Bucket=BUCKET, Key=key)
    assert head["ContentType"] == "image/png"


def test_presigned_url_is_for_this_object_and_expires_in_one_hour(s3_client: Any) -> None:
    store = S3Storage(s3_client, BUCKET)
    key = output_key(OutputKind.POSTER, T0, "png", owner=ANA)
    store.save(key, b"\x89PNG...", "image/png")

    url = store.url(key)
    assert url is not None
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    # Virtual-hosted (bucket.s3.amazonaws.com/key) or path style (s3.amazonaws.com/bucket/key).
    if parts.netloc.startswith(f"{BUCKET}."):
        bucket, path_key = BUCKET, parts.path.lstrip("/")
    else:
        bucket, _, path_key = parts.path.lstrip("/").partition("/")
    assert (bucket, path_key) == (BUCKET, key)
    assert parts.scheme == "https"
    assert query["X-Amz-Expires"] == [str(PRESIGNED_URL_SECONDS)] == ["3600"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert "X-Amz-Signature" in query


def test_s3_listing_ignores_foreign_keys_and_paginates(s3_client: Any) -> None:
    store = S3Storage(s3_client, BUCKET)
    keys = keys_at(OutputKind.BLOG, 5)
    for key in keys:
        store.save(key, b"x", "text/plain")
    s3_client.put_object(Bucket=BUCKET, Key=f"users/{ANA}/blog-output/manual-upload.txt", Body=b"x")
    s3_client.put_object(
        Bucket=BUCKET, Key=f"users/{ANA}/blog-output/nested/20250121T220000.000Z_x.txt", Body=b"x"
    )
    s3_client.put_object(Bucket=BUCKET, Key="blog-output/20250121T220000.000Z_x.txt", Body=b"x")
    assert [item.key for item in store.list(ANA, OutputKind.BLOG, 100)] == keys[::-1]
