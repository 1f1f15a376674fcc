from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from backend.appdb.lab_variants import LabVariantRepository, SavedVariant
from backend.appdb.sqlite import SqliteStore
from backend.lab.library import LibraryError, VariantLibrary
from backend.lab.variants import Variant
from backend.providers.params import InferenceParams

T0 = datetime(2026, 11, 30, tzinfo=UTC)


@pytest.fixture
def repo(tmp_path: Path) -> LabVariantRepository:
    return LabVariantRepository(SqliteStore(tmp_path / "app.db"))


def test_save_load_and_delete_per_user(repo: LabVariantRepository) -> None:
    ana = VariantLibrary(repo, "ana", ["hippo_good"], clock=lambda: T0)
    bo = VariantLibrary(repo, "bo", ["hippo_good"], clock=lambda: T0)
    variant = Variant(
        name="  careful   hippo ", template_id="hippo_good", params=InferenceParams(temperature=0.1)
    )
    assert ana.save(variant) == "careful hippo"
    assert ana.names() == ["careful hippo"]
    assert ana.load("careful hippo") == variant.model_copy(update={"name": "careful hippo"})
    assert bo.names() == []
    with pytest.raises(LibraryError, match="no saved variant called 'careful hippo'"):
        bo.load("careful hippo")
    assert ana.delete("careful hippo")
    assert ana.names() == []


def test_unnamed_or_stale_variants_are_one_sentence(repo: LabVariantRepository) -> None:
    library = VariantLibrary(repo, "ana", ["hippo_good"], clock=lambda: T0)
    with pytest.raises(LibraryError, match="Give the variant a name"):
        library.save(Variant(template_id="hippo_good"))
    repo.save(SavedVariant("ana", "old", T0, {"template_id": "gone"}))
    with pytest.raises(LibraryError, match="template that no longer exists"):
        library.load("old")
    repo.save(SavedVariant("ana", "broken", T0, {"template_id": "hippo_good", "shots": 7}))
    with pytest.raises(LibraryError, match="no longer fits the lab"):
        library.load("broken")
