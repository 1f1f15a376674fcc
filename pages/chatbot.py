"""Chatbot: conversation memory, streamed answers, editable system prompt, figures and feedback."""

import streamlit as st

from backend.chat.conversation import Conversation, Turn
from backend.metering.meter import CallMeter
from backend.prompts import load_prompt
from backend.shutdown import until_stopped
from ui.chat_resources import chat_service
from ui.errors import report
from ui.feedback import answer_feedback
from ui.figures import show_figures
from ui.history import history_sidebar, saved_answer, start_new
from ui.metering_resources import price_table
from ui.operator_resources import current_username, feedback_log, usage_recorder
from ui.resources import settings
from ui.router import ensure_router
from ui.sidebar import current_params

ensure_router()

CONVERSATION_KEY = "chat_conversation"
PAGE = "Chatbot"

cfg = settings()
params = current_params()
conversation: Conversation = history_sidebar("chat", CONVERSATION_KEY)
user = current_username()
model_id = params.model_id or cfg.chat_model_choices[0]


def reply_footer(turn: Turn) -> None:
    """The figures line and the thumbs under a reply."""
    show_figures(turn.figures)
    answer_feedback(
        feedback_log(cfg),
        answer_id=turn.id,
        user=user,
        page=PAGE,
        question=conversation.question_for(turn),
        answer=turn.content,
        model=turn.figures.model_id or "" if turn.figures else "",
    )


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
            continue
        st.markdown(turn.content)
        if turn.role == "assistant":
            reply_footer(turn)

if question := st.chat_input("Ask me anything"):
    history = conversation.messages()
    conversation.add_user(question)
    with st.chat_message("user"):
        st.markdown(question)
    with st.chat_message("assistant"), saved_answer("chat", CONVERSATION_KEY):
        try:
            service = chat_service(cfg, params)
            prompt = service.prompt_messages(history, question, system_prompt)
            meter = CallMeter(
                model_id,
                price_table(cfg),
                prompt=prompt,
                on_finish=usage_recorder(cfg).on_call(user=user, page=PAGE),
            )
            st.write_stream(
                conversation.record_reply(meter.stream(until_stopped(service.stream_chunks(prompt))))
            )
            if reply := conversation.last_reply():
                reply.figures = meter.figures()
                reply_footer(reply)
        except Exception as exc:  # shown as one sentence; the transcript (and any partial reply) is kept
            message = report(exc, model_id=params.model_id, region=cfg.aws_region)
            conversation.add_error(message)
            st.error(message, icon=":material/error:")
