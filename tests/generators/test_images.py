"""InvokeModel bodies per image-model family, and parsing of their responses (tables)."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from backend.generators.images import (
    PNG_SIGNATURE,
    SEED_MAX,
    ImageBlockedError,
    ImageResponseError,
    ImageSpec,
    UnsupportedImageModelError,
    build_image_request,
    image_family,
    parse_image_response,
)

PNG = PNG_SIGNATURE + b"\x00\x00\x00\rIHDR-rest-of-a-tiny-png"
PNG_B64 = base64.b64encode(PNG).decode()
NOVA = "amazon.nova-canvas-v1:0"
TITAN = "amazon.titan-image-generator-v2:0"
SDXL = "stability.stable-diffusion-xl-v1"
SD35 = "stability.sd3-5-large-v1:0"


@pytest.mark.parametrize(
    ("model_id", "family"),
    [
        (NOVA, "amazon-nova-canvas"),
        (TITAN, "amazon-titan-image"),
        ("amazon.titan-image-generator-v1", "amazon-titan-image"),
        (SDXL, "stability-sdxl"),
        (SD35, "stability-image"),
        ("us.stability.stable-image-ultra-v1:1", "stability-image"),
    ],
)
def test_model_ids_map_to_families(model_id: str, family: str) -> None:
    assert image_family(model_id).name == family


@pytest.mark.parametrize("model_id", ["anthropic.claude-3-haiku", "amazon.nova-lite-v1:0", "dall-e-3"])
def test_non_image_models_are_refused_with_the_setting_to_fix(model_id: str) -> None:
    with pytest.raises(UnsupportedImageModelError, match="BEDROCK_IMAGE_MODEL_ID"):
        image_family(model_id)


def test_nova_canvas_body_maps_the_stable_diffusion_parameters() -> None:
    request = build_image_request(
        NOVA, ImageSpec(prompt="a cat", negative_prompt="blurry", cfg_scale=7, steps=30, seed=42)
    )
    assert request.body == {
        "taskType": "TEXT_IMAGE",
        "textToImageParams": {"text": "a cat", "negativeText": "blurry"},
        "imageGenerationConfig": {
            "numberOfImages": 1,
            "width": 896,
            "height": 1152,
            "cfgScale": 7,
            "seed": 42,
            "quality": "standard",
        },
    }
    assert (request.cfg_scale, request.steps, request.seed) == (7, None, 42)
    assert request.notes == ["steps is not used by amazon-nova-canvas models and was ignored."]


def test_sdxl_body_is_the_course_format() -> None:
    request = build_image_request(
        SDXL, ImageSpec(prompt="a cat", negative_prompt="blurry", cfg_scale=10, steps=50, seed=7)
    )
    assert request.body == {
        "text_prompts": [{"text": "a cat", "weight": 1.0}, {"text": "blurry", "weight": -1.0}],
        "cfg_scale": 10,
        "steps": 50,
        "seed": 7,
        "width": 896,
        "height": 1152,
        "samples": 1,
    }
    assert request.notes == []


def test_newer_stability_models_take_prompt_ratio_and_seed_only() -> None:
    request = build_image_request(SD35, ImageSpec(prompt="a cat", cfg_scale=7, steps=30, seed=3))
    assert request.body == {
        "prompt": "a cat",
        "mode": "text-to-image",
        "aspect_ratio": "2:3",
        "seed": 3,
        "output_format": "png",
    }
    assert (request.cfg_scale, request.steps) == (None, None)
    assert len(request.notes) == 2


@pytest.mark.parametrize(
    ("model_id", "spec", "used", "note"),
    [
        # (cfg_scale, steps, seed) actually sent, and the start of the note explaining the change.
        (NOVA, ImageSpec("p", cfg_scale=0, seed=0), (1.1, None, 0), "cfg_scale 0 is outside"),
        (NOVA, ImageSpec("p", cfg_scale=35, seed=0), (10.0, None, 0), "cfg_scale 35 is outside"),
        (NOVA, ImageSpec("p", seed=SEED_MAX), (7.0, None, SEED_MAX % 858_993_460), "seed 4294967295"),
        (TITAN, ImageSpec("p", seed=2_147_483_647), (7.0, None, 0), "seed 2147483647 is above"),
        (SDXL, ImageSpec("p", cfg_scale=35, steps=150, seed=SEED_MAX), (35, 150, SEED_MAX), None),
        (SDXL, ImageSpec("p", cfg_scale=0, steps=10, seed=0), (0, 10, 0), None),
    ],
)
def test_values_outside_a_family_range_are_clamped_and_reported(
    model_id: str, spec: ImageSpec, used: tuple[float | None, int | None, int], note: str | None
) -> None:
    request = build_image_request(model_id, spec)
    assert (request.cfg_scale, request.steps, request.seed) == used
    range_notes = [n for n in request.notes if "was ignored" not in n]
    if note is None:
        assert range_notes == []
    else:
        assert range_notes
        assert range_notes[0].startswith(note)


@pytest.mark.parametrize(
    ("model_id", "payload"),
    [
        (NOVA, {"images": [PNG_B64]}),
        (TITAN, {"images": [PNG_B64], "error": None}),
        (SDXL, {"result": "success", "artifacts": [{"base64": PNG_B64, "finishReason": "SUCCESS"}]}),
        (SD35, {"images": [PNG_B64], "finish_reasons": [None], "seeds": [3]}),
    ],
)
def test_responses_yield_the_png(model_id: str, payload: dict[str, Any]) -> None:
    assert parse_image_response(model_id, payload) == PNG


@pytest.mark.parametrize(
    ("model_id", "payload", "error", "match"),
    [
        (SDXL, {"artifacts": [{"finishReason": "CONTENT_FILTERED"}]}, ImageBlockedError, "content filter"),
        (SD35, {"images": [], "finish_reasons": ["Filter: prompt"]}, ImageBlockedError, "Filter: prompt"),
        (NOVA, {"images": [], "error": "Internal failure"}, ImageResponseError, "Internal failure"),
        (NOVA, {"images": []}, ImageResponseError, "no image"),
        (NOVA, {"images": ["%%%not-base64"]}, ImageResponseError, "not valid base64"),
        (NOVA, {"images": [base64.b64encode(b"GIF89a...").decode()]}, ImageResponseError, "not a PNG"),
        (SDXL, {"result": "error", "artifacts": []}, ImageResponseError, "returned no image"),
        (SDXL, {"artifacts": [{"base64": PNG_B64, "finishReason": "ERROR"}]}, ImageResponseError, "'ERROR'"),
    ],
)
def test_bad_responses_raise_a_clear_error(
    model_id: str, payload: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        parse_image_response(model_id, payload)
