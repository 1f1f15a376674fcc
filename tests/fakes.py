"""Small fakes shared by tests (models from langchain-core, plus a recorder of what they were sent)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGenerationChunk


class PromptRecorder(BaseCallbackHandler):
    """Collects the message lists a chat model was called with."""

    def __init__(self) -> None:
        self.calls: list[list[BaseMessage]] = []

    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: list[list[BaseMessage]], **kwargs: Any
    ) -> None:
        self.calls.extend(messages)


def fake_chat_model(*replies: str) -> tuple[GenericFakeChatModel, PromptRecorder]:
    """A streaming fake that answers ``replies`` in order and records its prompts."""
    recorder = PromptRecorder()
    model = GenericFakeChatModel(messages=iter([AIMessage(r) for r in replies]), callbacks=[recorder])
    return model, recorder


def text_pdf(*pages: str, title: str = "Policy", font_size: int = 11) -> bytes:
    """A real text-layer PDF laid out by fpdf2, one string per page."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_font("Helvetica", size=font_size)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, font_size * 0.6, text)
    return bytes(pdf.output())


def converse_response(text: str, input_tokens: int = 25, output_tokens: int = 40) -> dict[str, Any]:
    """A Bedrock Converse reply as Stubber returns it."""
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {
            "inputTokens": input_tokens,
            "outputTokens": output_tokens,
            "totalTokens": input_tokens + output_tokens,
        },
        "metrics": {"latencyMs": 42},
    }


class MeteredFakeChatModel(GenericFakeChatModel):
    """Streams its replies word by word like ``GenericFakeChatModel``, then reports token usage.

    ``calls`` counts the model calls it served, so tests can check that one action makes one call and
    one usage record. Input tokens are a fixed figure; output tokens are the reply's word count.
    """

    input_tokens: int = 12
    calls: int = 0

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        self.calls += 1
        text = ""
        for chunk in super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs):
            text += chunk.text
            yield chunk
        output_tokens = len(text.split())
        usage = UsageMetadata(
            input_tokens=self.input_tokens,
            output_tokens=output_tokens,
            total_tokens=self.input_tokens + output_tokens,
        )
        yield ChatGenerationChunk(message=AIMessageChunk(content="", usage_metadata=usage))


def metered_fake_chat_model(*replies: str, input_tokens: int = 12) -> MeteredFakeChatModel:
    """A streaming fake that answers ``replies`` in order, reports usage and counts its calls."""
    return MeteredFakeChatModel(messages=iter([AIMessage(r) for r in replies]), input_tokens=input_tokens)
