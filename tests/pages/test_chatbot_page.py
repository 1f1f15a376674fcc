from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from streamlit.testing.v1 import AppTest

from backend.errors import ServerStoppingError
from backend.settings import Settings
from tests.fakes import fake_chat_model


def test_chat_streams_answers_and_remembers_the_conversation(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    model, recorder = fake_chat_model("Hello Ada!", "Your name is Ada.")
    at = open_page("pages/chatbot.py", {"settings": app_settings, "chat_model": model})
    assert at.title[0].value == "Chatbot"

    at.chat_input[0].set_value("Hi, I am Ada").run()
    at.chat_input[0].set_value("What is my name?").run()
    assert not at.exception
    # every run goes through the app shell: the shared sidebar is drawn
    assert any("offline" in caption.value for caption in at.sidebar.caption)

    shown = [m.markdown[0].value for m in at.chat_message if m.markdown]
    assert shown == ["Hi, I am Ada", "Hello Ada!", "What is my name?", "Your name is Ada."]
    second_prompt = [m.text for m in recorder.calls[1]]
    assert second_prompt[-3:] == ["Hi, I am Ada", "Hello Ada!", "What is my name?"]
    assert recorder.calls[1][0].type == "system"


def test_new_chat_clears_history(open_page: Callable[..., AppTest], app_settings: Settings) -> None:
    model, recorder = fake_chat_model("one", "two")
    at = open_page("pages/chatbot.py", {"settings": app_settings, "chat_model": model})
    at.chat_input[0].set_value("first").run()
    new_chat = next(b for b in at.button if b.label == "New chat")
    new_chat.click().run()
    assert len(at.chat_message) == 0
    at.chat_input[0].set_value("second").run()
    assert [m.text for m in recorder.calls[1] if m.type != "system"] == ["second"]


def test_edited_system_prompt_is_sent(open_page: Callable[..., AppTest], app_settings: Settings) -> None:
    model, recorder = fake_chat_model("Arr!")
    at = open_page("pages/chatbot.py", {"settings": app_settings, "chat_model": model})
    at.text_area(key="chat_system_prompt").set_value("Talk like a pirate.").run()
    at.chat_input[0].set_value("hello").run()
    assert recorder.calls[0][0].text == "Talk like a pirate."


def test_bedrock_without_credentials_shows_one_clear_error_and_keeps_the_chat(
    open_page: Callable[..., AppTest],
) -> None:
    cfg = Settings(APP_PROVIDER="bedrock", AWS_REGION="us-east-1")
    at = open_page("pages/chatbot.py", {"settings": cfg})
    at.chat_input[0].set_value("Hello?").run()
    assert not at.exception
    assert len(at.error) == 1
    assert "No valid AWS credentials" in at.error[0].value
    at.chat_input[0].set_value("Still there?").run()
    users = [m.markdown[0].value for m in at.chat_message if m.name == "user"]
    assert users == ["Hello?", "Still there?"]  # the conversation survived both failures
    assert len(at.error) == 2


def test_each_reply_has_figures_one_usage_record_and_feedback(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    from datetime import UTC, datetime

    from backend.appdb.feedback import FeedbackLog
    from backend.appdb.sqlite import SqliteStore
    from backend.appdb.usage import UsageLog
    from tests.fakes import metered_fake_chat_model

    store = SqliteStore(app_settings.data_dir / "app.db")
    model = metered_fake_chat_model("Hello Ada, nice to meet you.", input_tokens=40)
    at = open_page("pages/chatbot.py", {"settings": app_settings, "chat_model": model, "app_store": store})
    at.chat_input[0].set_value("Hi, I am Ada").run()
    assert not at.exception
    figures = [c.value for c in at.caption if "tokens" in c.value]
    assert len(figures) == 1
    assert figures[0].startswith("SmolLM2-135M-Instruct · first token ")
    assert figures[0].endswith(" · 40 in / 6 out tokens · $0")

    # reruns (a rating, a plain rerun) neither call the model again nor add usage records
    at.feedback[0].set_value(0).run()
    at.text_input(key=f"feedback_{at.session_state['chat_conversation'].turns[1].id}_comment").set_value(
        "Too chatty"
    ).run()
    at.run()
    assert model.calls == 1
    today = datetime.now(UTC).date()
    usage = UsageLog(store).between(today, today)
    assert len(usage) == 1
    assert (usage[0].user, usage[0].page, usage[0].model, usage[0].input_tokens, usage[0].output_tokens) == (
        "local",
        "Chatbot",
        "SmolLM2-135M-Instruct",
        40,
        6,
    )
    assert usage[0].outcome == "ok"
    feedback = FeedbackLog(store).since()
    assert len(feedback) == 1
    assert (feedback[0].signal, feedback[0].question, feedback[0].answer, feedback[0].comment) == (
        "down",
        "Hi, I am Ada",
        "Hello Ada, nice to meet you.",
        "Too chatty",
    )
    assert feedback[0].model == "SmolLM2-135M-Instruct"
    at.feedback[0].set_value(None).run()  # the rating withdrawn
    assert FeedbackLog(store).since() == []


class _StoppedMidAnswer(BaseChatModel):
    """Writes the start of an answer, then the server is asked to stop (the local model's behaviour)."""

    @property
    def _llm_type(self) -> str:
        return "stopped-mid-answer"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        raise AssertionError("the page streams")

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        yield ChatGenerationChunk(message=AIMessageChunk(content="Rome was founded "))
        yield ChatGenerationChunk(message=AIMessageChunk(content="in 753 BC"))
        raise ServerStoppingError()


def test_an_answer_cut_short_by_a_server_stop_is_saved_with_the_question_and_one_sentence(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    from backend.appdb.conversations import ConversationRepository
    from backend.appdb.sqlite import SqliteStore
    from backend.auth.identity import LOCAL_OWNER
    from backend.auth.setup import utc_now
    from backend.chat.history import ConversationHistory

    store = SqliteStore(app_settings.data_dir / "app.db")
    at = open_page(
        "pages/chatbot.py", {"settings": app_settings, "chat_model": _StoppedMidAnswer(), "app_store": store}
    )
    at.chat_input[0].set_value("Tell me about Rome").run()
    assert not at.exception
    assert [m.markdown[0].value for m in at.chat_message if m.markdown] == [
        "Tell me about Rome",
        "Rome was founded in 753 BC",
    ]
    assert [e.value for e in at.error] == [str(ServerStoppingError())]

    history = ConversationHistory(ConversationRepository(store), utc_now)
    [summary] = history.list(LOCAL_OWNER, "chat")  # listed in the sidebar after the rerun, too
    assert any(b.label == summary.title for b in at.sidebar.button)
    saved = history.open(LOCAL_OWNER, summary.id)
    assert saved is not None
    assert [(t.role, t.content, t.is_error) for t in saved.turns] == [
        ("user", "Tell me about Rome", False),
        ("assistant", "Rome was founded in 753 BC", False),
        ("assistant", str(ServerStoppingError()), True),
    ]
