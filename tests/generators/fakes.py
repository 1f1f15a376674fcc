"""Fakes for the generator tests: langchain-core fake chat models that record prompts and parameters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage

from backend.api_client import GeneratorApiClient
from backend.generators.service import GeneratorService
from backend.generators.storage import LocalStorage
from backend.providers.params import InferenceParams
from backend.settings import Settings
from serverless.app import create_app


class WordCountingFakeModel(GenericFakeChatModel):
    """A fake whose token count is the number of words, like a real offline model counting exactly."""

    def get_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None = None
    ) -> int:
        return sum(len(m.text.split()) for m in messages)


class ModelFactory:
    """A chat-model factory for ``GeneratorService`` that answers ``replies`` in order and remembers
    every parameter set and prompt it was given."""

    def __init__(self, replies: Iterable[str | AIMessage | Exception]) -> None:
        self._replies = iter(replies)
        self.params: list[InferenceParams] = []
        self.prompts: list[list[BaseMessage]] = []

    def __call__(self, params: InferenceParams) -> GenericFakeChatModel:
        self.params.append(params)
        factory = self

        class Recording(WordCountingFakeModel):
            def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
                factory.prompts.append(list(input))
                return super().invoke(input, config, **kwargs)

        return Recording(messages=self._messages())

    def _messages(self) -> Iterator[AIMessage]:
        reply = next(self._replies)
        if isinstance(reply, Exception):
            raise reply
        yield reply if isinstance(reply, AIMessage) else AIMessage(reply)


def with_usage(text: str, input_tokens: int, output_tokens: int) -> AIMessage:
    return AIMessage(
        text,
        usage_metadata={
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
        },
    )


def fake_api_client(
    settings: Settings, *replies: str | AIMessage | Exception, image_client: Any = None
) -> tuple[GeneratorApiClient, ModelFactory]:
    """The pages' real client over the real in-process app, with a fake chat model behind it."""
    factory = ModelFactory(replies)
    service = GeneratorService(
        settings,
        chat_model_factory=factory,
        storage=LocalStorage(settings.output_dir),
        image_client=image_client,
    )
    return GeneratorApiClient.in_process(create_app(settings, generator_service=service)), factory
