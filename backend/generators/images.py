"""Bedrock image models: InvokeModel bodies per model family and parsing of their base64 responses.

The API takes the course's Stable Diffusion parameters (cfg_scale 0–35, steps 10–150, seed 0–4294967295).
Each family supports a different subset: Amazon Nova Canvas and Titan Image take cfgScale 1.1–10 and
no step count; newer Stability models take neither. A value outside a family's range is clamped (seeds
wrap), and every change is reported back so the caller sees what was actually used.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# A portrait "poster" size that every family accepts (SDXL only allows a fixed list of sizes).
POSTER_WIDTH = 896
POSTER_HEIGHT = 1152

# The course's Stable Diffusion XL table: the API's public ranges.
CFG_SCALE_RANGE = (0.0, 35.0)
STEPS_RANGE = (10, 150)
SEED_MAX = 4_294_967_295
DEFAULT_CFG_SCALE = 7.0
DEFAULT_STEPS = 30
RECOMMENDED_MAX_STEPS = 50


class UnsupportedImageModelError(ValueError):
    """The configured image model id belongs to no family we can build a request for."""


class ImageBlockedError(RuntimeError):
    """The model's content filter refused the prompt or the image."""


class ImageResponseError(RuntimeError):
    """The model answered without a usable image."""


@dataclass(frozen=True)
class ImageFamily:
    name: str
    # None means the family has no such parameter.
    cfg_scale: tuple[float, float] | None
    steps: tuple[int, int] | None
    seed_max: int


NOVA_CANVAS = ImageFamily("amazon-nova-canvas", cfg_scale=(1.1, 10.0), steps=None, seed_max=858_993_459)
TITAN_IMAGE = ImageFamily("amazon-titan-image", cfg_scale=(1.1, 10.0), steps=None, seed_max=2_147_483_646)
STABILITY_SDXL = ImageFamily(
    "stability-sdxl", cfg_scale=CFG_SCALE_RANGE, steps=STEPS_RANGE, seed_max=SEED_MAX
)
# Stable Image Core/Ultra and SD3.x: prompt, aspect ratio and seed only.
STABILITY_IMAGE = ImageFamily("stability-image", cfg_scale=None, steps=None, seed_max=4_294_967_294)

_PREFIXES: tuple[tuple[str, ImageFamily], ...] = (
    ("amazon.nova-canvas", NOVA_CANVAS),
    ("amazon.titan-image-generator", TITAN_IMAGE),
    ("stability.stable-diffusion-xl", STABILITY_SDXL),
    ("stability.", STABILITY_IMAGE),
)


def image_family(model_id: str) -> ImageFamily:
    from backend.providers.params import bare_model_id  # lazily: the package imports LangChain

    bare = bare_model_id(model_id)
    for prefix, family in _PREFIXES:
        if bare.startswith(prefix):
            return family
    raise UnsupportedImageModelError(
        f"The image model {model_id!r} is not supported: set BEDROCK_IMAGE_MODEL_ID to Amazon Nova Canvas "
        "(amazon.nova-canvas-v1:0), Titan Image Generator or a Stability model."
    )


@dataclass(frozen=True)
class ImageSpec:
    """What the caller asked for, in the course's Stable Diffusion terms."""

    prompt: str
    negative_prompt: str = ""
    cfg_scale: float = DEFAULT_CFG_SCALE
    steps: int = DEFAULT_STEPS
    seed: int = 0


@dataclass(frozen=True)
class ImageRequest:
    """An InvokeModel body, the values actually sent, and a note for each value that was changed."""

    body: dict[str, Any]
    cfg_scale: float | None
    steps: int | None
    seed: int
    notes: list[str] = field(default_factory=list)


def _fit_cfg(family: ImageFamily, requested: float, notes: list[str]) -> float | None:
    if family.cfg_scale is None:
        notes.append(f"cfg_scale is not used by {family.name} models and was ignored.")
        return None
    low, high = family.cfg_scale
    used = min(max(requested, low), high)
    if used != requested:
        notes.append(
            f"cfg_scale {requested:g} is outside {family.name}'s range {low:g}–{high:g}; used {used:g}."
        )
    return used


def _fit_steps(family: ImageFamily, requested: int, notes: list[str]) -> int | None:
    if family.steps is None:
        notes.append(f"steps is not used by {family.name} models and was ignored.")
        return None
    low, high = family.steps
    used = min(max(requested, low), high)
    if used != requested:
        notes.append(f"steps {requested} is outside {family.name}'s range {low}–{high}; used {used}.")
    return used


def _fit_seed(family: ImageFamily, requested: int, notes: list[str]) -> int:
    # Wrapping (not clamping) keeps distinct seeds distinct, which is what a seed is for.
    used = requested % (family.seed_max + 1)
    if used != requested:
        notes.append(f"seed {requested} is above {family.name}'s maximum {family.seed_max}; used {used}.")
    return used


def build_image_request(
    model_id: str, spec: ImageSpec, *, width: int = POSTER_WIDTH, height: int = POSTER_HEIGHT
) -> ImageRequest:
    """The InvokeModel body for ``model_id``'s family, with each parameter mapped to that family's terms."""
    family = image_family(model_id)
    notes: list[str] = []
    cfg = _fit_cfg(family, spec.cfg_scale, notes)
    steps = _fit_steps(family, spec.steps, notes)
    seed = _fit_seed(family, spec.seed, notes)

    body: dict[str, Any]
    if family in (NOVA_CANVAS, TITAN_IMAGE):
        text_params: dict[str, Any] = {"text": spec.prompt}
        if spec.negative_prompt:
            text_params["negativeText"] = spec.negative_prompt
        body = {
            "taskType": "TEXT_IMAGE",
            "textToImageParams": text_params,
            "imageGenerationConfig": {
                "numberOfImages": 1,
                "width": width,
                "height": height,
                "cfgScale": cfg,
                "seed": seed,
                "quality": "standard",
            },
        }
    elif family is STABILITY_SDXL:
        prompts: list[dict[str, Any]] = [{"text": spec.prompt, "weight": 1.0}]
        if spec.negative_prompt:
            prompts.append({"text": spec.negative_prompt, "weight": -1.0})
        body = {
            "text_prompts": prompts,
            "cfg_scale": cfg,
            "steps": steps,
            "seed": seed,
            "width": width,
            "height": height,
            "samples": 1,
        }
    else:
        body = {
            "prompt": spec.prompt,
            "mode": "text-to-image",
            "aspect_ratio": "2:3" if height > width else "1:1",
            "seed": seed,
            "output_format": "png",
        }
        if spec.negative_prompt:
            body["negative_prompt"] = spec.negative_prompt
    return ImageRequest(body=body, cfg_scale=cfg, steps=steps, seed=seed, notes=notes)


def _decode_png(data: object) -> bytes:
    if not isinstance(data, str) or not data:
        raise ImageResponseError("The image model returned no image.")
    try:
        image = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ImageResponseError("The image model returned an image that is not valid base64.") from None
    if not image.startswith(PNG_SIGNATURE):
        raise ImageResponseError("The image model returned data that is not a PNG image.")
    return image


def parse_image_response(model_id: str, payload: dict[str, Any]) -> bytes:
    """The PNG bytes of the first image in an InvokeModel response body (already JSON-decoded)."""
    family = image_family(model_id)
    if family in (NOVA_CANVAS, TITAN_IMAGE):
        if payload.get("error"):
            raise ImageResponseError(f"The image model reported an error: {payload['error']}")
        images = payload.get("images") or []
        return _decode_png(images[0] if images else None)
    if family is STABILITY_SDXL:
        artifacts = payload.get("artifacts") or []
        if not artifacts:
            raise ImageResponseError(
                f"The image model returned no image (result: {payload.get('result')!r})."
            )
        first = artifacts[0]
        reason = first.get("finishReason")
        if reason == "CONTENT_FILTERED":
            raise ImageBlockedError(
                "The image was blocked by the model's content filter; rephrase the prompt."
            )
        if reason not in (None, "SUCCESS"):
            raise ImageResponseError(f"The image model stopped with {reason!r}.")
        return _decode_png(first.get("base64"))
    reasons = payload.get("finish_reasons") or []
    if reasons and reasons[0]:
        raise ImageBlockedError(f"The image model refused the request ({reasons[0]}); rephrase the prompt.")
    images = payload.get("images") or []
    return _decode_png(images[0] if images else None)
