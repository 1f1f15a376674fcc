"""The HR page end to end with the real offline models over the shipped sample policies (no fakes).

The issue's three questions: hotel limits by city tier, earned leave by years of service, and the hotel
question asked third in a conversation, which must get the same cited answer as in a new chat.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from backend.settings import Settings
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.local_model

PAGE = "pages/hr_policy_qa.py"
HOTEL = "How much can I spend on a hotel per night when travelling?"
TRAVEL_CITATION = "[acme_travel_expense_policy.pdf#page=1]"


@pytest.fixture
def sample_settings(app_settings: Settings) -> Settings:
    shutil.copytree(
        REPO_ROOT / "data" / "policies", app_settings.policies_dir, ignore=shutil.ignore_patterns("src")
    )
    return app_settings


def ask(at: AppTest, question: str) -> str:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return [m for m in at.chat_message if m.name == "assistant"][-1].markdown[0].value


def test_the_hotel_question_third_gets_the_same_cited_answer_as_alone(
    open_page: Callable[..., AppTest], sample_settings: Settings, tmp_path: Path
) -> None:
    at = open_page(PAGE, {"settings": sample_settings}, timeout=240)

    earned = ask(at, "How many days of earned leave do I get per year?")
    assert "More than 5 years: Earned leave per year 24 days" in earned
    assert "[acme_leave_policy.pdf#page=1]" in earned
    follow_up = ask(at, "and after 5 years?")
    assert "24 days" in follow_up
    third = ask(at, HOTEL)

    assert "Tier 1 cities Mumbai, Delhi, Bengaluru: INR 9,000" in third
    assert TRAVEL_CITATION in third

    fresh = open_page(PAGE, {"settings": sample_settings}, timeout=240)
    assert ask(fresh, HOTEL) == third
