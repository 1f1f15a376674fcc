from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

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
