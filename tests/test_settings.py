from __future__ import annotations

from pathlib import Path

import pytest

from backend.settings import DEFAULT_BEDROCK_CHAT_MODEL, ParseLimits, Settings, SettingsError, load_settings


def test_defaults_are_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    settings = load_settings()
    assert settings.provider == "local"
    assert settings.chat_model_choices == ["SmolLM2-135M-Instruct"]
    assert settings.embedding_model_id == "all-MiniLM-L6-v2"
    assert settings.bedrock_embedding_model_id == "amazon.titan-embed-text-v2:0"
    assert settings.policies_dir == Path("data/policies")


def test_environment_selects_bedrock(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("APP_PROVIDER", "bedrock")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv(
        "BEDROCK_CHAT_MODEL_CHOICES", "us.amazon.nova-lite-v1:0, " + DEFAULT_BEDROCK_CHAT_MODEL
    )
    settings = load_settings()
    assert settings.provider == "bedrock"
    assert settings.aws_region == "eu-west-1"
    # the configured default comes first and is not repeated
    assert settings.chat_model_choices == [DEFAULT_BEDROCK_CHAT_MODEL, "us.amazon.nova-lite-v1:0"]


def test_dotenv_file_is_read_and_environment_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("APP_PROVIDER=bedrock\nRAG_TOP_K=7\nAPI_URL=\n")
    monkeypatch.setenv("RAG_TOP_K", "9")
    settings = load_settings()
    assert settings.provider == "bedrock"
    assert settings.rag_top_k == 9
    assert settings.api_url is None  # blank means unset


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("APP_PROVIDER", "openai"),
        ("RAG_TOP_K", "0"),
        ("RAG_TOP_K", "many"),
        ("BEDROCK_EMBEDDING_DIMENSIONS", "300"),
        ("API_URL", "ftp://example"),
        ("LOCAL_CONTEXT_TOKENS", "10"),
    ],
)
def test_invalid_value_is_one_sentence_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, value: str
) -> None:
    message = _refusal(monkeypatch, tmp_path, variable, value)
    assert variable in message
    assert "\n" not in message
    assert value in message


def _refusal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, value: str) -> str:
    """The one sentence ``load_settings`` refuses ``variable=value`` with."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    return str(info.value)


def test_settings_are_immutable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    with pytest.raises(Exception, match="frozen"):
        settings.provider = "bedrock"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ParseLimits(10.0, 16_000_000)),
        ({"MAX_PARSE_SECONDS": "2.5"}, ParseLimits(2.5, 16_000_000)),
        ({"MAX_PARSE_SECONDS": "30", "MAX_DECODED_PAGE_MB": "1"}, ParseLimits(30.0, 1_000_000)),
        ({"MAX_DECODED_PAGE_MB": "0.25"}, ParseLimits(10.0, 250_000)),
    ],
)
def test_parse_limits_come_from_two_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], expected: ParseLimits
) -> None:
    monkeypatch.chdir(tmp_path)
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    assert load_settings().parse_limits == expected


@pytest.mark.parametrize(
    ("variable", "value", "sentence"),
    [
        ("MAX_PARSE_SECONDS", "0", "Invalid configuration: MAX_PARSE_SECONDS input should be greater than 0"),
        (
            "MAX_PARSE_SECONDS",
            "-3",
            "Invalid configuration: MAX_PARSE_SECONDS input should be greater than 0",
        ),
        (
            "MAX_PARSE_SECONDS",
            "ten",
            "Invalid configuration: MAX_PARSE_SECONDS input should be a valid number",
        ),
        (
            "MAX_PARSE_SECONDS",
            "inf",
            "Invalid configuration: MAX_PARSE_SECONDS input should be a finite number",
        ),
        ("MAX_PARSE_SECONDS", "7200", "Invalid configuration: MAX_PARSE_SECONDS input should be less than"),
        (
            "MAX_DECODED_PAGE_MB",
            "0",
            "Invalid configuration: MAX_DECODED_PAGE_MB input should be greater than or equal to 0.001",
        ),
        (
            "MAX_DECODED_PAGE_MB",
            "0.0000001",  # would round to a 0-byte limit that refuses every page
            "Invalid configuration: MAX_DECODED_PAGE_MB input should be greater than or equal to 0.001",
        ),
        ("MAX_DECODED_PAGE_MB", "nan", "Invalid configuration: MAX_DECODED_PAGE_MB input should be a finite"),
        ("MAX_DECODED_PAGE_MB", "16MB", "Invalid configuration: MAX_DECODED_PAGE_MB input should be a valid"),
    ],
)
def test_a_bad_parse_limit_is_one_sentence_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, value: str, sentence: str
) -> None:
    message = _refusal(monkeypatch, tmp_path, variable, value)
    assert message.startswith(sentence)
    assert message.endswith(f"(got {value!r}).")
    assert "\n" not in message
