"""The generators (code, blog, summary, poster): prompt the model, post-process, save, describe the result.

The service gets everything it talks to through the constructor (a chat-model factory, a store, an image
client, a clock), so tests run it with fake models, Stubber-wrapped clients and moto buckets.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from backend.generators.errors import (
    EmptyOutputError,
    ImageGenerationUnavailableError,
    InvalidRequestError,
    ModelCallError,
    StorageError,
)
from backend.generators.images import (
    POSTER_HEIGHT,
    POSTER_WIDTH,
    ImageSpec,
    build_image_request,
    parse_image_response,
)
from backend.generators.languages import LANGUAGES
from backend.generators.naming import OutputKind, is_output_name, output_folder, output_key, utc_now
from backend.generators.schemas import (
    BLOG_WORDS,
    BlogRequest,
    CodeRequest,
    Health,
    HistoryItem,
    OutputContent,
    PosterRequest,
    PosterResult,
    SummaryRequest,
    TextKind,
    TextParams,
    TextResult,
    Usage,
)
from backend.generators.storage import InvalidKeyError, OutputNotFoundError, Storage
from backend.generators.text import extract_code, limit_lines
from backend.prompts import load_prompt
from backend.providers.params import InferenceParams
from backend.settings import LOCAL_CHAT_MODEL, Settings

ChatModelFactory = Callable[[InferenceParams], BaseChatModel]

# Defaults when a request sends no max_tokens: enough for each kind of output, well inside the time limit.
DEFAULT_MAX_TOKENS: dict[TextKind, int] = {"code": 1024, "blog": 450, "summary": 300}
# Below this many tokens of room the offline model cannot write anything useful.
MIN_OUTPUT_TOKENS = 64


class GeneratorService:
    def __init__(
        self,
        settings: Settings,
        *,
        chat_model_factory: ChatModelFactory,
        storage: Storage,
        image_client: Any = None,
        context_tokens: int | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.settings = settings
        self._chat_model_factory = chat_model_factory
        self.storage = storage
        # None offline: there is no local image model, and we do not pretend to have one.
        self._image_client = image_client
        # Set for the offline model, whose small context must hold prompt and answer; its tokens are
        # counted exactly. Bedrock models have large contexts and enforce their own limits.
        self._context_tokens = context_tokens
        self._clock = clock

    # ----------------------------------------------------------------- public operations

    def health(self) -> Health:
        return Health(
            provider=self.settings.provider,
            text_model=self._default_text_model(),
            image_model=self.settings.bedrock_image_model_id if self.image_generation else None,
            image_generation=self.image_generation,
            storage="s3" if self.storage.kind == "s3" else "local",
            storage_location=self.storage.describe(),
        )

    @property
    def image_generation(self) -> bool:
        return self._image_client is not None

    def generate_code(self, request: CodeRequest, *, owner: str) -> TextResult:
        language = LANGUAGES[request.key]
        messages = [
            SystemMessage(load_prompt("code_system").format(language_label=language.label)),
            HumanMessage(
                load_prompt("code_user").format(language_label=language.label, instructions=request.message)
            ),
        ]
        reply, model_id, usage, seconds = self._complete("code", messages, request.params)
        code = extract_code(reply)
        if not code.strip():
            raise EmptyOutputError("The model returned no code; rephrase the instructions and try again.")
        saved = self._save_text(owner, OutputKind.CODE, language.extension, request.message, code)
        return TextResult(
            kind="code",
            content=code,
            **saved,
            model=model_id,
            usage=usage,
            language=language.key,
            seconds=seconds,
        )

    def generate_blog(self, request: BlogRequest, *, owner: str) -> TextResult:
        messages = [
            SystemMessage(load_prompt("blog_system")),
            HumanMessage(load_prompt("blog_user").format(words=BLOG_WORDS, topic=request.blog_topic)),
        ]
        reply, model_id, usage, seconds = self._complete("blog", messages, request.params)
        blog = reply.strip()
        if not blog:
            raise EmptyOutputError("The model returned an empty blog; try another topic or try again.")
        saved = self._save_text(owner, OutputKind.BLOG, "txt", request.blog_topic, blog + "\n")
        return TextResult(kind="blog", content=blog, **saved, model=model_id, usage=usage, seconds=seconds)

    def summarize(self, request: SummaryRequest, *, owner: str) -> TextResult:
        messages = [
            SystemMessage(load_prompt("summary_system")),
            HumanMessage(load_prompt("summary_user").format(lines=request.lines, text=request.text)),
        ]
        reply, model_id, usage, seconds = self._complete("summary", messages, request.params)
        summary = limit_lines(reply, request.lines)
        if not summary:
            raise EmptyOutputError("The model returned an empty summary; try again or shorten the text.")
        title = request.text.strip().splitlines()[0] if request.text.strip() else "summary"
        saved = self._save_text(owner, OutputKind.SUMMARY, "txt", title, summary + "\n")
        return TextResult(
            kind="summary", content=summary, **saved, model=model_id, usage=usage, seconds=seconds
        )

    def generate_poster(self, request: PosterRequest, *, owner: str) -> PosterResult:
        if self._image_client is None:
            raise ImageGenerationUnavailableError()
        model_id = self.settings.bedrock_image_model_id
        spec = ImageSpec(
            prompt=load_prompt("poster_prompt").format(prompt=request.prompt),
            negative_prompt=load_prompt("poster_negative"),
            cfg_scale=request.cfg_scale,
            steps=request.steps,
            seed=request.seed,
        )
        prepared = build_image_request(model_id, spec)
        started = time.perf_counter()
        try:
            response = self._image_client.invoke_model(
                modelId=model_id,
                body=json.dumps(prepared.body),
                contentType="application/json",
                accept="application/json",
            )
            payload = json.loads(response["body"].read())
        except Exception as exc:
            raise ModelCallError(model_id) from exc
        png = parse_image_response(model_id, payload)
        seconds = time.perf_counter() - started
        key = output_key(OutputKind.POSTER, self._clock(), "png", owner=owner)
        location = self._save(key, png, "image/png")
        url = self._url(key)
        return PosterResult(
            key=key,
            location=location,
            model=model_id,
            image_url=url,
            image_base64=None if url else base64.b64encode(png).decode("ascii"),
            width=POSTER_WIDTH,
            height=POSTER_HEIGHT,
            cfg_scale=prepared.cfg_scale,
            steps=prepared.steps,
            seed=prepared.seed,
            notes=prepared.notes,
            seconds=round(seconds, 3),
        )

    def history(self, kind: OutputKind, limit: int, *, owner: str) -> list[HistoryItem]:
        """``owner``'s newest outputs of ``kind``: nobody lists another user's folder."""
        try:
            stored = self.storage.list(owner, kind, limit)
        except Exception as exc:
            raise StorageError(self.storage.describe(), "listing outputs in") from exc
        return [
            HistoryItem(
                key=s.key, name=s.name, location=s.location, size=s.size, last_modified=s.last_modified
            )
            for s in stored
        ]

    def read_output(self, kind: OutputKind, name: str, *, owner: str) -> OutputContent:
        """One of ``owner``'s outputs; a name saved by someone else is simply not found in this folder."""
        if not is_output_name(name):
            raise OutputNotFoundError(f"No saved {kind.value} output named {name[:80]!r}.")
        key = f"{output_folder(owner, kind)}/{name}"
        if kind is OutputKind.POSTER:
            data = self._read(key)
            url = self._url(key)
            return OutputContent(
                key=key,
                location=self._location(key),
                image_url=url,
                image_base64=None if url else base64.b64encode(data).decode("ascii"),
            )
        return OutputContent(
            key=key, location=self._location(key), content=self._read(key).decode("utf-8", errors="replace")
        )

    # ----------------------------------------------------------------- helpers

    def _default_text_model(self) -> str:
        return LOCAL_CHAT_MODEL if self.settings.provider == "local" else self.settings.bedrock_chat_model_id

    def _inference(self, kind: TextKind, params: TextParams | None) -> InferenceParams:
        inference = (params or TextParams()).to_inference(default_max_tokens=DEFAULT_MAX_TOKENS[kind])
        model_id = inference.model_id or self._default_text_model()
        choices = self.settings.chat_model_choices
        if model_id not in choices:
            raise InvalidRequestError(
                "params.model_id",
                f"{model_id!r} is not offered by this API; choose one of: {', '.join(choices)}",
            )
        return inference.model_copy(update={"model_id": model_id})

    def _model(self, inference: InferenceParams) -> BaseChatModel:
        try:
            return self._chat_model_factory(inference)
        except Exception as exc:  # e.g. the offline model file is missing
            raise ModelCallError(inference.model_id or self._default_text_model()) from exc

    def _fit_context(
        self, messages: list[BaseMessage], inference: InferenceParams, context_tokens: int
    ) -> InferenceParams:
        """Shrink max_tokens so prompt + answer fit the model's context, or refuse a too-long input."""
        prompt_tokens = self._model(inference).get_num_tokens_from_messages(messages)
        room = context_tokens - prompt_tokens
        if room < MIN_OUTPUT_TOKENS:
            raise InvalidRequestError(
                "input",
                f"is too long for the offline model: the prompt takes {prompt_tokens} of its "
                f"{context_tokens} context tokens; shorten it or use Amazon Bedrock",
            )
        if inference.max_tokens > room:
            return inference.model_copy(update={"max_tokens": room})
        return inference

    def _save_text(
        self, owner: str, kind: OutputKind, extension: str, title: str, text: str
    ) -> dict[str, str]:
        """Store a text output under a fresh key; returns the ``key`` and ``location`` of the result."""
        key = output_key(kind, self._clock(), extension, title=title, owner=owner)
        return {"key": key, "location": self._save(key, text.encode("utf-8"), "text/plain; charset=utf-8")}

    def _complete(
        self, kind: TextKind, messages: list[BaseMessage], params: TextParams | None
    ) -> tuple[str, str, Usage | None, float]:
        inference = self._inference(kind, params)
        model_id = inference.model_id or self._default_text_model()
        if self._context_tokens is not None:
            inference = self._fit_context(messages, inference, self._context_tokens)
        model = self._model(inference)
        started = time.perf_counter()
        try:
            reply = model.invoke(messages)
        except Exception as exc:
            raise ModelCallError(model_id) from exc
        seconds = round(time.perf_counter() - started, 3)
        meta = reply.usage_metadata
        usage = (
            Usage(
                input_tokens=meta["input_tokens"],
                output_tokens=meta["output_tokens"],
                total_tokens=meta["total_tokens"],
            )
            if meta
            else None
        )
        return reply.text, model_id, usage, seconds

    def _save(self, key: str, data: bytes, content_type: str) -> str:
        try:
            return self.storage.save(key, data, content_type)
        except Exception as exc:
            raise StorageError(self.storage.describe(), "saving the output to") from exc

    def _read(self, key: str) -> bytes:
        try:
            return self.storage.read(key)
        except (OutputNotFoundError, InvalidKeyError):
            raise
        except Exception as exc:
            raise StorageError(self.storage.describe(), "reading an output from") from exc

    def _url(self, key: str) -> str | None:
        try:
            return self.storage.url(key)
        except Exception as exc:
            raise StorageError(self.storage.describe(), "signing a download link for") from exc

    def _location(self, key: str) -> str:
        return self.storage.location(key)
