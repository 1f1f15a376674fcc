"""The programming languages the code generator accepts, with the file extension each output gets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    key: str
    label: str
    extension: str
    # The name st.code / Prism uses for syntax highlighting.
    highlight: str


LANGUAGES: dict[str, Language] = {
    lang.key: lang
    for lang in (
        Language("python", "Python", "py", "python"),
        Language("javascript", "JavaScript", "js", "javascript"),
        Language("typescript", "TypeScript", "ts", "typescript"),
        Language("java", "Java", "java", "java"),
        Language("csharp", "C#", "cs", "csharp"),
        Language("cpp", "C++", "cpp", "cpp"),
        Language("c", "C", "c", "c"),
        Language("go", "Go", "go", "go"),
        Language("rust", "Rust", "rs", "rust"),
        Language("kotlin", "Kotlin", "kt", "kotlin"),
        Language("swift", "Swift", "swift", "swift"),
        Language("ruby", "Ruby", "rb", "ruby"),
        Language("php", "PHP", "php", "php"),
        Language("scala", "Scala", "scala", "scala"),
        Language("bash", "Bash", "sh", "bash"),
        Language("sql", "SQL", "sql", "sql"),
    )
}


class UnsupportedLanguageError(ValueError):
    """The requested language is not in ``LANGUAGES``; the message lists the supported keys."""


def supported_keys() -> list[str]:
    return list(LANGUAGES)


def language_key(value: str) -> str:
    """``value`` if it is one of the API's language keys (the OpenAPI enum), else the error listing them."""
    if value in LANGUAGES:
        return value
    raise UnsupportedLanguageError(
        f"unsupported language {value[:40]!r}; choose one of: {', '.join(supported_keys())}"
    )
