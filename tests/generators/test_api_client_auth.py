"""The API client's identity on the wire: SigV4-signed for API_AUTH=iam, a bearer token for jwt, the user
header in-process. Requests are captured by an ``httpx.MockTransport`` (no network) and each signature is
checked by an independent implementation of AWS Signature Version 4, as API Gateway would check it."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import httpx
import pytest
from botocore.credentials import ReadOnlyCredentials

from backend.api_client import ApiError, GeneratorApiClient, SigV4Auth
from backend.settings import Settings

URL = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
CREDENTIALS = ReadOnlyCredentials("ASIAEXAMPLEKEY123456", "secret/EXAMPLE+key", "session-token-EXAMPLE")
HISTORY = {"kind": "code", "items": []}
_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<scope>\d{8}/[\w-]+/execute-api/aws4_request), "
    r"SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<signature>[0-9a-f]{64})$"
)


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def signature_is_valid(request: httpx.Request, secret_key: str) -> bool:
    """Recompute the request's SigV4 signature from what was sent (the AWS documented algorithm)."""
    match = _AUTH.match(request.headers["authorization"])
    assert match is not None, request.headers["authorization"]
    signed = match["signed"].split(";")
    url = urlsplit(str(request.url))
    query = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(parse_qsl(url.query))
    )
    headers = "".join(f"{name}:{request.headers[name].strip()}\n" for name in signed)
    canonical = "\n".join(
        [
            request.method,
            quote(url.path, safe="/~"),
            query,
            headers,
            match["signed"],
            hashlib.sha256(request.content).hexdigest(),
        ]
    )
    amz_date = request.headers["x-amz-date"]
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, match["scope"], hashlib.sha256(canonical.encode()).hexdigest()]
    )
    date, region, service, _ = match["scope"].split("/")
    key = _hmac(_hmac(_hmac(_hmac(f"AWS4{secret_key}".encode(), date), region), service), "aws4_request")
    return hmac.compare_digest(
        hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), match["signature"]
    )


def capture(answer: dict[str, Any]) -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=answer)

    return seen, httpx.MockTransport(handler)


def signed_client(
    transport: httpx.MockTransport, credentials: Callable[[], Any] = lambda: CREDENTIALS
) -> GeneratorApiClient:
    return GeneratorApiClient.remote(URL, transport=transport, auth=SigV4Auth(credentials, "eu-west-1"))


def test_iam_requests_are_signed_over_the_user_header_and_the_body() -> None:
    seen, transport = capture(
        {"kind": "code", "content": "x\n", "key": "k", "location": "s3://b/k", "model": "m", "seconds": 1.0}
    )
    signed_client(transport).for_user("ana").generate_code("python", "implement binary search")
    request = seen[0]
    assert request.headers["x-workbench-user"] == "ana"
    assert request.headers["x-amz-security-token"] == "session-token-EXAMPLE"
    assert re.fullmatch(r"\d{8}T\d{6}Z", request.headers["x-amz-date"])
    match = _AUTH.match(request.headers["authorization"])
    assert match is not None
    assert match["key"] == "ASIAEXAMPLEKEY123456"
    assert match["scope"].endswith("/eu-west-1/execute-api/aws4_request")
    assert match["scope"][:8] == request.headers["x-amz-date"][:8]
    # Exactly these headers are signed: the user and the body's type travel under the signature; hop-by-hop
    # headers that a proxy may rewrite (connection, accept-encoding, user-agent) do not.
    assert match["signed"] == "content-type;host;x-amz-date;x-amz-security-token;x-workbench-user"
    assert json.loads(request.content) == {"key": "python", "message": "implement binary search"}
    assert signature_is_valid(request, CREDENTIALS.secret_key)
    assert not signature_is_valid(request, "another-secret")


def test_a_changed_user_header_or_body_breaks_the_signature() -> None:
    seen, transport = capture(HISTORY)
    signed_client(transport).for_user("ana").history("code", limit=5)
    request = seen[0]
    assert request.url.query == b"limit=5"
    assert signature_is_valid(request, CREDENTIALS.secret_key)

    as_bob = httpx.Request(
        request.method, request.url, headers={**request.headers, "x-workbench-user": "bob"}
    )
    assert not signature_is_valid(as_bob, CREDENTIALS.secret_key)
    more = httpx.Request(
        request.method, str(request.url).replace("limit=5", "limit=100"), headers=request.headers
    )
    assert not signature_is_valid(more, CREDENTIALS.secret_key)


def test_credentials_without_a_session_token_sign_without_one() -> None:
    seen, transport = capture(HISTORY)
    static = ReadOnlyCredentials("AKIAEXAMPLEKEY123456", "static-secret", None)
    signed_client(transport, lambda: static).history("code")
    request = seen[0]
    assert "x-amz-security-token" not in request.headers
    assert "SignedHeaders=host;x-amz-date;x-workbench-user," in request.headers["authorization"]
    assert signature_is_valid(request, "static-secret")


def test_no_credentials_is_one_sentence_and_nothing_is_sent() -> None:
    seen, transport = capture(HISTORY)
    with pytest.raises(ApiError) as info:
        signed_client(transport, lambda: None).history("code")
    assert info.value.status_code == 401
    assert "no AWS credentials were found" in info.value.message
    assert seen == []


def test_jwt_requests_carry_the_users_token_and_no_user_header() -> None:
    seen, transport = capture(HISTORY)
    client = GeneratorApiClient.remote(URL, transport=transport, identify_by="token")
    client.for_user("carla", token="eyJ.example.token").history("code")
    assert seen[0].headers["authorization"] == "Bearer eyJ.example.token"
    assert "x-workbench-user" not in seen[0].headers
    assert "x-amz-date" not in seen[0].headers
    with pytest.raises(ApiError, match="needs the signed-in user's token"):
        client.for_user("carla").history("code")
    assert len(seen) == 1


def test_settings_choose_signing(tmp_path: Path) -> None:
    seen, transport = capture(HISTORY)
    plain = GeneratorApiClient.remote_from_settings(
        Settings(API_URL=URL, API_AUTH="none"), transport=transport
    )
    plain.for_user("ana").history("code")
    assert "authorization" not in seen[0].headers
    assert seen[0].headers["x-workbench-user"] == "ana"

    token = GeneratorApiClient.remote_from_settings(
        Settings(API_URL=URL, API_AUTH="jwt"), transport=transport
    )
    token.for_user("carla", token="t").history("code")
    assert seen[1].headers["authorization"] == "Bearer t"


def test_the_in_process_client_names_the_user_and_signs_nothing(tmp_path: Path) -> None:
    settings = Settings(APP_PROVIDER="local", OUTPUT_DIR=tmp_path, API_AUTH="iam")
    client = GeneratorApiClient.from_settings(settings)  # in-process: API_AUTH applies to API_URL only
    assert client.target == "in-process API"
    assert client.history("code").items == []  # as the default local user
    assert client.for_user("ana").history("code").items == []
