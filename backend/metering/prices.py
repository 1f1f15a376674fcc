"""The price table (a TOML data file operators edit) and the cost calculator.

Prices are per 1,000 input or output tokens and per image. A model the table does not list has no price:
callers show "price unknown", never a guess. The offline models always cost 0.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from backend.providers.params import bare_model_id
from backend.settings import LOCAL_CHAT_MODEL, LOCAL_EMBEDDING_MODEL

LOCAL_MODELS = frozenset({LOCAL_CHAT_MODEL, LOCAL_EMBEDDING_MODEL})
_FIELDS = ("input_per_1k", "output_per_1k", "per_image")
_THOUSAND = Decimal(1000)


class PriceTableError(ValueError):
    """The price file is unreadable or malformed; the message is one sentence naming the entry."""


@dataclass(frozen=True)
class ModelPrice:
    input_per_1k: Decimal = Decimal(0)
    output_per_1k: Decimal = Decimal(0)
    per_image: Decimal = Decimal(0)


@dataclass(frozen=True)
class PriceTable:
    checked: str = ""
    currency: str = "USD"
    models: dict[str, ModelPrice] = field(default_factory=dict)

    def price(self, model_id: str) -> ModelPrice | None:
        """The model's price: local models are free, listed ids as written, then without a region prefix."""
        if model_id in LOCAL_MODELS:
            return ModelPrice()
        return self.models.get(model_id) or self.models.get(bare_model_id(model_id))


def parse_price_table(text: str, source: str = "the price table") -> PriceTable:
    """Parse the TOML text of a price table (pure: tests feed strings)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PriceTableError(f"{source} is not valid TOML: {exc}.") from None
    models: dict[str, ModelPrice] = {}
    raw_models = data.get("models", {})
    if not isinstance(raw_models, dict):
        raise PriceTableError(f"{source}: [models] must be a table of model ids.")
    for model_id, entry in raw_models.items():
        if not isinstance(entry, dict):
            raise PriceTableError(f"{source}: models.{model_id} must be a table of prices.")
        unknown = set(entry) - set(_FIELDS)
        if unknown:
            raise PriceTableError(
                f"{source}: models.{model_id} has unknown field {sorted(unknown)[0]!r} "
                f"(allowed: {', '.join(_FIELDS)})."
            )
        values: dict[str, Decimal] = {}
        for name in _FIELDS:
            raw = entry.get(name, 0)
            try:
                value = Decimal(str(raw))
            except InvalidOperation:
                raise PriceTableError(f"{source}: models.{model_id}.{name} must be a number.") from None
            if isinstance(raw, bool) or not value.is_finite() or value < 0:
                raise PriceTableError(f"{source}: models.{model_id}.{name} must be a number ≥ 0.")
            values[name] = value
        models[model_id] = ModelPrice(**values)
    return PriceTable(
        checked=str(data.get("checked", "")), currency=str(data.get("currency", "USD")), models=models
    )


def load_price_table(path: Path) -> PriceTable:
    """Read the price file; a missing file is an empty table (Bedrock models then show "price unknown")."""
    if not path.is_file():
        return PriceTable()
    return parse_price_table(path.read_text(encoding="utf-8"), source=str(path))


def estimate_cost(
    table: PriceTable, model_id: str, *, input_tokens: int = 0, output_tokens: int = 0, images: int = 0
) -> Decimal | None:
    """The call's cost in the table's currency, or None when the model has no price."""
    price = table.price(model_id)
    if price is None:
        return None
    return (
        price.input_per_1k * input_tokens / _THOUSAND
        + price.output_per_1k * output_tokens / _THOUSAND
        + price.per_image * images
    )


def format_cost(cost: Decimal | None) -> str:
    """``$0``, ``$0.00135``, ``$1.25``; tiny non-zero costs as ``<$0.000001``; None as "price unknown"."""
    if cost is None:
        return "price unknown"
    if cost == 0:
        return "$0"
    if cost < Decimal("0.000001"):
        return "<$0.000001"
    places = Decimal("0.01") if cost >= 1 else Decimal("0.000001")
    text = format(cost.quantize(places), "f")
    if "." in text and cost < 1:
        text = text.rstrip("0").rstrip(".")
    return f"${text}"
