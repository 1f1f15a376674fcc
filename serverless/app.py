"""The generation API: code, blog, summary and poster over HTTP, for Lambda (``handler.py``) and uvicorn.

Importing this module has no side effects: ``app = create_app()`` reads no settings and builds no client.
The settings and the generator service are built on the first request (the Lambda cold start) and kept
for the life of the process. Tests pass their own settings, service or store to ``create_app``.

Run locally with ``uvicorn serverless.app:app``.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Annotated, Any, Protocol

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from backend.generators.naming import OutputKind
from backend.generators.schemas import (
    BlogRequest,
    CodeRequest,
    Health,
    HistoryKind,
    HistoryResponse,
    OutputContent,
    PosterRequest,
    PosterResult,
    SummaryRequest,
    TextResult,
)
from serverless.errors import (
    EXPECTED_ERRORS,
    HEALTH_ROUTE_ERRORS,
    HISTORY_ITEM_ERRORS,
    HISTORY_ROUTE_ERRORS,
    POSTER_ROUTE_ERRORS,
    TEXT_ROUTE_ERRORS,
    ConfigurationError,
    declare_model_choices,
    error_body,
    error_responses,
    status_and_message,
    validation_details,
    validation_sentence,
)

if TYPE_CHECKING:
    from backend.generators.schemas import HistoryItem
    from backend.generators.service import GeneratorService
    from backend.generators.storage import Storage
    from backend.settings import Settings

logger = logging.getLogger("serverless.app")

# API Gateway ends a synchronous HTTP API call after 30 s and the Lambda timeout is 29 s, so a Bedrock
# read must give up before that, leaving time to answer with a clear 504 instead of a bare gateway error.
BEDROCK_READ_TIMEOUT_S = 25
# Adaptive retries absorb short throttling bursts; a timed-out read is not retried in time (see README).
BEDROCK_MAX_ATTEMPTS = 3
S3_READ_TIMEOUT_S = 10
MAX_HISTORY_ITEMS = 100


class Generators(Protocol):
    """What the routes need; ``GeneratorService`` is the implementation, tests may pass a fake."""

    @property
    def settings(self) -> Settings: ...

    def health(self) -> Health: ...

    def generate_code(self, request: CodeRequest) -> TextResult: ...

    def generate_blog(self, request: BlogRequest) -> TextResult: ...

    def summarize(self, request: SummaryRequest) -> TextResult: ...

    def generate_poster(self, request: PosterRequest) -> PosterResult: ...

    def history(self, kind: OutputKind, limit: int) -> list[HistoryItem]: ...

    def read_output(self, kind: OutputKind, name: str) -> OutputContent: ...


def build_storage(settings: Settings) -> Storage:
    """The private bucket when OUTPUT_BUCKET is set, else ``settings.output_dir``."""
    from backend.generators.storage import LocalStorage, S3Storage

    if settings.output_bucket:
        from backend.generators.storage import make_s3_client

        return S3Storage(make_s3_client(settings, read_timeout=S3_READ_TIMEOUT_S), settings.output_bucket)
    return LocalStorage(settings.output_dir)


def build_service(
    settings: Settings, *, storage: Storage | None = None, bedrock_client: Any = None, engine: Any = None
) -> GeneratorService:
    """The generator service for ``settings``: Bedrock clients or the offline model, and the store.

    Heavy modules (LangChain, boto3, llama.cpp) are imported here, at the first request, not at import.
    """
    from backend.generators.service import GeneratorService
    from backend.providers import build_chat_model, load_engine, make_aws_client
    from backend.providers.params import InferenceParams

    store = storage or build_storage(settings)
    if settings.provider == "bedrock":
        runtime = bedrock_client or make_aws_client(
            settings,
            "bedrock-runtime",
            read_timeout=BEDROCK_READ_TIMEOUT_S,
            max_attempts=BEDROCK_MAX_ATTEMPTS,
        )

        def bedrock_model(params: InferenceParams) -> Any:
            return build_chat_model(settings, params, client=runtime)

        return GeneratorService(
            settings, chat_model_factory=bedrock_model, storage=store, image_client=runtime
        )

    lock = threading.Lock()
    loaded: list[Any] = [engine] if engine is not None else []

    def local_model(params: InferenceParams) -> Any:
        # The offline model loads once, on the first text request (0.2 s with llama.cpp).
        with lock:
            if not loaded:
                loaded.append(load_engine(settings))
        return build_chat_model(settings, params, engine=loaded[0])

    return GeneratorService(
        settings,
        chat_model_factory=local_model,
        storage=store,
        image_client=None,
        context_tokens=settings.local_context_tokens,
    )


class _ServiceHolder:
    """Builds the settings and service once, on first use, from any request thread."""

    def __init__(
        self, settings: Settings | None, service: Generators | None, storage: Storage | None
    ) -> None:
        self._settings = settings
        self._service = service
        self._storage = storage
        self._lock = threading.Lock()

    def model_choices(self) -> list[str] | None:
        """The chat models this deployment offers, or None while its settings are invalid."""
        try:
            return self.get().settings.chat_model_choices
        except ConfigurationError:
            return None

    @property
    def region(self) -> str | None:
        return self._service.settings.aws_region if self._service is not None else None

    def get(self) -> Generators:
        if self._service is None:
            with self._lock:
                if self._service is None:
                    settings = self._settings or _load_settings()
                    self._service = build_service(settings, storage=self._storage)
        return self._service


def _services(request: Request) -> Generators:
    holder: _ServiceHolder = request.app.state.services
    return holder.get()


# Routes receive the service through FastAPI's dependency injection, built on the first request.
Service = Annotated[Generators, Depends(_services)]


def _load_settings() -> Settings:
    from backend.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        raise ConfigurationError(str(exc)) from exc


def _error_response(request: Request, exc: Exception) -> JSONResponse:
    holder: _ServiceHolder = request.app.state.services
    status, message = status_and_message(exc, region=holder.region)
    if status == 500:  # a bug or a misconfiguration: keep the traceback for the log, never for the client
        logger.error("%s %s failed: %s", request.method, request.url.path, message, exc_info=exc)
    else:
        logger.warning("%s %s answered %s: %s", request.method, request.url.path, status, message)
    headers = {"Retry-After": "5"} if status == 503 else None
    return JSONResponse(error_body(exc, status, message), status_code=status, headers=headers)


async def _validation_response(request: Request, exc: Exception) -> JSONResponse:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    return JSONResponse(
        {"detail": validation_sentence(errors), "errors": validation_details(errors)}, status_code=422
    )


async def _handled_error(request: Request, exc: Exception) -> JSONResponse:
    return _error_response(request, exc)


def create_app(
    settings: Settings | None = None,
    *,
    generator_service: Generators | None = None,
    storage: Storage | None = None,
) -> FastAPI:
    """The API. Without arguments, settings come from the environment at the first request."""
    app = FastAPI(
        title="GenAI Workbench generation API",
        version="1.0.0",
        description="Code, blog, summary and poster generation on Amazon Bedrock, or offline.",
    )
    holder = _ServiceHolder(settings, generator_service, storage)
    app.state.services = holder

    def document() -> dict[str, Any]:
        # The models on offer depend on the settings, so the document is finished on its first request.
        if app.openapi_schema is None:
            doc = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            choices = holder.model_choices()
            if choices:
                declare_model_choices(doc, choices)
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]

    app.add_exception_handler(RequestValidationError, _validation_response)
    # Known failures become a status and one sentence (serverless/errors.py has the table). Anything else
    # is a bug: the same table answers 500 with a sentence, and the server logs the traceback.
    for error_type in (*EXPECTED_ERRORS, Exception):
        app.add_exception_handler(error_type, _handled_error)

    @app.get("/health", responses=error_responses(*HEALTH_ROUTE_ERRORS))
    def health(service: Service) -> Health:
        return service.health()

    @app.post("/code-generation", responses=error_responses(*TEXT_ROUTE_ERRORS))
    def code_generation(body: CodeRequest, service: Service) -> TextResult:
        return service.generate_code(body)

    @app.post("/blog-generation", responses=error_responses(*TEXT_ROUTE_ERRORS))
    def blog_generation(body: BlogRequest, service: Service) -> TextResult:
        return service.generate_blog(body)

    @app.post("/summarize", responses=error_responses(*TEXT_ROUTE_ERRORS))
    def summarize(body: SummaryRequest, service: Service) -> TextResult:
        return service.summarize(body)

    @app.post("/poster", responses=error_responses(*POSTER_ROUTE_ERRORS))
    def poster(body: PosterRequest, service: Service) -> PosterResult:
        return service.generate_poster(body)

    @app.get("/history/{kind}", responses=error_responses(*HISTORY_ROUTE_ERRORS))
    def history(
        kind: HistoryKind,
        service: Service,
        limit: Annotated[int, Query(ge=1, le=MAX_HISTORY_ITEMS)] = 20,
    ) -> HistoryResponse:
        return HistoryResponse(kind=kind, items=service.history(OutputKind(kind), limit))

    @app.get("/history/{kind}/{name}", responses=error_responses(*HISTORY_ITEM_ERRORS))
    def history_item(
        kind: HistoryKind,
        name: Annotated[str, Path(max_length=120)],
        service: Service,
    ) -> OutputContent:
        return service.read_output(OutputKind(kind), name)

    return app


app = create_app()
