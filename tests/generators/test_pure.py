"""Pure request/response translation: languages, storage keys and slugs, model-output post-processing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from backend.generators.languages import LANGUAGES, UnsupportedLanguageError, language_key
from backend.generators.naming import (
    MAX_SLUG_LENGTH,
    OutputKind,
    is_output_name,
    is_owner_id,
    output_folder,
    output_key,
    owner_id,
    slugify,
    timestamp,
)
from backend.generators.text import extract_code, limit_lines

MOMENT = datetime(2025, 1, 21, 22, 0, 5, 123456, tzinfo=UTC)
ANA = owner_id("app:ana")


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("python", "py"),
        ("typescript", "ts"),
        ("cpp", "cpp"),
        ("csharp", "cs"),
        ("bash", "sh"),
        ("sql", "sql"),
    ],
)
def test_language_keys_map_to_extensions(name: str, extension: str) -> None:
    assert LANGUAGES[language_key(name)].extension == extension


# The API's document lists exactly the 16 keys, so anything else (aliases and other cases included) is
# refused with the list, as a client generated from the document expects.
@pytest.mark.parametrize("name", ["cobol", "", "Python", "py", "c++", "python; rm -rf /", "../py"])
def test_anything_but_a_key_is_refused_with_the_supported_list(name: str) -> None:
    with pytest.raises(UnsupportedLanguageError, match="choose one of: python, javascript"):
        language_key(name)


def test_every_language_has_a_distinct_extension() -> None:
    extensions = [lang.extension for lang in LANGUAGES.values()]
    assert len(set(extensions)) == len(extensions)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("implement binary search", "implement-binary-search"),
        ("  Implement   BINARY search!!  ", "implement-binary-search"),
        ("../../etc/passwd", "etc-passwd"),
        ("a/b\\c\x00d", "a-b-c-d"),
        ("Crème brûlée recipe", "creme-brulee-recipe"),
        ("日本語だけ", "untitled"),
        ("", "untitled"),
        ("---", "untitled"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_long_slugs_are_cut_at_a_word_boundary() -> None:
    slug = slugify("write a function that reverses every word in a sentence and keeps punctuation intact")
    assert len(slug) <= MAX_SLUG_LENGTH
    assert slug == "write-a-function-that-reverses-every-word-in-a"
    assert slugify("x" * 200) == "x" * MAX_SLUG_LENGTH


def test_timestamp_is_utc_with_milliseconds() -> None:
    assert timestamp(MOMENT) == "20250121T220005.123Z"
    assert timestamp(MOMENT.astimezone(timezone(timedelta(hours=5)))) == "20250121T220005.123Z"


@pytest.mark.parametrize(
    ("kind", "extension", "title", "key"),
    [
        (OutputKind.CODE, "py", "binary search", "code-output/20250121T220005.123Z_binary-search.py"),
        (OutputKind.BLOG, "txt", "ML in healthcare", "blog-output/20250121T220005.123Z_ml-in-healthcare.txt"),
        (OutputKind.SUMMARY, "txt", "../../secret", "summary-output/20250121T220005.123Z_secret.txt"),
        (OutputKind.POSTER, "png", None, "poster-output/20250121T220005.123Z.png"),
    ],
)
def test_output_keys_follow_the_seed_layout_under_the_owners_folder(
    kind: OutputKind, extension: str, title: str | None, key: str
) -> None:
    assert output_key(kind, MOMENT, extension, title=title, owner=ANA) == f"users/{ANA}/{key}"
    assert is_output_name(key.split("/", 1)[1])


@pytest.mark.parametrize("extension", ["py/../x", "", "toolongext", "P Y"])
def test_output_key_rejects_odd_extensions(extension: str) -> None:
    with pytest.raises(ValueError, match="extension"):
        output_key(OutputKind.CODE, MOMENT, extension, title="x", owner=ANA)


@pytest.mark.parametrize(
    ("identity", "readable"),
    [
        ("app:ana", "ana"),
        ("app:Ana.Lopez@example.com", "ana-lopez-example-com"),
        ("iam:arn:aws:sts::123456789012:assumed-role/Dev/bob", "bob"),
        ("jwt:5f1c2a9e-8d7b-4c3a-9e2f-0a1b2c3d4e5f", "5f1c2a9e-8d7b-4c3a-9e2f"),
        ("app:../..", "untitled"),
    ],
)
def test_owner_folders_are_a_readable_slug_and_a_hash_of_the_whole_identity(
    identity: str, readable: str
) -> None:
    owner = owner_id(identity)
    slug, _, digest = owner.rpartition("-")
    assert slug == readable
    assert len(digest) == 32
    assert is_owner_id(owner)
    assert owner_id(identity) == owner  # stable across calls and processes


def test_identities_that_slug_alike_get_different_folders() -> None:
    # Same readable part, different identity: the hash keeps them apart.
    folders = {
        owner_id(i) for i in ("app:ana", "app:Ana", "jwt:ana", "iam:arn:aws:sts::1:assumed-role/R/ana")
    }
    assert len(folders) == 4


@pytest.mark.parametrize("owner", ["", "ana", "../x-0123456789abcdef0123456789abcdef", "ANA-" + "0" * 32])
def test_folders_refuse_anything_but_an_owner_id(owner: str) -> None:
    assert not is_owner_id(owner)
    with pytest.raises(ValueError, match="owner"):
        output_folder(owner, OutputKind.CODE)


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("20250121T220005.123Z_binary-search.py", True),
        ("20250121T220005.123Z.png", True),
        ("../20250121T220005.123Z.png", False),
        ("20250121T220005.123Z_a/b.py", False),
        ("20250121T220005Z_x.py", False),
        ("notes.txt", False),
        (".partial-abc", False),
    ],
)
def test_only_names_we_write_are_accepted_for_reading(name: str, ok: bool) -> None:
    assert is_output_name(name) is ok


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        ("```python\ndef f():\n    return 1\n```", "def f():\n    return 1\n"),
        ("Sure! Here it is:\n\n```py\nprint('hi')\n```\n\nThis prints hi.", "print('hi')\n"),
        ("```\nSELECT 1;\n```", "SELECT 1;\n"),
        ("no fences at all\nx = 1", "no fences at all\nx = 1\n"),
        ("```python\ndef cut_off(", "def cut_off(\n"),
        (
            "```bash\npip install x\n```\nthen\n```python\nimport x\nx.run()\nx.stop()\n```",
            "import x\nx.run()\nx.stop()\n",
        ),
        ("```c++\nint main() {}\n```", "int main() {}\n"),
        ("", ""),
        ("```python\n\n```", ""),
    ],
)
def test_extract_code_keeps_only_the_code(reply: str, code: str) -> None:
    assert extract_code(reply) == code


@pytest.mark.parametrize(
    ("reply", "lines", "summary"),
    [
        ("One.\nTwo.\nThree.", 2, "One.\nTwo."),
        ("- One.\n\n* Two.\n", 2, "One.\nTwo."),
        ("1. First\n2) Second\n3. Third", 3, "First\nSecond\nThird"),
        ("Only one line.", 3, "Only one line."),
        ("\n\n", 2, ""),
    ],
)
def test_limit_lines(reply: str, lines: int, summary: str) -> None:
    assert limit_lines(reply, lines) == summary


def test_stop_sequence_limit_matches_the_provider_layer() -> None:
    from backend.generators.schemas import MAX_STOP_SEQUENCES
    from backend.providers.params import MAX_STOP_SEQUENCES as PROVIDER_LIMIT

    assert MAX_STOP_SEQUENCES == PROVIDER_LIMIT


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("code_system", {"language_label": "Rust"}),
        ("code_user", {"language_label": "Rust", "instructions": "parse {json} safely"}),
        ("blog_system", {}),
        ("blog_user", {"words": 200, "topic": "Wind power"}),
        ("summary_system", {}),
        ("summary_user", {"lines": 3, "text": "a log with {braces}"}),
        ("poster_prompt", {"prompt": "a cat"}),
        ("poster_negative", {}),
    ],
)
def test_generator_prompts_are_shared_files_that_fill_every_placeholder(
    name: str, fields: dict[str, object]
) -> None:
    from backend.prompts import load_prompt

    template = load_prompt(name)
    filled = template.format(**fields)
    assert filled.strip()
    # User text containing braces is inserted verbatim, never re-interpreted as a placeholder.
    for value in fields.values():
        assert str(value) in filled
    assert "{" not in filled.replace("{json}", "").replace("{braces}", "")
