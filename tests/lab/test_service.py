from __future__ import annotations

from backend.lab.service import IMAGE_TEMPLATE_NOTE, LabService
from backend.lab.templates import load_templates
from backend.lab.variants import Variant
from backend.metering.meter import CallMeter
from backend.metering.prices import parse_price_table
from backend.providers.params import InferenceParams
from tests.fakes import metered_fake_chat_model

PRICES = parse_price_table('[models."bedrock.x"]\ninput_per_1k = 1\noutput_per_1k = 1')


def test_compare_runs_each_variant_with_its_own_parameters_and_measures_it() -> None:
    model = metered_fake_chat_model("A breezy dress.", "I don't know.", input_tokens=30)
    asked: list[InferenceParams] = []
    calls: list[CallMeter] = []

    def factory(params: InferenceParams) -> object:
        asked.append(params)
        return model

    service = LabService(
        model_factory=factory,  # type: ignore[arg-type]
        templates=load_templates(),
        prices=PRICES,
        default_model_id="SmolLM2-135M-Instruct",
        on_call=calls.append,
    )
    runs = service.compare(
        [
            Variant(template_id="product_description", shots="few", examples=("Women's Boho Beach Dress",)),
            Variant(template_id="hippo_good", params=InferenceParams(model_id="bedrock.x", temperature=0.1)),
            Variant(template_id="image_prompt"),
            Variant(template_id="review_summary", values={"review": " "}),
        ]
    )
    assert len(runs) == 3  # at most three variants
    first, second, image = runs
    assert first.output == "A breezy dress."
    assert "Product: Women's Boho Beach Dress" in first.prompt
    assert first.figures is not None
    assert first.figures.model_id == "SmolLM2-135M-Instruct"
    assert (first.figures.input_tokens, first.figures.output_tokens, first.figures.cost) == (30, 3, 0)
    assert second.output == "I don't know."
    assert second.figures is not None
    assert second.figures.cost_text == "$0.033"
    assert [p.model_id for p in asked] == ["SmolLM2-135M-Instruct", "bedrock.x"]
    assert asked[1].temperature == 0.1
    assert image.note == IMAGE_TEMPLATE_NOTE
    assert image.prompt.startswith("An image of")
    assert image.figures is None
    assert model.calls == 2
    assert [c.outcome for c in calls] == ["ok", "ok"]


def test_a_blank_variable_or_a_failing_model_is_one_sentence_per_variant() -> None:
    def broken(params: InferenceParams) -> object:
        raise RuntimeError("engine gone")

    service = LabService(
        model_factory=broken,  # type: ignore[arg-type]
        templates=load_templates(),
        prices=PRICES,
        default_model_id="SmolLM2-135M-Instruct",
    )
    blank, failed = service.compare(
        [Variant(template_id="review_summary", values={"review": ""}), Variant(template_id="hippo_bad")]
    )
    assert blank.error == "Fill in “Review”: the prompt uses it."
    assert failed.error is not None
    assert "Traceback" not in failed.error
    assert failed.output == ""
