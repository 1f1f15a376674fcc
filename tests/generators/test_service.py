"""The generator service with fake chat models and a local store: prompts, post-processing, saving."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from backend.generators.errors import (
    EmptyOutputError,
    ImageGenerationUnavailableError,
    InvalidRequestError,
    ModelCallError,
    StorageError,
)
from backend.generators.naming import OutputKind, owner_id
from backend.generators.schemas import (
    BlogRequest,
    CodeRequest,
    PosterRequest,
    SummaryRequest,
    TextParams,
)
from backend.generators.service import DEFAULT_MAX_TOKENS, GeneratorService
from backend.generators.storage import LocalStorage, OutputNotFoundError
from backend.settings import LOCAL_CHAT_MODEL, Settings
from tests.generators.fakes import ModelFactory, with_usage

NOW = datetime(2025, 1, 21, 22, 0, 5, 123000, tzinfo=UTC)
ANA = owner_id("app:ana")


@pytest.fixture
def make_service(tmp_path: Path) -> Callable[..., tuple[GeneratorService, ModelFactory]]:
    def _make(
        *replies: Any, settings: Settings | None = None, **kwargs: Any
    ) -> tuple[GeneratorService, ModelFactory]:
        factory = ModelFactory(replies)
        service = GeneratorService(
            settings or Settings(APP_PROVIDER="local"),
            chat_model_factory=factory,
            storage=kwargs.pop("storage", LocalStorage(tmp_path / "outputs")),
            clock=lambda: NOW,
            **kwargs,
        )
        return service, factory

    return _make


def test_code_is_extracted_saved_with_the_language_extension_and_described(
    make_service: Callable[..., tuple[GeneratorService, ModelFactory]], tmp_path: Path
) -> None:
    reply = "Here you go:\n```python\ndef search(xs, x):\n    return x in xs\n```\nHope it helps!"
    service, factory = make_service(with_usage(reply, 40, 12))
    result = service.generate_code(CodeRequest(key="python", message="implement binary search"), owner=ANA)

    assert result.content == "def search(xs, x):\n    return x in xs\n"
    assert result.key == f"users/{ANA}/code-output/20250121T220005.123Z_implement-binary-search.py"
    assert result.location == f"OUTPUT_DIR/{result.key}"  # a storage key, never a server path
    assert (tmp_path / "outputs" / result.key).read_text() == result.content
    assert result.language == "python"
    assert result.model == LOCAL_CHAT_MODEL
    assert result.usage is not None
    assert (result.usage.input_tokens, result.usage.output_tokens, result.usage.total_tokens) == (40, 12, 52)
    system, human = factory.prompts[0]
    assert system.type == "system"
    assert "Python" in system.text
    assert human.text.endswith("implement binary search")
    assert factory.params[-1].max_tokens == DEFAULT_MAX_TOKENS["code"]


def test_language_key_chooses_the_extension(make_service: Callable[..., Any]) -> None:
    service, _ = make_service("```js\nconsole.log(1)\n```")
    result = service.generate_code(CodeRequest(key="javascript", message="log one"), owner=ANA)
    assert result.key.endswith("_log-one.js")
    assert result.language == "javascript"


def test_blog_asks_for_about_200_words_on_the_topic(make_service: Callable[..., Any], tmp_path: Path) -> None:
    blog = "Machine learning helps doctors. " * 30
    service, factory = make_service(blog)
    result = service.generate_blog(BlogRequest(blog_topic="Machine learning in healthcare"), owner=ANA)
    assert result.content == blog.strip()
    assert result.key == f"users/{ANA}/blog-output/20250121T220005.123Z_machine-learning-in-healthcare.txt"
    assert (tmp_path / "outputs" / result.key).read_text() == blog.strip() + "\n"
    human = factory.prompts[0][1].text
    assert "about 200 words" in human
    assert "Machine learning in healthcare" in human


def test_summary_is_cut_to_the_requested_lines(make_service: Callable[..., Any]) -> None:
    service, factory = make_service(
        "- Gearbox overheated.\n- A fan motor was replaced.\n- Output is back to normal."
    )
    text = "T-07 log\n06:40 gearbox oil 71 C\n10:10 replaced fan motor"
    result = service.summarize(SummaryRequest(text=text, lines=2), owner=ANA)
    assert result.content == "Gearbox overheated.\nA fan motor was replaced."
    assert result.key == f"users/{ANA}/summary-output/20250121T220005.123Z_t-07-log.txt"
    assert "exactly 2 short lines" in factory.prompts[0][1].text
    assert text in factory.prompts[0][1].text


def test_request_params_override_the_endpoint_defaults(make_service: Callable[..., Any]) -> None:
    service, factory = make_service("```python\nx = 1\n```")
    params = TextParams(temperature=0.1, top_k=20, max_tokens=77, stop_sequences=["###"])
    service.generate_code(CodeRequest(key="python", message="set x", params=params), owner=ANA)
    used = factory.params[-1]
    assert (used.temperature, used.top_k, used.max_tokens, used.stop_sequences) == (0.1, 20, 77, ("###",))
    assert used.model_id == LOCAL_CHAT_MODEL


def test_a_model_the_api_does_not_offer_is_refused(make_service: Callable[..., Any]) -> None:
    settings = Settings(APP_PROVIDER="bedrock", BEDROCK_CHAT_MODEL_CHOICES="us.amazon.nova-lite-v1:0")
    service, factory = make_service("unused", settings=settings)
    params = TextParams(model_id="anthropic.claude-v2")
    with pytest.raises(
        InvalidRequestError, match=r"'anthropic.claude-v2' is not offered by this API"
    ) as info:
        service.generate_blog(BlogRequest(blog_topic="anything", params=params), owner=ANA)
    assert "us.amazon.nova-lite-v1:0" in str(info.value)
    assert factory.prompts == []


@pytest.mark.parametrize(
    ("call", "reply", "match"),
    [
        (
            lambda s: s.generate_code(CodeRequest(key="python", message="do it"), owner=ANA),
            "```python\n```",
            "no code",
        ),
        (lambda s: s.generate_blog(BlogRequest(blog_topic="topic"), owner=ANA), "   ", "empty blog"),
        (
            lambda s: s.summarize(SummaryRequest(text="some text", lines=2), owner=ANA),
            "\n- \n",
            "empty summary",
        ),
    ],
)
def test_empty_outputs_are_an_error_and_nothing_is_saved(
    make_service: Callable[..., Any],
    tmp_path: Path,
    call: Callable[[GeneratorService], Any],
    reply: str,
    match: str,
) -> None:
    service, _ = make_service(reply)
    with pytest.raises(EmptyOutputError, match=match):
        call(service)
    assert not (tmp_path / "outputs").exists()


def test_model_failures_keep_their_cause(make_service: Callable[..., Any]) -> None:
    boom = ConnectionError("socket closed")
    service, _ = make_service(boom)
    with pytest.raises(ModelCallError) as info:
        service.generate_blog(BlogRequest(blog_topic="topic"), owner=ANA)
    assert info.value.__cause__ is boom
    assert info.value.model_id == LOCAL_CHAT_MODEL


def test_offline_context_shrinks_max_tokens_to_fit(make_service: Callable[..., Any]) -> None:
    service, factory = make_service("A short summary.", context_tokens=200)
    service.summarize(
        SummaryRequest(text="word " * 50, lines=1, params=TextParams(max_tokens=500)), owner=ANA
    )
    prompt_words = sum(len(m.text.split()) for m in factory.prompts[0])
    assert factory.params[-1].max_tokens == 200 - prompt_words


def test_offline_context_refuses_a_text_that_cannot_fit(make_service: Callable[..., Any]) -> None:
    service, factory = make_service("never used", context_tokens=200)
    with pytest.raises(
        InvalidRequestError, match=r"too long for the offline model.*of its 200 context tokens"
    ):
        service.summarize(SummaryRequest(text="word " * 190, lines=1), owner=ANA)
    assert factory.prompts == []


def test_posters_need_bedrock(make_service: Callable[..., Any]) -> None:
    service, _ = make_service()
    assert service.image_generation is False
    with pytest.raises(ImageGenerationUnavailableError, match="needs Amazon Bedrock"):
        service.generate_poster(PosterRequest(prompt="a cat in space"), owner=ANA)


def test_history_lists_and_reads_back_outputs(make_service: Callable[..., Any]) -> None:
    service, _ = make_service("```python\nx = 1\n```")
    saved = service.generate_code(CodeRequest(key="python", message="set x"), owner=ANA)
    items = service.history(OutputKind.CODE, 10, owner=ANA)
    assert [i.key for i in items] == [saved.key]
    output = service.read_output(OutputKind.CODE, items[0].name, owner=ANA)
    assert output.content == "x = 1\n"
    assert output.location == saved.location
    with pytest.raises(OutputNotFoundError):
        service.read_output(OutputKind.CODE, "../../../etc/passwd", owner=ANA)
    with pytest.raises(OutputNotFoundError):
        service.read_output(OutputKind.BLOG, items[0].name, owner=ANA)


def test_one_owner_neither_lists_nor_reads_anothers_outputs(make_service: Callable[..., Any]) -> None:
    service, _ = make_service("```python\nx = 1\n```")
    bob = owner_id("app:bob")
    saved = service.generate_code(CodeRequest(key="python", message="set x"), owner=ANA)
    assert service.history(OutputKind.CODE, 10, owner=bob) == []
    with pytest.raises(OutputNotFoundError):
        service.read_output(OutputKind.CODE, saved.key.rsplit("/", 1)[1], owner=bob)
    assert service.read_output(OutputKind.CODE, saved.key.rsplit("/", 1)[1], owner=ANA).content == "x = 1\n"


def test_storage_failures_name_the_store(make_service: Callable[..., Any], tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    service, _ = make_service("```python\nx = 1\n```", storage=LocalStorage(blocker))
    # The store is named by its setting: a server path never reaches a client.
    with pytest.raises(StorageError, match="Saving the output to the local folder OUTPUT_DIR failed") as info:
        service.generate_code(CodeRequest(key="python", message="set x"), owner=ANA)
    assert isinstance(info.value.__cause__, OSError)


def test_health_describes_provider_models_and_store(make_service: Callable[..., Any], tmp_path: Path) -> None:
    service, _ = make_service()
    health = service.health()
    assert health.provider == "local"
    assert health.text_model == LOCAL_CHAT_MODEL
    assert (health.image_generation, health.image_model) == (False, None)
    assert (health.storage, health.storage_location) == ("local", "the local folder OUTPUT_DIR")
