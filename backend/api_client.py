"""Client of the generation API, used by the Streamlit pages.

With ``API_URL`` set it calls the deployed API (API Gateway + Lambda, or ``uvicorn serverless.app:app``).
Without it, it calls the same FastAPI app in-process through httpx's ASGI transport, so the pages work
with one command and exercise exactly the HTTP contract the Lambda serves. HTTP failures become an
``ApiError`` carrying the server's one-sentence message.

Every call acts for one user (``for_user``): the app names its signed-in user in ``X-Workbench-User``.
With ``API_AUTH=iam`` each remote request is signed with AWS Signature Version 4 (credentials from the
default chain: the EC2 instance role in production), the user header included in the signature; with
``API_AUTH=jwt`` the user's own bearer token identifies them instead.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import quote

import anyio
import httpx
from pydantic import BaseModel, ValidationError

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
    TextParams,
    TextResult,
)

if TYPE_CHECKING:
    from backend.providers.params import InferenceParams
    from backend.settings import Settings

# API Gateway gives up after 30 s; waiting a little longer lets its own answer arrive.
REMOTE_TIMEOUT_S = 35.0
IN_PROCESS_BASE_URL = "http://generation-api.in-process"
# The user the app acts for until it names one (``AUTH_MODE=none``: the laptop's one local user).
DEFAULT_USER = "local"
USER_HEADER = "X-Workbench-User"
# Only these request headers are signed (with host): proxies may rewrite the others (connection,
# accept-encoding), which would break a signature that covered them.
SIGNED_HEADERS = ("content-type", USER_HEADER.lower())
_SIGNATURE_HEADERS = ("Authorization", "X-Amz-Date", "X-Amz-Security-Token")

M = TypeVar("M", bound=BaseModel)

_TIMEOUT_MESSAGE = (
    "The generation API did not answer in time (API Gateway stops synchronous calls after 30 seconds); "
    "ask for a shorter output (lower max tokens) and try again."
)


class ApiError(Exception):
    """A failed API call, with the HTTP status and a sentence a person can act on."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


class InProcessTransport(httpx.BaseTransport):
    """A synchronous httpx transport that serves each request with an ASGI app, without a socket.

    httpx's ``ASGITransport`` is async-only. Each request runs on its own short event loop: in the
    calling thread when it has none running (Streamlit's script thread), else on a helper thread.
    """

    def __init__(self, app: Any) -> None:
        # Unexpected server errors come back as the app's 500 response, as they would over the network.
        self._asgi = httpx.ASGITransport(app=app, raise_app_exceptions=False)

    async def _send(self, request: httpx.Request) -> httpx.Response:
        response = await self._asgi.handle_async_request(request)
        body = await response.aread()
        return httpx.Response(response.status_code, headers=response.headers, content=body, request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return anyio.run(self._send, request)
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(anyio.run, self._send, request).result()


class SigV4Auth(httpx.Auth):
    """Signs each request for API Gateway (``execute-api``) with botocore's SigV4 signer.

    ``credentials`` returns the current credentials (``Credentials.get_frozen_credentials`` of the default
    chain, so instance-role credentials are refreshed before they expire), or None when there are none.
    """

    requires_request_body = True

    def __init__(self, credentials: Callable[[], Any], region: str, service: str = "execute-api") -> None:
        self._credentials = credentials
        self.region = region
        self.service = service

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        from botocore.auth import SigV4Auth as BotocoreSigV4
        from botocore.awsrequest import AWSRequest

        credentials = self._credentials()
        if credentials is None:
            raise MissingCredentialsError
        headers = {name: request.headers[name] for name in SIGNED_HEADERS if name in request.headers}
        signed = AWSRequest(
            method=request.method, url=str(request.url), data=request.content, headers=headers
        )
        BotocoreSigV4(credentials, self.service, self.region).add_auth(signed)
        for name in _SIGNATURE_HEADERS:
            if name in signed.headers:
                request.headers[name] = signed.headers[name]
        yield request

    @classmethod
    def from_default_chain(cls, settings: Settings) -> SigV4Auth:
        import boto3

        session = boto3.Session(profile_name=settings.aws_profile, region_name=settings.aws_region)

        def frozen() -> Any:
            found = session.get_credentials()
            return found.get_frozen_credentials() if found is not None else None

        return cls(frozen, settings.aws_region)


class MissingCredentialsError(RuntimeError):
    """No AWS credentials to sign a request with."""


class GeneratorApiClient:
    """Typed calls to the generation API for one user; every failure is an ``ApiError``."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        target: str,
        user: str = DEFAULT_USER,
        identify_by: Literal["header", "token"] = "header",
        token: str | None = None,
    ) -> None:
        self._http = http
        # Where requests go, for error messages and the pages' caption.
        self.target = target
        self.user = user
        self._identify_by = identify_by
        self._token = token

    @classmethod
    def remote(
        cls,
        base_url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        auth: httpx.Auth | None = None,
        identify_by: Literal["header", "token"] = "header",
    ) -> GeneratorApiClient:
        http = httpx.Client(base_url=base_url, timeout=REMOTE_TIMEOUT_S, transport=transport, auth=auth)
        return cls(http, target=base_url, identify_by=identify_by)

    @classmethod
    def remote_from_settings(
        cls, settings: Settings, *, transport: httpx.BaseTransport | None = None
    ) -> GeneratorApiClient:
        """The deployed API at ``API_URL``, signed with SigV4 when ``API_AUTH=iam``."""
        if not settings.api_url:
            raise ValueError("API_URL is not set")
        auth = SigV4Auth.from_default_chain(settings) if settings.api_auth == "iam" else None
        identify_by: Literal["header", "token"] = "token" if settings.api_auth == "jwt" else "header"
        return cls.remote(settings.api_url, transport=transport, auth=auth, identify_by=identify_by)

    @classmethod
    def in_process(cls, app: Any) -> GeneratorApiClient:
        # No timeout: nothing stands between the page and the model, as in the Streamlit process itself.
        http = httpx.Client(base_url=IN_PROCESS_BASE_URL, transport=InProcessTransport(app), timeout=None)
        return cls(http, target="in-process API")

    @classmethod
    def from_settings(cls, settings: Settings) -> GeneratorApiClient:
        """The deployed API when ``settings.api_url`` is set, else the app in this process."""
        if settings.api_url:
            return cls.remote_from_settings(settings)
        from serverless.app import create_app

        # The in-process API's only caller is this app, which names its user on every call.
        return cls.in_process(create_app(settings, auth="none"))

    def for_user(self, user: str, *, token: str | None = None) -> GeneratorApiClient:
        """The same connection, acting for ``user`` (and, with ``API_AUTH=jwt``, their bearer ``token``)."""
        return GeneratorApiClient(
            self._http, target=self.target, user=user, identify_by=self._identify_by, token=token
        )

    def close(self) -> None:
        self._http.close()

    # ----------------------------------------------------------------- calls

    def health(self) -> Health:
        return self._call("GET", "/health", Health)

    def generate_code(
        self, language: str, instructions: str, params: InferenceParams | None = None
    ) -> TextResult:
        body = CodeRequest.model_construct(key=language, message=instructions, params=_params(params))
        return self._call("POST", "/code-generation", TextResult, body)

    def generate_blog(self, topic: str, params: InferenceParams | None = None) -> TextResult:
        body = BlogRequest.model_construct(blog_topic=topic, params=_params(params))
        return self._call("POST", "/blog-generation", TextResult, body)

    def summarize(self, text: str, lines: int, params: InferenceParams | None = None) -> TextResult:
        body = SummaryRequest.model_construct(text=text, lines=lines, params=_params(params))
        return self._call("POST", "/summarize", TextResult, body)

    def generate_poster(self, prompt: str, *, cfg_scale: float, steps: int, seed: int) -> PosterResult:
        body = PosterRequest.model_construct(prompt=prompt, cfg_scale=cfg_scale, steps=steps, seed=seed)
        return self._call("POST", "/poster", PosterResult, body)

    def history(self, kind: HistoryKind, limit: int = 20) -> HistoryResponse:
        return self._call("GET", f"/history/{kind}", HistoryResponse, params={"limit": limit})

    def read_output(self, kind: HistoryKind, name: str) -> OutputContent:
        return self._call("GET", f"/history/{kind}/{quote(name, safe='')}", OutputContent)

    # ----------------------------------------------------------------- plumbing

    def _call(
        self,
        method: str,
        path: str,
        result: type[M],
        body: BaseModel | None = None,
        params: dict[str, Any] | None = None,
    ) -> M:
        # Bodies are validated by the server, which answers with the one clear sentence the page shows.
        payload = body.model_dump(mode="json", exclude_none=True) if body is not None else None
        try:
            response = self._http.request(method, path, json=payload, params=params, headers=self._identity())
        except MissingCredentialsError:
            raise ApiError(
                401,
                "The generation API needs signed requests (API_AUTH=iam), and no AWS credentials were found: "
                "attach an instance role, or run 'aws configure' or 'aws sso login'.",
            ) from None
        except httpx.TimeoutException:
            raise ApiError(504, _TIMEOUT_MESSAGE) from None
        except httpx.TransportError as exc:
            raise ApiError(
                503,
                f"The generation API at {self.target} could not be reached ({type(exc).__name__}): check "
                "API_URL, or start it locally with 'uvicorn serverless.app:app'.",
            ) from None
        if not response.is_success:
            raise ApiError(response.status_code, error_message(response))
        try:
            return result.model_validate(response.json())
        except (ValueError, ValidationError):
            raise ApiError(
                502, f"The generation API at {self.target} returned an unexpected response."
            ) from None

    def _identity(self) -> dict[str, str]:
        if self._identify_by == "token":
            if not self._token:
                raise ApiError(
                    401, "The generation API (API_AUTH=jwt) needs the signed-in user's token; sign in again."
                )
            return {"Authorization": f"Bearer {self._token}"}
        return {USER_HEADER: self.user}


def _params(params: InferenceParams | None) -> TextParams | None:
    return TextParams.from_inference(params) if params is not None else None


def error_message(response: httpx.Response) -> str:
    """The server's sentence (``detail``), or one for the gateway's bare errors (``{"message": ...}``)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, str) and detail:
        return detail
    status = response.status_code
    if status in (503, 504):
        return _TIMEOUT_MESSAGE
    if status == 429:
        return (
            "The generation API is receiving too many requests right now; wait a few seconds and try again."
        )
    if status in (401, 403):
        return (
            f"The generation API refused the request (HTTP {status}); check API_URL, API_AUTH and that the "
            "app's role may call it (execute-api:Invoke)."
        )
    if status == 404:
        return f"The generation API at {response.request.url.host} has no such route; check API_URL."
    return f"The generation API failed with HTTP {status}; the details are in its log."
