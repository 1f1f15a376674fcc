"""The Course Q&A contract: the request, the answer with its citations, and what answers it.

The JSON names are the API's (``sessionId``); Python code uses ``session_id``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

# RetrieveAndGenerate accepts at most 1000 characters of input and this session id pattern.
MAX_PROMPT_CHARS = 1000
SESSION_ID_PATTERN = r"^[0-9a-zA-Z._:-]{2,100}$"


class AskRequest(BaseModel):
    """A question, with the ``sessionId`` of an earlier answer to continue that conversation."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)

    prompt: str = Field(max_length=MAX_PROMPT_CHARS)
    session_id: str | None = Field(default=None, alias="sessionId", pattern=SESSION_ID_PATTERN)

    @field_validator("prompt")
    @classmethod
    def _prompt_is_a_question(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty: ask a question about the course")
        return value

    @field_validator("session_id", mode="before")
    @classmethod
    def _blank_session_is_new(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


class Citation(BaseModel):
    """Where an answer comes from: a document (S3 URI or file name) and its 1-based page, if known."""

    model_config = ConfigDict(frozen=True)

    source: str
    page: int | None = None

    @property
    def name(self) -> str:
        """The document's file name, for display (``s3://bucket/a/b.pdf`` -> ``b.pdf``)."""
        return re.split(r"[/\\]", self.source.rstrip("/"))[-1] or self.source

    def label(self) -> str:
        return f"{self.name}, page {self.page}" if self.page else self.name


class AskResponse(BaseModel):
    """The answer, its cited sources (at most ``numberOfResults``) and the session to continue."""

    model_config = ConfigDict(populate_by_name=True, frozen=True)

    answer: str
    citations: list[Citation]
    session_id: str = Field(alias="sessionId")


class AnswerStream(Protocol):
    """An answer being produced: ``tokens()`` yields the text, then ``result()`` has the whole answer."""

    def tokens(self) -> Iterator[str]: ...

    def result(self) -> AskResponse: ...


class CourseQA(Protocol):
    """What the API route and the Course Q&A page need; Bedrock and offline implement it."""

    def ask(self, request: AskRequest) -> AskResponse: ...

    def ask_stream(self, request: AskRequest) -> AnswerStream: ...
