"""Table tests: the job title a question names, and whether the policies' short lines name it."""

from __future__ import annotations

import pytest

from backend.rag.answer.job_titles import named_title, unknown_title
from backend.rag.index.bm25 import tokenize

LINES = [
    frozenset(tokenize(line))
    for line in (
        "Senior Manager of Sales",
        "Customer Service Representative",
        "Chief Executive Officer",
        "Job Title: Sales Representative",
        "Chief Technology Officer",
    )
]


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("job description for a software engineer at contoso", "software engineer"),
        ("what does the Chief Marketing Officer do", "Chief Marketing Officer"),
        ("What salary does a sales representative earn?", "sales representative"),
        ("What qualifications does a sales manager need?", "sales manager"),
        ("What are the job duties of a Contoso sales representative?", "sales representative"),  # whose
        ("What does the CEO's executive assistant do?", "executive assistant"),
        ("What does the Chief Executive Officer do?", "Chief Executive Officer"),  # the last job word
    ],
)
def test_the_title_a_question_about_a_job_names(question: str, title: str) -> None:
    named = named_title(question, {"contoso"})
    assert named is not None
    assert named[0] == title


@pytest.mark.parametrize(
    "question",
    [
        "leave encashment calculation for consultants",  # not about a job
        "Who does my manager report to?",  # a job word alone says no title
        "What experience does an HR director need?",  # initials: no title to check
        "What does the Manager of Product Management do?",  # a title read the other way round
        # a title mentioned in passing, in a question about something else (a review, stop 19)
        "How many sick days do warehouse technicians get?",
        "Who do I report harassment to if my immediate supervisor is involved?",
        "Do I need a referral to see a heart specialist?",
    ],
)
def test_a_question_naming_no_checkable_title(question: str) -> None:
    assert named_title(question) is None


@pytest.mark.parametrize(
    ("question", "refused"),
    [
        ("job description for a software engineer", "software engineer"),
        ("what does the Chief Marketing Officer do", "Chief Marketing Officer"),
        ("What salary does a sales representative earn?", ""),  # a form field names it
        ("What qualifications does a senior sales manager need?", ""),  # "Senior Manager of Sales"
        ("What does the chief executive officer do?", ""),
        ("What does the Chief Technical Officer do?", ""),  # another ending of "technology"
        ("What are the duties of a line manager?", ""),  # the passages name it in a sentence
    ],
)
def test_a_title_no_line_of_the_policies_names_is_refused(question: str, refused: str) -> None:
    passages = "Leave is approved by your line manager. Forms go to HR."
    item = unknown_title(question, LINES, passages)
    assert (item.phrase if item else "") == refused
