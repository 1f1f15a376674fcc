"""Row 2: a mistyped path aborts the ingest before anything changes, unless --keep-missing says so."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from backend.rag.cli import main
from backend.rag.index.store import IndexStore
from tests.fakes import text_pdf
from tests.rag.fakes import HashingEmbeddings


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "leave.pdf").write_bytes(text_pdf("Earned leave is 18 days. Keyword aardvark."))
    (folder / "travel.pdf").write_bytes(text_pdf("Economy class for flights. Keyword buffalo."))
    return folder


def ingest(*args: str | Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["ingest", *map(str, args)], out=out, embeddings=HashingEmbeddings())
    return code, out.getvalue()


def test_a_mistyped_folder_changes_nothing(
    policies: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = tmp_path / "index"
    assert ingest(policies, "--index", index)[0] == 0
    generation = IndexStore(index).current_generation()

    code, printed = ingest(tmp_path / "polices", "--index", index)

    assert code == 1
    error = capsys.readouterr().err.strip()
    assert error == (
        f"No such file or folder: {tmp_path / 'polices'}; nothing was changed (the index still holds 2 "
        "files). Fix the path, or pass --keep-missing to index the other paths without removing anything."
    )
    assert printed == ""  # no per-file report: nothing ran
    store = IndexStore(index)
    assert store.current_generation() == generation  # not even rewritten
    manifest = store.read_manifest()
    assert manifest is not None
    assert sorted(f.file for f in manifest.files) == ["leave.pdf", "travel.pdf"]


def test_one_missing_path_among_good_ones_still_aborts(policies: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    ingest(policies, "--index", index)
    code, _ = ingest(policies / "leave.pdf", tmp_path / "nope.pdf", "--index", index)
    assert code == 1
    manifest = IndexStore(index).read_manifest()
    assert manifest is not None
    assert len(manifest.files) == 2  # travel.pdf would have been removed by a sync of leave.pdf alone


def test_keep_missing_indexes_the_rest_and_removes_nothing(policies: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    ingest(policies / "leave.pdf", "--index", index)
    code, printed = ingest(policies / "travel.pdf", tmp_path / "polices", "--index", index, "--keep-missing")
    assert code == 1  # the missing path is still reported as a rejection
    assert "rejected  polices  (no such file or folder" in printed
    assert "index holds 2 files" in printed
