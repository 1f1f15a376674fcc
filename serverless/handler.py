"""AWS Lambda entry point: API Gateway HTTP API (payload format 2.0) events into the FastAPI app.

Deployed with ``serverless/template.yaml``; the handler setting is ``serverless.handler.handler``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from mangum import Mangum

from serverless.app import app

# No lifespan: the app builds its settings and clients on the first request and keeps them warm.
_adapter = Mangum(app, lifespan="off")
_loop: asyncio.AbstractEventLoop | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Serve one event. Mangum runs the app on the thread's current asyncio loop; Python 3.14 no longer
    creates one on demand (nor does any version after ``asyncio.run`` closed one), so we keep our own
    for the life of the execution environment."""
    global _loop
    if _loop is None or _loop.is_closed():
        _loop = asyncio.new_event_loop()
    asyncio.set_event_loop(_loop)
    response: dict[str, Any] = _adapter(event, context)
    return response
