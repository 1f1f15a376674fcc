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

# What people type instead of our keys; the seed document sends "python".
_ALIASES = {
    "py": "python",
    "python3": "python",
    "js": "javascript",
    "node": "javascript",
    "nodejs": "javascript",
    "ts": "typescript",
    "c#": "csharp",
    "cs": "csharp",
    "c++": "cpp",
    "golang": "go",
    "rs": "rust",
    "kt": "kotlin",
    "rb": "ruby",
    "sh": "bash",
    "shell": "bash",
}


class UnsupportedLanguageError(ValueError):
    """The requested language is not in ``LANGUAGES``; the message lists the supported keys."""


def supported_keys() -> list[str]:
    return list(LANGUAGES)


def resolve_language(name: str) -> Language:
    """The language for a key or a common alias, case-insensitively."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    try:
        return LANGUAGES[key]
    except KeyError:
        raise UnsupportedLanguageError(
            f"unsupported language {name.strip()[:40]!r}; choose one of: {', '.join(supported_keys())}"
        ) from None
