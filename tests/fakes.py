"""Small fakes shared by tests (models from langchain-core, plus a recorder of what they were sent)."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage


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
