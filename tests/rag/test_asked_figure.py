"""Table tests: which figure a question asks for, and whether a text states one of that kind."""

from __future__ import annotations

import pytest

from backend.rag.answer.asked_figure import asked_figure


@pytest.mark.parametrize(
    ("question", "kind", "described"),
    [
        (
            "how many massage therapy sessions can I get with health plus",
            "count",
            "a number of massage therapy sessions",
        ),
        ("How many days of bereavement leave can I take?", "count", "a number of days"),
        ("maternaty leave at catalyst how many weeks", "count", "a number of weeks"),
        ("How long do I have to file an appeal?", "count", "how long"),
        ("paternity leave at PW - how long?", "count", "how long"),
        ("What's the salary range for a Director of Sales?", "amount", "an amount"),
        ("standard plan urgent care copay", "amount", "an amount"),
        ("How much life insurance does Contoso provide?", "amount", "an amount"),
        ("how much does health plus cost per paycheck", "amount", "an amount"),
        ("how many more days of leave can I take?", "count", "a number of days"),  # "more" is no unit
        ("skilled nursing facility how many days northwind standard", "count", "a number of days"),
        ("What is the premium for Health Plus?", "amount", "an amount"),
        ("Health Plus out of pocket max", "limit", "a limit"),
        ("What is the meal limit per day?", "limit", "a limit"),  # "per day" is no count of days
        ("visit limit for physio", "count", "a number of visits"),
        ("maximum number of massage sessions", "count", "a number of sessions"),
        ("Health Plus dialysis coverage percentage", "amount", "an amount"),
        ("What's the in-network deductible on Health Plus?", "amount", "an amount"),
        ("chiropracter visits standard plan limit", "limit", "a limit"),  # visits not next to it
        ("What's the deadline to appeal?", "count", "how long"),
        ("Do I get comp off, and by when must I use it?", "count", "how long"),
        ("how soon will I hear back?", "count", "how long"),
        ("how much does the CEO make", "amount", "an amount"),
        ("how much can I put in an HSA", "amount", "an amount"),  # saving or claiming money
        ("how much can I claim for a gym membership", "amount", "an amount"),
        ("life insurance through contoso - how much coverage?", "amount", "an amount"),
        # a follow-up searched after the previous question asks what its own sentence asks
        ("Is massage covered? How many sessions can I get?", "count", "a number of sessions"),
    ],
)
def test_a_question_that_asks_for_a_figure(question: str, kind: str, described: str) -> None:
    asked = asked_figure(question)
    assert asked is not None
    assert asked.kind == kind
    assert asked.described() == described


@pytest.mark.parametrize(
    "question",
    [
        "how does the split copay for office visits work on standard",  # asks how, not how much
        # time claimed or put in is no money (a review, stop 19)
        "how much leave can I claim",
        "how much notice should I put in",
        "Does Health Plus cover a doula for my delivery?",
        "How much experience does Contoso want for its CFO?",
        "How much EL do I earn?",  # an accrual: left to the relevance gate
        "how many?",  # nothing is named as counted
        "Who does the VP of Sales report to?",
        "Is the premium plan better than the standard one?",  # "premium" as an adjective
        "How many massage therapy sessions can I get? Is it covered under Standard?",
        "is there a high deductible health plan option",  # "deductible" as an adjective
        "How do I pay my part of the health insurance premium?",  # asks how, not how much
    ],
)
def test_a_question_that_asks_for_no_figure(question: str) -> None:
    assert asked_figure(question) is None


@pytest.mark.parametrize(
    ("question", "text", "stated"),
    [
        ("how many acupuncture visits a year?", "Up to 12 acupuncture visits per year are covered.", True),
        (
            "how many acupuncture visits a year?",
            "Acupuncture visits are covered when medically necessary.",
            False,
        ),
        # a number next to something else is not a count of visits
        ("how many acupuncture visits a year?", "Acupuncture is covered for members over 18 years.", False),
        ("How many days of leave?", "Leave of 05 (Five) days is provided.", True),
        ("How many days of leave?", "Maternity leave is 26 (Twenty Six) weeks.", True),  # days given as weeks
        ("how many people are on the marketing team", "5+ years of experience in marketing.", False),
        ("How long do I have to appeal?", "You must appeal within sixty calendar days.", True),
        ("How long do I have to appeal?", "You must appeal in writing to the address below.", False),
        ("standard plan urgent care copay", "The copay is $50 per visit.", True),
        ("standard plan urgent care copay", "You pay 20% coinsurance after the deductible.", True),
        ("standard plan urgent care copay", "Hotel limit: INR 9,000", True),
        ("standard plan urgent care copay", "Urgent care is subject to a copay.", False),
        ("What's the salary range for a Director of Sales?", "The salary is competitive.", False),
        ("What is the copay for a preventive visit?", "Preventive care is covered in full.", True),
        ("How long is the notice period?", "You must give a week of notice.", True),  # "a" week
        ("How long is the notice period?", "Serve a one-month notice.", True),
        ("how many times can I see a chiropractor?", "Up to 20 visits per year.", True),
        ("how many times can I see a chiropractor?", "One check-up is covered once a year.", True),
        ("how many times can I see a chiropractor?", "Chiropractic care is covered.", False),
        ("how many chiropractor visits do I get?", "Each visit must be with a licensed chiropractor.", False),
        # "a" is a count only of a duration ("a week")
        ("how many chiropractor visits do I get?", "Book a visit with a chiropractor.", False),
        # care is counted in visits, sessions or treatments, whichever the policy says
        ("how many massage sessions a year?", "Up to 12 visits per year are covered.", True),
        ("how many physio visits?", "Physical therapy is limited to 20 sessions.", True),
        ("how many massage sessions a year?", "Massage is limited to 2 hours.", False),
        # a number of something per visit is no number of visits
        ("how many acupuncture visits?", "Services are limited to one hour per visit.", False),
        ("how many acupuncture visits?", "The plan pays up to $25 for each visit.", False),
        ("how many acupuncture visits?", "Up to 12 in-network visits per year.", True),
        ("Health Plus out of pocket max", "The out-of-pocket maximum is $4,000 per year.", True),
        ("Health Plus out of pocket max", "The maximum includes deductibles and copays.", False),
        ("What is the meal limit per day?", "Meals are limited to 3 per day.", True),  # a count will do
        ("What is the deadline for leave requests?", "Apply by 15 November.", True),  # or a date
        ("What is the deadline for leave requests?", "Apply by the end of the month.", True),
        ("What is the deadline for leave requests?", "Apply through the HR portal.", False),
        ("What's the deadline to appeal?", "Appeal within 60 days of the denial.", True),
        ("How many years of experience do I need?", "5+ years of experience in research.", True),
        # a long run of "1,1,1…" in a policy is scanned once
        ("How many days of leave?", "1," * 20_000 + " leave", False),
    ],
)
def test_whether_a_text_states_the_figure_asked_for(question: str, text: str, stated: bool) -> None:
    asked = asked_figure(question)
    assert asked is not None
    assert asked.stated_in(text) is stated


@pytest.mark.parametrize(
    ("question", "qualifier"),
    [
        ("How many work-from-home days per week are Catalyst employees allowed?", "work-from-home"),
        ("how many massage therapy sessions can I get with health plus", "massage therapy"),
        ("How many days of bereavement leave can I take?", ""),  # "of …" is left to retrieval
        ("how many more days of leave can I take?", ""),
        ("How long do I have to file an appeal?", ""),
    ],
)
def test_what_the_counted_thing_is_said_to_be(question: str, qualifier: str) -> None:
    asked = asked_figure(question)
    assert asked is not None
    assert asked.qualifier == qualifier
