"""Chatbot: conversation memory, streamed answers, editable system prompt."""

import streamlit as st

from backend.chat.conversation import Conversation
from backend.prompts import load_prompt
from ui.chat_resources import chat_service
from ui.errors import report
from ui.history import history_sidebar, save, start_new
from ui.resources import settings
from ui.router import ensure_router
from ui.sidebar import current_params

ensure_router()

CONVERSATION_KEY = "chat_conversation"

cfg = settings()
params = current_params()
conversation: Conversation = history_sidebar("chat", CONVERSATION_KEY)

st.title("Chatbot")
left, right = st.columns([4, 1])
with left:
    system_prompt = st.text_area(
        "System prompt", value=load_prompt("chat_system"), key="chat_system_prompt", height=80
    )
with right:
    st.write("")
    if st.button("New chat", icon=":material/add_comment:", use_container_width=True):
        start_new(CONVERSATION_KEY)
        conversation = st.session_state[CONVERSATION_KEY]

for turn in conversation.turns:
    with st.chat_message(turn.role):
        if turn.is_error:
            st.error(turn.content, icon=":material/error:")
        else:
            st.markdown(turn.content)

if question := st.chat_input("Ask me anything"):
    history = conversation.messages()
    conversation.add_user(question)
    with st.chat_message("user"):
        st.markdown(question)
    with st.chat_message("assistant"):
        try:
            service = chat_service(cfg, params)
            st.write_stream(conversation.record_reply(service.stream_reply(history, question, system_prompt)))
        except Exception as exc:  # shown as one sentence; the transcript is kept
            message = report(exc, model_id=params.model_id, region=cfg.aws_region)
            conversation.add_error(message)
            st.error(message, icon=":material/error:")
    save("chat", CONVERSATION_KEY)
