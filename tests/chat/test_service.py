from __future__ import annotations

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from backend.chat.conversation import Conversation
from backend.chat.service import ChatService, history_budget
from tests.fakes import fake_chat_model


def word_count(messages: list[BaseMessage]) -> int:
    """A transparent token counter for tests: one token per word."""
    return sum(len(m.text.split()) for m in messages)


def long_history(turns: int) -> list[BaseMessage]:
    history: list[BaseMessage] = []
    for i in range(turns):
        history.append(HumanMessage(f"question {i} " + "pad " * 8))
        history.append(AIMessage(f"answer {i} " + "pad " * 8))
    return history


def test_reply_streams_in_pieces_and_sees_the_history() -> None:
    model, recorder = fake_chat_model("Your name is Ada.")
    service = ChatService(model, max_input_tokens=1000, token_counter=word_count)
    history = [HumanMessage("My name is Ada."), AIMessage("Nice to meet you, Ada.")]
    pieces = list(service.stream_reply(history, "What is my name?", "Be kind."))
    assert len(pieces) > 1
    assert "".join(pieces) == "Your name is Ada."
    sent = recorder.calls[0]
    assert [type(m) for m in sent] == [SystemMessage, HumanMessage, AIMessage, HumanMessage]
    assert sent[1].text == "My name is Ada."
    assert sent[-1].text == "What is my name?"


def test_history_is_trimmed_to_the_budget_keeping_system_and_newest_turns() -> None:
    model, recorder = fake_chat_model("ok")
    budget = 60
    service = ChatService(model, max_input_tokens=budget, token_counter=word_count)
    list(service.stream_reply(long_history(20), "final question", "system words here"))
    sent = recorder.calls[0]
    assert word_count(sent) <= budget
    assert isinstance(sent[0], SystemMessage)
    assert sent[-1].text == "final question"
    assert isinstance(sent[1], HumanMessage)  # the window starts on a human turn
    assert "question 19" in sent[-3].text  # newest turns survive
    assert all("question 0 " not in m.text for m in sent)  # oldest are dropped
    assert len(sent) < 42


def test_a_question_larger_than_the_budget_is_still_sent() -> None:
    model, recorder = fake_chat_model("ok")
    service = ChatService(model, max_input_tokens=5, token_counter=word_count)
    list(service.stream_reply(long_history(3), "a very long question that exceeds the budget", "sys"))
    sent = recorder.calls[0]
    assert [type(m) for m in sent] == [SystemMessage, HumanMessage]
    assert sent[-1].text.startswith("a very long question")


def test_empty_system_prompt_is_not_sent() -> None:
    model, recorder = fake_chat_model("ok")
    service = ChatService(model, max_input_tokens=100, token_counter=word_count)
    list(service.stream_reply([], "hi", "   "))
    assert [type(m) for m in recorder.calls[0]] == [HumanMessage]


def test_history_budget_leaves_room_for_the_reply() -> None:
    assert history_budget(2048, 512, 4000) == 2048 - 512 - 64
    assert history_budget(200_000, 512, 4000) == 4000
    assert history_budget(1000, 4096, 4000) == 0


def test_conversation_keeps_errors_visible_but_out_of_the_model_history() -> None:
    conversation = Conversation()
    conversation.add_user("hello")
    conversation.add_error("Bedrock is throttling")
    conversation.add_user("hello again")
    conversation.add_assistant("hi")
    assert len(conversation.turns) == 4
    assert [m.text for m in conversation.messages()] == ["hello", "hello again", "hi"]
    conversation.clear()
    assert conversation.messages() == []


def test_streamed_reply_is_saved_piece_by_piece_even_if_abandoned() -> None:
    conversation = Conversation()
    conversation.add_user("tell me a story")
    stream = conversation.record_reply(iter(["Once ", "upon ", "a time"]))
    assert next(stream) == "Once "
    assert next(stream) == "upon "
    stream.close()  # the run was abandoned mid-stream
    assert conversation.turns[-1].content == "Once upon "
    assert [m.text for m in conversation.messages()] == ["tell me a story", "Once upon "]


def test_empty_reply_leaves_no_turn() -> None:
    conversation = Conversation()
    conversation.add_user("hi")
    assert list(conversation.record_reply(iter(["", "  "]))) == ["", "  "]
    assert len(conversation.turns) == 1
