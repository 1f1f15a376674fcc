"""A lab variant (prompt × model × parameters) and its JSON export format.

Export and import are pure: a JSON document in, validated variants out, or one sentence saying what is
wrong. Imports never run anything; they only fill the lab's forms.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backend.lab.templates import LabTemplate, Shots, assemble_prompt, choose_examples, first_error
from backend.providers.params import InferenceParams

EXPORT_FORMAT = "genai-workbench/prompt-lab-variants@1"
MAX_VARIANTS = 3
MAX_IMPORT_BYTES = 200_000
MAX_NAME_CHARS = 80


class VariantImportError(ValueError):
    """An imported file is not a variant export; the message is one sentence."""


class Variant(BaseModel):
    """Everything needed to rebuild a prompt and run it again."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(default="", max_length=MAX_NAME_CHARS)
    template_id: str
    values: dict[str, str] = Field(default_factory=dict)
    shots: Shots = "zero"
    examples: tuple[str, ...] = ()
    params: InferenceParams = Field(default_factory=InferenceParams)

    def prompt(self, template: LabTemplate) -> str:
        """The exact prompt text this variant sends."""
        return assemble_prompt(template, self.values, choose_examples(template, self.shots, self.examples))


def export_variants(variants: Sequence[Variant]) -> str:
    """The JSON document for a download."""
    return json.dumps(
        {"format": EXPORT_FORMAT, "variants": [v.model_dump(mode="json") for v in variants]},
        indent=2,
        ensure_ascii=False,
    )


def import_variants(data: bytes, known_templates: Sequence[str]) -> list[Variant]:
    """Variants from an uploaded export; raises ``VariantImportError`` with one sentence."""
    if len(data) > MAX_IMPORT_BYTES:
        raise VariantImportError(
            f"The file is larger than {MAX_IMPORT_BYTES // 1000} kB; is it a lab export?"
        )
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise VariantImportError(
            "The file is not JSON; export variants from the lab and import that file."
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise VariantImportError(f"The file is not a prompt-lab export (expected format {EXPORT_FORMAT!r}).")
    raw = doc.get("variants")
    if not isinstance(raw, list) or not raw:
        raise VariantImportError("The file holds no variants.")
    if len(raw) > MAX_VARIANTS:
        raise VariantImportError(
            f"The file holds {len(raw)} variants; the lab compares up to {MAX_VARIANTS}."
        )
    variants: list[Variant] = []
    for number, item in enumerate(raw, start=1):
        try:
            variant = Variant.model_validate(item)
        except ValidationError as exc:
            where, message = first_error(exc)
            raise VariantImportError(f"Variant {number} is invalid: {where} {message.lower()}.") from None
        if variant.template_id not in known_templates:
            raise VariantImportError(f"Variant {number} uses an unknown template {variant.template_id!r}.")
        variants.append(variant)
    return variants
