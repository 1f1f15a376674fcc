"""The one transcript model: HR answers ride along, errors stay out of model history, JSON round-trips."""

from __future__ import annotations

import json

import pytest

from backend.chat.conversation import Conversation, Turn
from backend.rag.answer.answerer import Answer
from backend.rag.answer.citations import Citation
from backend.rag.types import Chunk, ScoredChunk


def _answer() -> Answer:
    chunk = Chunk("abc:3:0", "travel.pdf", 3, "Travel", "Hotels", "Tier 1 cities: INR 9,000 a night.", "abc")
    return Answer(
        "Hotels in tier 1 cities: INR 9,000 a night [travel.pdf#page=3]",
        [ScoredChunk(chunk, 0.57, {"dense_rank": 1.0})],
        refused=False,
        standalone_question="hotel limit per night?",
        citations=[Citation("travel.pdf", 3)],
    )


def test_a_settled_reply_carries_its_answer_and_survives_json() -> None:
    conversation = Conversation()
    conversation.add_user("hotel limit per night?")
    assert list(conversation.record_reply(iter(["Hotels ", "in tier 1"]))) == ["Hotels ", "in tier 1"]
    conversation.settle_reply(_answer().text, _answer())
    conversation.add_error("Bedrock is throttling requests.")

    restored = Conversation.from_dict(json.loads(json.dumps(conversation.to_dict())))

    assert restored == conversation
    assert restored.turns[1].answer is not None
    assert restored.turns[1].answer.sources[0].chunk.page == 3
    assert [m.text for m in restored.messages()] == ["hotel limit per night?", _answer().text]


def test_a_reply_that_fails_before_any_text_leaves_no_empty_turn() -> None:
    def failing() -> list[str]:
        raise RuntimeError("throttled")

    conversation = Conversation()
    conversation.add_user("hi")
    with pytest.raises(RuntimeError):
        list(conversation.record_reply(iter(failing())))
    assert [t.role for t in conversation.turns] == ["user"]


def test_a_reply_that_fails_mid_stream_keeps_the_streamed_part() -> None:
    def pieces() -> object:
        yield "Once upon"
        raise RuntimeError("stream broke")

    conversation = Conversation()
    conversation.add_user("story")
    with pytest.raises(RuntimeError):
        list(conversation.record_reply(pieces()))  # type: ignore[arg-type]
    assert conversation.turns[-1].content == "Once upon"


def test_settle_after_an_error_adds_a_new_reply_instead_of_overwriting_the_error() -> None:
    conversation = Conversation()
    conversation.add_error("boom")
    conversation.settle_reply("fine")
    assert [(t.content, t.is_error) for t in conversation.turns] == [("boom", True), ("fine", False)]


def test_unknown_roles_are_rejected_when_loading() -> None:
    with pytest.raises(ValueError, match="role"):
        Turn.from_dict({"role": "system", "content": "x"})


def test_a_reply_keeps_its_id_figures_and_agent_trace_through_json() -> None:
    from backend.banking.trace import AgentReply
    from backend.metering.figures import AnswerFigures

    conversation = Conversation()
    conversation.add_user("status of 7777?")
    conversation.add_assistant("Pending, InvalidAddressProof")
    reply = conversation.turns[-1]
    reply.figures = AnswerFigures.no_model(0.02)
    conversation.attach_agent(AgentReply("guided", awaiting="accountId"))

    restored = Conversation.from_dict(json.loads(json.dumps(conversation.to_dict())))

    assert restored.turns[-1].id == reply.id
    assert restored.turns[-1].figures == reply.figures
    assert restored.turns[-1].agent == reply.agent
