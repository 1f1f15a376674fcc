"""The generation API: code, blog, summary and poster over HTTP, for Lambda (``handler.py``) and uvicorn.

Importing this module has no side effects: ``app = create_app()`` reads no settings and builds no client.
The settings and the generator service are built on the first request (the Lambda cold start) and kept
for the life of the process. Tests pass their own settings, service or store to ``create_app``.

Every route but ``/health`` resolves its caller first (``serverless/identity.py``: the API Gateway
authorizer's identity, or the user the in-process app names) and reads and writes only that caller's
folder, so one user can neither list nor open another's outputs.

Run locally with ``uvicorn serverless.app:app``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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
from backend.kb.types import AskRequest, AskResponse, CourseQA
from serverless.errors import (
    COURSE_QA_ERRORS,
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
from serverless.identity import (
    ApiAuth,
    Caller,
    resolve_caller,
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

    def generate_code(self, request: CodeRequest, *, owner: str) -> TextResult: ...

    def generate_blog(self, request: BlogRequest, *, owner: str) -> TextResult: ...

    def summarize(self, request: SummaryRequest, *, owner: str) -> TextResult: ...

    def generate_poster(self, request: PosterRequest, *, owner: str) -> PosterResult: ...

    def history(self, kind: OutputKind, limit: int, *, owner: str) -> list[HistoryItem]: ...

    def read_output(self, kind: OutputKind, name: str, *, owner: str) -> OutputContent: ...


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


def build_course_qa(
    settings: Settings, *, agent_runtime_client: Any = None, embeddings: Any = None
) -> CourseQA:
    """Course Q&A for ``settings``: RetrieveAndGenerate on Bedrock, the local course index offline.

    The Lambda runs on Bedrock only; the offline path (faiss, local models) is imported here, on first use.
    """
    if settings.provider == "bedrock":
        from backend.kb.errors import CourseQaUnavailableError

        if not settings.course_knowledge_base_id:
            raise CourseQaUnavailableError(
                "Course Q&A on Bedrock answers from a Knowledge Base: set COURSE_KNOWLEDGE_BASE_ID to its "
                "id, or set APP_PROVIDER=local to answer from the shipped course notes."
            )
        from backend.kb.service import KnowledgeBaseQA
        from backend.providers import make_aws_client

        client = agent_runtime_client or make_aws_client(
            settings,
            "bedrock-agent-runtime",
            read_timeout=BEDROCK_READ_TIMEOUT_S,
            max_attempts=BEDROCK_MAX_ATTEMPTS,
        )
        return KnowledgeBaseQA(
            client,
            knowledge_base_id=settings.course_knowledge_base_id,
            model_arn=settings.kb_model_arn,
            number_of_results=settings.bedrock_kb_results,
        )

    # Offline answers are extractive (quoted from the notes): the embedding model is all it loads.
    from backend.kb.local import build_local_course_qa
    from backend.providers import build_embeddings

    return build_local_course_qa(settings, embeddings=embeddings or build_embeddings(settings))


class _CourseHolder:
    """Builds Course Q&A once, on its first question, from any request thread."""

    def __init__(self, services: _ServiceHolder, course_qa: CourseQA | None) -> None:
        self._services = services
        self._course_qa = course_qa
        self._lock = threading.Lock()

    def get(self) -> CourseQA:
        if self._course_qa is None:
            with self._lock:
                if self._course_qa is None:
                    self._course_qa = build_course_qa(self._services.settings())
        return self._course_qa


class _ServiceHolder:
    """Builds the settings and service once, on first use, from any request thread."""

    def __init__(
        self,
        settings: Settings | None,
        service: Generators | None,
        storage: Storage | None,
        auth: ApiAuth | None = None,
    ) -> None:
        self._settings = settings
        self._service = service
        self._storage = storage
        self._auth = auth
        self._lock = threading.Lock()

    def model_choices(self) -> list[str] | None:
        """The chat models this deployment offers, or None while its settings are invalid."""
        try:
            return self.get().settings.chat_model_choices
        except ConfigurationError:
            return None

    def auth(self) -> tuple[ApiAuth, str | None]:
        """How callers authenticate (``API_AUTH`` unless ``create_app`` set it), and the trusted app role."""
        settings = self.settings()
        return self._auth or settings.api_auth, settings.api_trusted_role_arn

    @property
    def region(self) -> str | None:
        return self._service.settings.aws_region if self._service is not None else None

    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = self._service.settings if self._service is not None else _load_settings()
        return self._settings

    def get(self) -> Generators:
        if self._service is None:
            with self._lock:
                if self._service is None:
                    self._service = build_service(self.settings(), storage=self._storage)
        return self._service


def _services(request: Request) -> Generators:
    holder: _ServiceHolder = request.app.state.services
    return holder.get()


def _course_qa(request: Request) -> CourseQA:
    holder: _CourseHolder = request.app.state.course_qa
    return holder.get()


def _course_caller(request: Request) -> Caller | None:
    """Course Q&A keeps nothing per user, so in-process and loopback calls (``API_AUTH=none``) need not
    name one, as the course's ``GET /kb/ask?prompt=…`` contract has it; through API Gateway the caller is
    checked exactly as on every other route."""
    holder: _ServiceHolder = request.app.state.services
    mode, _ = holder.auth()
    if mode == "none" and request.scope.get("aws.event") is None:
        return None
    return _caller(request)


def _caller(request: Request) -> Caller:
    holder: _ServiceHolder = request.app.state.services
    mode, trusted_role_arn = holder.auth()
    return resolve_caller(
        mode,
        event=request.scope.get("aws.event"),  # set by Mangum in Lambda; absent in-process and under uvicorn
        headers=request.headers,
        trusted_role_arn=trusted_role_arn,
    )


# Routes receive the service through FastAPI's dependency injection, built on the first request.
Service = Annotated[Generators, Depends(_services)]
# ...and the authenticated caller, whose folder they read and write.
CallerOf = Annotated[Caller, Depends(_caller)]
CourseQaService = Annotated[CourseQA, Depends(_course_qa)]
CourseCaller = Annotated[Caller | None, Depends(_course_caller)]


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


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Under uvicorn, SIGTERM also stops the offline model at its next token (``backend/shutdown.py``).

    uvicorn's graceful shutdown waits for the requests in flight, and a local generation can take
    minutes; stopped between tokens, it answers 503 with one sentence and saves no output.
    """
    from backend.shutdown import process_shutdown

    restore = process_shutdown().hook_signals()
    try:
        yield
    finally:
        restore()


def create_app(
    settings: Settings | None = None,
    *,
    generator_service: Generators | None = None,
    storage: Storage | None = None,
    auth: ApiAuth | None = None,
    course_qa: CourseQA | None = None,
) -> FastAPI:
    """The API. Without arguments, settings come from the environment at the first request.

    ``auth`` overrides ``API_AUTH``: the in-process API inside Streamlit passes ``"none"``, since its only
    caller is the app, which names the signed-in user on every call.
    """
    app = FastAPI(
        title="GenAI Workbench generation API",
        version="1.0.0",
        description="Code, blog, summary and poster generation on Amazon Bedrock, or offline.",
        lifespan=_lifespan,
    )
    holder = _ServiceHolder(settings, generator_service, storage, auth)
    app.state.services = holder
    app.state.course_qa = _CourseHolder(app.state.services, course_qa)

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
    def code_generation(body: CodeRequest, caller: CallerOf, service: Service) -> TextResult:
        return service.generate_code(body, owner=caller.owner)

    @app.post("/blog-generation", responses=error_responses(*TEXT_ROUTE_ERRORS))
    def blog_generation(body: BlogRequest, caller: CallerOf, service: Service) -> TextResult:
        return service.generate_blog(body, owner=caller.owner)

    @app.post("/summarize", responses=error_responses(*TEXT_ROUTE_ERRORS))
    def summarize(body: SummaryRequest, caller: CallerOf, service: Service) -> TextResult:
        return service.summarize(body, owner=caller.owner)

    @app.post("/poster", responses=error_responses(*POSTER_ROUTE_ERRORS))
    def poster(body: PosterRequest, caller: CallerOf, service: Service) -> PosterResult:
        return service.generate_poster(body, owner=caller.owner)

    @app.get("/history/{kind}", responses=error_responses(*HISTORY_ROUTE_ERRORS))
    def history(
        kind: HistoryKind,
        caller: CallerOf,
        service: Service,
        limit: Annotated[int, Query(ge=1, le=MAX_HISTORY_ITEMS)] = 20,
    ) -> HistoryResponse:
        return HistoryResponse(kind=kind, items=service.history(OutputKind(kind), limit, owner=caller.owner))

    @app.get("/history/{kind}/{name}", responses=error_responses(*HISTORY_ITEM_ERRORS))
    def history_item(
        kind: HistoryKind,
        name: Annotated[str, Path(max_length=120)],
        caller: CallerOf,
        service: Service,
    ) -> OutputContent:
        return service.read_output(OutputKind(kind), name, owner=caller.owner)

    # Course Q&A: the course's contract (GET with a prompt query parameter) and a JSON POST that can
    # continue a conversation with the sessionId of an earlier answer.
    @app.get("/kb/ask", responses=error_responses(*COURSE_QA_ERRORS))
    def kb_ask(
        query: Annotated[AskRequest, Query()], caller: CourseCaller, course: CourseQaService
    ) -> AskResponse:
        return course.ask(query)

    @app.post("/kb/ask", responses=error_responses(*COURSE_QA_ERRORS))
    def kb_ask_post(body: AskRequest, caller: CourseCaller, course: CourseQaService) -> AskResponse:
        return course.ask(body)

    return app


app = create_app()
