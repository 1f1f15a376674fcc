"""Cached chat resources: the offline engine and the Bedrock client are built once per process."""

from __future__ import annotations

from typing import Any

import streamlit as st
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages.utils import count_tokens_approximately

from backend.chat.service import ChatService, history_budget
from backend.providers import build_chat_model, load_engine, make_aws_client
from backend.providers.local_llm import ChatLocalLlama, LocalEngine
from backend.providers.params import InferenceParams
from backend.settings import Settings
from ui.resources import resolve


@st.cache_resource(show_spinner="Loading the offline chat model…")
def local_engine(settings: Settings) -> LocalEngine:
    return load_engine(settings)


@st.cache_resource(show_spinner=False)
def bedrock_runtime_client(settings: Settings) -> Any:
    return make_aws_client(settings, "bedrock-runtime")


def chat_model(settings: Settings, params: InferenceParams) -> BaseChatModel:
    """A chat model with the sidebar's parameters over the shared, cached engine or client."""

    def build() -> BaseChatModel:
        if settings.provider == "bedrock":
            return build_chat_model(settings, params, client=bedrock_runtime_client(settings))
        return build_chat_model(settings, params, engine=local_engine(settings))

    return resolve("chat_model", build)


def chat_service(settings: Settings, params: InferenceParams) -> ChatService:
    model = chat_model(settings, params)
    budget = history_budget(settings.context_tokens, params.max_tokens, settings.chat_memory_tokens)
    # The offline model counts its own tokens exactly; other models get an estimate, because LangChain's
    # generic counter would fetch a GPT-2 tokenizer from the hub.
    counter = (
        model.get_num_tokens_from_messages
        if isinstance(model, ChatLocalLlama)
        else count_tokens_approximately
    )
    return ChatService(model, max_input_tokens=budget, token_counter=counter)
