"""Serve real ``application/vnd.amazon.eventstream`` responses to a boto3 client, with no network.

Stubber cannot fake event-stream operations (``converse_stream``, ``invoke_agent``,
``retrieve_and_generate_stream``): their parsed output holds an ``EventStream`` that botocore builds from the
raw HTTP body. So this module answers at the HTTP layer instead: a ``before-send`` handler returns binary
frames (prelude, headers, payload, CRC32s), and botocore's own parser, retry logic and error mapping run.

    stream = EventStreamServer(client)
    stream.respond([event("contentBlockDelta", {...}), event("messageStop", {...})])
    client.converse_stream(...)
    stream.requests[0].body  # the exact JSON botocore sent
"""

from __future__ import annotations

import json
import struct
import zlib
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse

_STRING_HEADER = 7  # the event-stream header value type for UTF-8 strings


def frame(headers: Mapping[str, str], payload: bytes) -> bytes:
    """One event-stream message: prelude and its CRC, string headers, payload, message CRC."""
    encoded = b"".join(
        struct.pack(">B", len(name.encode()))
        + name.encode()
        + struct.pack(">BH", _STRING_HEADER, len(value))
        + value.encode()
        for name, value in headers.items()
    )
    total = 12 + len(encoded) + len(payload) + 4
    prelude = struct.pack(">II", total, len(encoded))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + encoded + payload
    return message + struct.pack(">I", zlib.crc32(message))


def event(event_type: str, payload: Mapping[str, Any]) -> bytes:
    """A modelled event, e.g. ``contentBlockDelta`` (Converse) or ``chunk`` (InvokeAgent)."""
    headers = {":message-type": "event", ":event-type": event_type, ":content-type": "application/json"}
    return frame(headers, json.dumps(payload).encode())


def exception(exception_type: str, message: str) -> bytes:
    """A modelled exception arriving mid-stream, e.g. ``throttlingException``."""
    headers = {
        ":message-type": "exception",
        ":exception-type": exception_type,
        ":content-type": "application/json",
    }
    return frame(headers, json.dumps({"message": message}).encode())


class _Body:
    """The raw body botocore reads: ``stream()`` for event streams, ``read()`` for everything else."""

    def __init__(self, chunks: Sequence[bytes]) -> None:
        self._chunks = list(chunks)

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield from self._chunks

    def read(self, *_: Any, **__: Any) -> bytes:
        return b"".join(self._chunks)

    def close(self) -> None:
        pass


@dataclass
class _Reply:
    status: int
    headers: dict[str, str]
    chunks: list[bytes]


@dataclass
class EventStreamServer:
    """Answers a client's requests, in order, with queued replies; records what was sent."""

    client: Any
    requests: list[AWSPreparedRequest] = field(default_factory=list)
    _replies: deque[_Reply] = field(default_factory=deque)

    def __post_init__(self) -> None:
        self.client.meta.events.register("before-send", self._send)

    def respond(self, frames: Sequence[bytes], headers: Mapping[str, str] | None = None) -> None:
        """Queue a 200 event-stream reply; each frame is its own chunk, as on the wire."""
        merged = {"content-type": "application/vnd.amazon.eventstream", **(headers or {})}
        self._replies.append(_Reply(200, merged, list(frames)))

    def fail(self, status: int, code: str, message: str) -> None:
        """Queue an HTTP error reply (rest-json style), e.g. 403 ``AccessDeniedException``."""
        body = json.dumps({"message": message}).encode()
        headers = {"content-type": "application/json", "x-amzn-errortype": f"{code}:"}
        self._replies.append(_Reply(status, headers, [body]))

    def json(self, index: int = -1) -> Any:
        """The JSON body of a recorded request."""
        body = self.requests[index].body
        return json.loads(body.decode() if isinstance(body, bytes) else body)

    @property
    def pending(self) -> int:
        return len(self._replies)

    def _send(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        self.requests.append(request)
        if not self._replies:
            raise AssertionError(f"unexpected request to {request.url}: no reply queued")
        reply = self._replies.popleft()
        return AWSResponse(request.url, reply.status, reply.headers, _Body(reply.chunks))
