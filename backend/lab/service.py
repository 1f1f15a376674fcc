"""Run lab variants: assemble the prompt, stream it through the chosen model, measure the call."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage

from backend.errors import user_message
from backend.lab.templates import LabTemplate, PromptError
from backend.lab.variants import MAX_VARIANTS, Variant
from backend.metering.figures import AnswerFigures
from backend.metering.meter import CallMeter
from backend.metering.prices import PriceTable
from backend.providers.params import InferenceParams

logger = logging.getLogger(__name__)

ChatModelFactory = Callable[[InferenceParams], BaseChatModel]
OnCall = Callable[[CallMeter], None]

IMAGE_TEMPLATE_NOTE = (
    "Image prompts run on an image model: copy this prompt to the Movie poster page (Amazon Bedrock)."
)


@dataclass(frozen=True)
class LabRun:
    """One variant's result: the prompt sent, the output and its figures, or one sentence of error."""

    prompt: str
    output: str = ""
    figures: AnswerFigures | None = None
    error: str | None = None
    note: str | None = None


class LabService:
    """Runs variants one after another (the offline model serves one generation at a time anyway)."""

    def __init__(
        self,
        *,
        model_factory: ChatModelFactory,
        templates: Mapping[str, LabTemplate],
        prices: PriceTable,
        default_model_id: str,
        on_call: OnCall | None = None,
    ) -> None:
        self._model_factory = model_factory
        self._templates = templates
        self._prices = prices
        self._default_model_id = default_model_id
        self._on_call = on_call

    def prompt(self, variant: Variant) -> str:
        """The exact prompt a variant sends (raises ``PromptError`` with one sentence)."""
        template = self._templates.get(variant.template_id)
        if template is None:
            raise PromptError(f"There is no lab template called {variant.template_id!r}.")
        return variant.prompt(template)

    def run(self, variant: Variant) -> LabRun:
        try:
            prompt = self.prompt(variant)
        except PromptError as exc:
            return LabRun(prompt="", error=str(exc))
        if self._templates[variant.template_id].kind == "image":
            return LabRun(prompt=prompt, note=IMAGE_TEMPLATE_NOTE)
        model_id = variant.params.model_id or self._default_model_id
        params = variant.params.model_copy(update={"model_id": model_id})
        messages = [HumanMessage(prompt)]
        meter = CallMeter(model_id, self._prices, prompt=messages, on_finish=self._on_call)
        try:
            model = self._model_factory(params)
            output = "".join(meter.stream(model.stream(messages)))
        except Exception as exc:  # one sentence for the user, the trace in the log
            logger.warning("Prompt lab run failed on %s", model_id, exc_info=True)
            return LabRun(prompt=prompt, error=user_message(exc, model_id=model_id), figures=meter.figures())
        return LabRun(prompt=prompt, output=output, figures=meter.figures())

    def compare(self, variants: Sequence[Variant]) -> list[LabRun]:
        """Run up to ``MAX_VARIANTS`` variants in order."""
        return [self.run(v) for v in variants[:MAX_VARIANTS]]
