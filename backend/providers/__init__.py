"""Build chat models and embeddings for the configured provider (``local`` or ``bedrock``).

Every provider module is imported inside the branch that needs it: the Bedrock path and the Lambda bundle
never load llama.cpp, sentence-transformers or torch, and importing this package (for example for
``InferenceParams``) costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backend.providers.params import InferenceParams
from backend.settings import Settings

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models.chat_models import BaseChatModel

    from backend.providers.local_llm import LocalEngine

__all__ = ["InferenceParams", "build_chat_model", "build_embeddings", "load_engine", "make_aws_client"]


def make_aws_client(
    settings: Settings, service: str, *, read_timeout: int = 300, max_attempts: int = 5
) -> Any:
    """A boto3 client in the configured region and profile, with adaptive retries."""
    from backend.providers.bedrock import make_aws_client as make

    return make(settings, service, read_timeout=read_timeout, max_attempts=max_attempts)


def load_engine(settings: Settings) -> LocalEngine:
    """Load the offline chat model (callers cache it: ``st.cache_resource``, a Lambda-style singleton)."""
    from backend.providers.local_llm import load_local_engine
    from backend.shutdown import process_shutdown

    return load_local_engine(
        context_tokens=settings.local_context_tokens,
        threads=settings.local_threads,
        contexts=settings.local_contexts,
        max_waiting=settings.local_max_waiting,
        shutdown=process_shutdown(),
    )


def build_chat_model(
    settings: Settings,
    params: InferenceParams,
    *,
    client: Any = None,
    engine: LocalEngine | None = None,
) -> BaseChatModel:
    """A chat model for ``settings.provider`` with ``params`` applied.

    ``client`` is a ``bedrock-runtime`` client (tests pass a Stubber-wrapped one); ``engine`` a loaded
    local model. Either is created when not given. Building the wrapper itself is cheap.
    """
    if settings.provider == "bedrock":
        from backend.providers.bedrock import bedrock_chat_model

        return bedrock_chat_model(settings, params, client or make_aws_client(settings, "bedrock-runtime"))
    from backend.providers.local_llm import ChatLocalLlama

    return ChatLocalLlama(
        engine=engine or load_engine(settings),
        temperature=params.temperature,
        top_p=params.top_p,
        top_k=params.top_k,
        max_tokens=params.max_tokens,
        stop=list(params.stop_sequences) or None,
    )


def build_embeddings(settings: Settings, *, client: Any = None) -> Embeddings:
    """The embedding model for ``settings.provider`` (MiniLM offline, Titan v2 on Bedrock)."""
    if settings.provider == "bedrock":
        from backend.providers.bedrock import bedrock_embeddings

        return bedrock_embeddings(settings, client or make_aws_client(settings, "bedrock-runtime"))
    from backend.providers.local_embeddings import LocalMiniLMEmbeddings, minilm_model_dir

    return LocalMiniLMEmbeddings(
        model_dir=minilm_model_dir(),
        cache_dir=settings.data_dir / ".model-cache",
        threads=settings.local_threads,
    )
