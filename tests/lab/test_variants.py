from __future__ import annotations

import json

import pytest

from backend.lab.variants import EXPORT_FORMAT, Variant, VariantImportError, export_variants, import_variants
from backend.providers.params import InferenceParams

KNOWN = ["product_description", "hippo_good"]


def test_export_and_import_round_trip() -> None:
    variants = [
        Variant(
            name="few-shot warm",
            template_id="product_description",
            values={"product": "Scarf"},
            shots="few",
            examples=("Women's Boho Beach Dress",),
            params=InferenceParams(temperature=0.9, top_k=40, max_tokens=64, stop_sequences=("\n\n",)),
        ),
        Variant(template_id="hippo_good"),
    ]
    text = export_variants(variants)
    assert json.loads(text)["format"] == EXPORT_FORMAT
    assert import_variants(text.encode(), KNOWN) == variants


def _doc(*variants: object) -> bytes:
    return json.dumps({"format": EXPORT_FORMAT, "variants": list(variants)}).encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe", "not JSON"),
        (b"{nope", "not JSON"),
        (b'{"format": "other"}', "not a prompt-lab export"),
        (b"[]", "not a prompt-lab export"),
        (_doc(), "holds no variants"),
        (_doc(*[{"template_id": "hippo_good"}] * 4), "holds 4 variants; the lab compares up to 3"),
        (_doc({"template_id": "nope"}), "Variant 1 uses an unknown template 'nope'"),
        (
            _doc({"template_id": "hippo_good"}, {"template_id": "hippo_good", "shots": "many"}),
            "Variant 2 is invalid: shots",
        ),
        (
            _doc({"template_id": "hippo_good", "params": {"temperature": 3}}),
            "Variant 1 is invalid: params.temperature",
        ),
        (_doc({"template_id": "hippo_good", "run": "rm -rf"}), "Variant 1 is invalid: run extra inputs"),
        (b" " * 200_001, "larger than 200 kB"),
    ],
)
def test_a_bad_import_is_one_sentence(data: bytes, message: str) -> None:
    with pytest.raises(VariantImportError, match=message):
        import_variants(data, KNOWN)
