"""A user's saved lab variants: save under a name, list, load, delete (in the app database)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from pydantic import ValidationError

from backend.appdb.lab_variants import LabVariantRepository, SavedVariant
from backend.appdb.timestamps import utc_now
from backend.lab.variants import Variant

MAX_SAVED = 200


class LibraryError(ValueError):
    """A save or load could not be done; one sentence for the user."""


class VariantLibrary:
    """One owner's variants; every operation is scoped to that owner."""

    def __init__(
        self,
        repository: LabVariantRepository,
        owner: str,
        known_templates: Sequence[str],
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._repo = repository
        self._owner = owner
        self._known = set(known_templates)
        self._clock = clock

    def names(self) -> list[str]:
        return [s.name for s in self._repo.list(self._owner)]

    def save(self, variant: Variant) -> str:
        """Save (or replace) the variant under its name; returns the name."""
        name = " ".join(variant.name.split())
        if not name:
            raise LibraryError("Give the variant a name before saving it.")
        names = self.names()
        if name not in names and len(names) >= MAX_SAVED:
            raise LibraryError(f"You have {MAX_SAVED} saved variants; delete one before saving another.")
        stored = variant.model_copy(update={"name": name})
        self._repo.save(SavedVariant(self._owner, name, self._clock(), stored.model_dump(mode="json")))
        return name

    def load(self, name: str) -> Variant:
        saved = self._repo.get(self._owner, name)
        if saved is None:
            raise LibraryError(f"There is no saved variant called {name!r}.")
        try:
            variant = Variant.model_validate(saved.variant)
        except ValidationError:
            raise LibraryError(f"The saved variant {name!r} no longer fits the lab; save it again.") from None
        if variant.template_id not in self._known:
            raise LibraryError(f"The saved variant {name!r} uses a template that no longer exists.")
        return variant

    def delete(self, name: str) -> bool:
        return self._repo.delete(self._owner, name)
