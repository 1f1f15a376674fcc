"""AWS Lambda entry point: API Gateway HTTP API (payload format 2.0) events into the FastAPI app.

Deployed with ``serverless/template.yaml``; the handler setting is ``serverless.handler.handler``.
"""

from __future__ import annotations

from mangum import Mangum

from serverless.app import app

# No lifespan: the app builds its settings and clients on the first request and keeps them warm.
handler = Mangum(app, lifespan="off")
