"""The banking agent's action-group Lambda: ``GET /accounts/{accountId}/status`` for Bedrock Agents.

Bedrock Agents sends an event naming the ``apiPath``, ``httpMethod`` and ``parameters`` it chose from
``openapi.json``; the answer goes back in the Agent response format (``messageVersion`` "1.0",
``response.actionGroup``, ``apiPath``, ``httpMethod``, ``httpStatusCode``,
``responseBody["application/json"].body``). Powertools' ``BedrockAgentResolver`` routes, validates the
4-digit ID and builds that response, and generates ``openapi.json`` from these routes
(``python -m serverless.agent.schema``), so the schema and the code cannot drift.

The handler ``handler`` reads the store the settings name (``BANKING_STORE``; DynamoDB in the deployed
stack) on its first event. The app's offline guided flow and its inline agent resolve events with
``handle(event, store)``: the same routes over the app's own store.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, cast

from aws_lambda_powertools.event_handler import BedrockAgentResolver, content_types
from aws_lambda_powertools.event_handler.api_gateway import Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import BaseModel, Field

from backend.banking.accounts import (
    ACCOUNT_ID_PATTERN,
    AccountStore,
    AccountTableMissingError,
    no_account_message,
)

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

INVALID_ID_MESSAGE = "The account ID must be exactly 4 digits, for example 5555."


class AccountStatus(BaseModel):
    """The status of a customer's new bank account."""

    accountId: str = Field(description="The 4-digit account ID.")  # noqa: N815 - the agent's names
    accountName: str = Field(description="The account holder's first name.")  # noqa: N815
    accountStatus: str = Field(description="Active, or Pending while the bank checks documents.")  # noqa: N815
    reason: str = Field(
        description="Why the account has this status, e.g. InvalidIdentification or InvalidAddressProof."
    )


class ErrorMessage(BaseModel):
    """A failure the agent relays to the customer."""

    message: str = Field(description="One sentence that says what went wrong.")


class _NoSuchAccountError(LookupError):
    def __init__(self, account_id: str) -> None:
        super().__init__(account_id)
        self.account_id = account_id


def _error(status: int, message: str) -> Response[Any]:
    return Response(
        status_code=status, content_type=content_types.APPLICATION_JSON, body={"message": message}
    )


def create_resolver(store: Callable[[], AccountStore]) -> BedrockAgentResolver:
    """The action group's routes over ``store()`` (called per event, so the store can be built lazily)."""
    app = BedrockAgentResolver()

    @app.get(
        "/accounts/<accountId>/status",
        summary="Get the status of a customer's new bank account",
        description=(
            "Returns the status (Active or Pending) and the reason for one customer account. "
            "Ask the customer for their 4-digit account ID first."
        ),
        operation_id="getAccountStatus",
        response_description="The account's holder, status and reason.",
        responses={
            200: {
                "description": "The account's holder, status and reason.",
                "content": {"application/json": {"model": AccountStatus}},
            },
            400: {
                "description": "The account ID is not 4 digits.",
                "content": {"application/json": {"model": ErrorMessage}},
            },
            404: {
                "description": "There is no account with that ID.",
                "content": {"application/json": {"model": ErrorMessage}},
            },
            503: {
                "description": "The account table is missing.",
                "content": {"application/json": {"model": ErrorMessage}},
            },
        },
    )
    def get_account_status(
        accountId: Annotated[  # noqa: N803 - the parameter name the agent sends
            str, Path(description="The customer's 4-digit account ID, e.g. 5555.", pattern=ACCOUNT_ID_PATTERN)
        ],
    ) -> AccountStatus:
        account = store().get(accountId)
        if account is None:
            raise _NoSuchAccountError(accountId)
        return AccountStatus(
            accountId=account.account_id,
            accountName=account.name,
            accountStatus=account.status,
            reason=account.reason,
        )

    @app.exception_handler(RequestValidationError)
    def invalid_request(_: RequestValidationError) -> Response[Any]:
        return _error(400, INVALID_ID_MESSAGE)

    @app.exception_handler(_NoSuchAccountError)
    def no_such_account(exc: _NoSuchAccountError) -> Response[Any]:
        return _error(404, no_account_message(exc.account_id))

    @app.exception_handler(AccountTableMissingError)
    def table_missing(exc: AccountTableMissingError) -> Response[Any]:
        return _error(503, str(exc))

    return app


@functools.cache
def _deployed_store() -> AccountStore:
    # Read once, on the first event (the Lambda's edge); nothing is read or built at import time.
    import boto3

    from backend.banking.dynamodb_store import DynamoDBAccountStore
    from backend.settings import load_settings

    settings = load_settings()
    if settings.banking_store == "sqlite":
        from backend.banking.sqlite_store import SQLiteAccountStore

        return SQLiteAccountStore(settings.banking_db_path)
    return DynamoDBAccountStore(
        boto3.client("dynamodb", region_name=settings.aws_region), settings.banking_table
    )


app = create_resolver(_deployed_store)


_per_thread = threading.local()


def handle(event: dict[str, Any], store: AccountStore) -> dict[str, Any]:
    """Resolve one agent event against ``store``: what the app runs when it executes the action group.

    Powertools resolvers keep the current event on the instance, and the app serves sessions on several
    threads, so each thread has its own resolver per store (reused: a resolver's first event builds its
    validation models, about 5 ms).
    """
    resolvers: weakref.WeakKeyDictionary[Any, BedrockAgentResolver] = _per_thread.__dict__.setdefault(
        "resolvers", weakref.WeakKeyDictionary()
    )
    resolver = resolvers.get(store)
    if resolver is None:
        resolver = resolvers[store] = create_resolver(lambda: store)
    return resolver.resolve(event, cast("LambdaContext", None))


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """The Lambda entry point (``serverless.agent.handler.handler``)."""
    return app.resolve(event, context)
