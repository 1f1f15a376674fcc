"""Lab templates (TOML files in ``backend/prompts/lab/``) and the pure prompt assembly.

A template has an optional ``instruction``, an optional ``example`` format filled from its examples list,
and a ``query``, all with ``{variable}`` fields. The prompt sent is those parts joined by blank lines:
instruction, the chosen examples (none for zero-shot, one for one-shot, several for few-shot), query.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

LAB_TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "prompts" / "lab"

Shots = Literal["zero", "one", "few"]
SHOT_LABELS: dict[Shots, str] = {"zero": "zero-shot", "one": "one-shot", "few": "few-shot"}


class LabTemplateError(ValueError):
    """A template file is malformed; one sentence naming the file."""


class PromptError(ValueError):
    """The values do not fit the template (a blank variable); one sentence for the user."""


def fields_of(text: str) -> set[str]:
    """The ``{name}`` fields a format string uses (``{{`` and ``}}`` are literal braces)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


class Variable(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    label: str
    default: str = ""
    multiline: bool = False


class LabTemplate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    about: str = ""
    order: int = 100
    kind: Literal["text", "image"] = "text"
    default_shots: Shots = "zero"
    instruction: str = ""
    example: str = ""
    query: str
    variables: tuple[Variable, ...] = ()
    examples: tuple[dict[str, str], ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> LabTemplate:
        declared = {v.name for v in self.variables}
        used = fields_of(self.instruction) | fields_of(self.query)
        if used - declared:
            raise ValueError(f"uses undeclared variable {sorted(used - declared)[0]!r}")
        needed = fields_of(self.example)
        for example in self.examples:
            if "label" not in example:
                raise ValueError("every example needs a label")
            if needed - set(example):
                raise ValueError(f"example {example['label']!r} lacks {sorted(needed - set(example))[0]!r}")
        if self.examples and not self.example:
            raise ValueError("has examples but no example format")
        return self

    @property
    def example_labels(self) -> list[str]:
        return [e["label"] for e in self.examples]

    def defaults(self) -> dict[str, str]:
        return {v.name: v.default for v in self.variables}


def choose_examples(template: LabTemplate, shots: Shots, picked: Sequence[str]) -> list[dict[str, str]]:
    """The examples for zero-shot (none), one-shot (the first picked) or few-shot (all picked), in list order.

    Labels not in the template are ignored; one-shot with nothing picked uses the first example.
    """
    if shots == "zero" or not template.examples:
        return []
    chosen = [e for e in template.examples if e["label"] in set(picked)]
    if shots == "one":
        return chosen[:1] or list(template.examples[:1])
    return chosen


def assemble_prompt(
    template: LabTemplate, values: Mapping[str, str], examples: Sequence[Mapping[str, str]] = ()
) -> str:
    """The exact prompt text sent to the model (pure)."""
    filled = template.defaults() | {k: v for k, v in values.items() if k in template.defaults()}
    for variable in template.variables:
        if not filled[variable.name].strip():
            raise PromptError(f"Fill in “{variable.label}”: the prompt uses it.")
    parts = [template.instruction.format_map(filled) if template.instruction else ""]
    parts.extend(template.example.format_map(dict(example)) for example in examples)
    parts.append(template.query.format_map(filled))
    return "\n\n".join(part.strip() for part in parts if part.strip())


def first_error(exc: ValidationError) -> tuple[str, str]:
    """Where the first validation error is (dotted path) and what it says."""
    first = exc.errors()[0]
    return ".".join(str(p) for p in first["loc"]), str(first["msg"])


def parse_template(template_id: str, text: str) -> LabTemplate:
    """One template from its TOML text (pure)."""
    try:
        return LabTemplate.model_validate({"id": template_id, **tomllib.loads(text)})
    except tomllib.TOMLDecodeError as exc:
        raise LabTemplateError(f"Lab template {template_id!r} is not valid TOML: {exc}.") from None
    except ValidationError as exc:
        where, message = first_error(exc)
        raise LabTemplateError(
            f"Lab template {template_id!r} is invalid: {where + ' ' if where else ''}{message}."
        ) from None


@cache
def load_templates(folder: Path = LAB_TEMPLATE_DIR) -> dict[str, LabTemplate]:
    """Every ``*.toml`` template in ``folder``, in display order."""
    templates = [parse_template(p.stem, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.toml"))]
    return {t.id: t for t in sorted(templates, key=lambda t: (t.order, t.id))}
