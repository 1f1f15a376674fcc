"""Table tests: the item a coverage question names, and whether a text mentions it."""

from __future__ import annotations

from typing import Any

import pytest

from backend.rag.answer.asked_item import (
    AskedItem,
    asked_item,
    item_in,
    item_mentioned,
    owner_sources,
    unmentioned_item,
)
from backend.rag.answer.named_documents import named_files, naming_words
from backend.rag.answer.terms import question_term_weights, term_coverage
from backend.rag.retrieve.owners import owned_files, owner_groups
from backend.rag.types import Chunk, ScoredChunk


class Rarity:
    """Term statistics where the listed words are rare (high IDF) and every other word is common."""

    def __init__(self, rare: set[str]) -> None:
        self.rare = rare

    def idf(self, term: str) -> float | None:
        return 6.0 if term in self.rare else 1.0

    def query_terms(self, text: str) -> list[str]:
        from backend.rag.index.bm25 import tokenize

        return list(dict.fromkeys(tokenize(text)))


@pytest.mark.parametrize(
    ("question", "phrase", "alternatives"),
    [
        ("Does Health Plus cover a doula for my delivery?", "doula", ("a doula",)),
        ("Does PerksPlus cover pet insurance?", "pet insurance", ("pet insurance",)),
        ("Does Contoso offer pet insurance as an employee benefit?", "pet insurance", ("pet insurance",)),
        (
            "Is laser hair removal covered as part of gender care?",
            "laser hair removal",
            ("laser hair removal",),
        ),
        ("Are allergy shots covered under Health Plus?", "allergy shots", ("allergy shots",)),
        (
            "Does Health Plus cover IVF or other fertility treatment?",
            "IVF or other fertility treatment",
            ("IVF", "other fertility treatment"),
        ),
        (
            "Would the perk pay for scuba lessons or a snowboarding class?",
            "scuba lessons or a snowboarding class",
            ("scuba lessons", "a snowboarding class"),
        ),
        (
            "I'm joining a trial. Will Standard pay for my travel?",
            "travel",
            ("my travel",),
        ),  # the last sentence
        # a list names alternatives
        (
            "Does Health Plus cover glasses, contacts, or LASIK?",
            "glasses, contacts, or LASIK",
            ("glasses", "contacts", "LASIK"),
        ),
        # spending a benefit on something, being reimbursed for it, whether one exists at all
        (
            "Can I use PerksPlus to buy a standing desk for my home office?",
            "standing desk",
            ("a standing desk",),
        ),
        ("Can I claim my gym fees on PerksPlus?", "gym fees", ("my gym fees",)),  # ends at "on"
        ("how do I get reimbursed for mileage when I drive", "mileage", ("mileage",)),
        # a second question after the item is no part of it
        ("Does the company offer life insurance, and how much?", "life insurance", ("life insurance",)),
        # whom a plan covers, and what a person receives
        ("Can I add my domestic partner to Health Plus?", "domestic partner", ("my domestic partner",)),
        ("What bonus does a Contoso Manager of Sales get?", "bonus", ("bonus",)),
        # what a plan or employer provides, asked with "what"; what a plan gives
        ("What life insurance does Contoso provide?", "life insurance", ("life insurance",)),
        ("what kind of fertility care does Standard cover", "fertility care", ("fertility care",)),
        # …and with "how much": how much of the item a plan or employer gives
        (
            "How much relocation assistance does Contoso provide?",
            "relocation assistance",
            ("relocation assistance",),
        ),
        (
            "Does Northwind Standard give a discount on gym memberships?",
            "discount",
            ("a discount",),
        ),
        # a run of spaces (untrusted input) is one space: read once, not once per starting position
        ("Is a" + " " * 20_000 + "doula covered?", "doula", ("a doula",)),
        # Only words reach the refusal sentence: no link or emphasis from the question is echoed.
        ("Does it cover **bold** [x](http://example.com)?", "bold x", ("bold x",)),
    ],
)
def test_the_item_a_coverage_question_names(
    question: str, phrase: str, alternatives: tuple[str, ...]
) -> None:
    item = asked_item(question)
    assert item is not None
    assert item.phrase == phrase
    assert item.alternatives == alternatives


@pytest.mark.parametrize(
    "question",
    [
        "What's the in-network deductible if I cover my whole family?",  # not worded as a coverage question
        "How many days do I get?",
        "Does Health Plus cover?",  # no item
        "Can I use my remaining leave during notice?",  # using leave is not spending a benefit on an item
        # a generic head noun ("way") is no coverage item, and "any way to …" is no search for a topic
        "Is there any way to encash unused EL at Physics Wallah?",
        "What is there to know about the dental plan?",
        # an offline follow-up is searched after the previous question; what it asks is its own
        "How many massage therapy sessions can I get? Is it covered under Standard?",
    ],
)
def test_questions_naming_no_covered_item_or_kind_of_leave_name_no_item(question: str) -> None:
    assert asked_item(question) is None


RARE = Rarity(
    {
        "pet",
        "doula",
        "chemo",
        "chemotherapy",
        "ivf",
        "fertility",
        "lasik",
        "hair",
        "loss",
        "vaccine",
        "travel",
    }
)


@pytest.mark.parametrize(
    ("question", "text", "mentioned"),
    [
        ("Does Health Plus cover a doula?", "Maternity care covers delivery and midwives.", False),
        ("Does Health Plus cover a doula?", "Doulas are not covered.", True),  # plural folded
        ("Is chemo covered?", "Chemotherapy is covered when medically necessary.", True),  # a prefix
        # but a shorter word in the text is another word
        ("Do I get birthday leave?", "Leave falling before or after the birth of a child.", False),
        # the common half of a rare item is not a mention of it
        ("Does PerksPlus cover pet insurance?", "Workers' compensation insurance covers injuries.", False),
        ("Does PerksPlus cover pet insurance?", "Pet insurance is not a PerksPlus expense.", True),
        # one alternative mentioned is enough
        ("Does Health Plus cover IVF or other fertility treatment?", "Fertility treatment is covered.", True),
        ("Does Health Plus cover IVF?", "Fertility treatment is covered.", False),
        ("Does Standard cover LASIK?", "Vision exams are covered once a year.", False),
        # a short word is mentioned by its inflections: "ski" in "Skiing"
        ("Can I use PerksPlus for ski lessons?", "Skiing and snowboarding lessons are covered.", True),
        ("Can I use PerksPlus for ski lessons?", "Sketching lessons are not covered.", False),
        # only a short word's own inflections: "care" is not mentioned by "career"
        ("Does PerksPlus cover child care?", "Career coaching for your child is covered.", False),
        # half of an item is not a mention of it: "duty" alone is not jury duty
        ("jury duty leave at Catalyst", "Resume your duty when the leave ends.", False),
        ("jury duty leave at Catalyst", "Jury duty leave is paid.", True),
        # an item of several words is mentioned by them together, not scattered over the page
        (
            "is hair loss treatment covered?",
            "Facial hair removal is not covered. Weight loss programs are covered.",
            False,
        ),
        ("is hair loss treatment covered?", "Treatment for hair loss is covered.", True),
        ("Does Health Plus cover travel vaccines?", "Vaccines during prenatal care are covered.", False),
        ("Does Health Plus cover travel vaccines?", "Vaccines for travel abroad are covered.", True),
        # a word is mentioned by another ending on a stem of five letters or more
        ("Is a personal trainer covered by PerksPlus?", "Personal training sessions are covered.", True),
        ("Does PerksPlus cover a personal shopper?", "Personal shopping trips are covered.", True),
        ("Does Health Plus cover a caterer?", "Catering is covered.", True),
        ("Does Health Plus cover a rider?", "Riding lessons are covered.", False),  # "rid" is too short
    ],
)
def test_whether_a_text_mentions_the_item(question: str, text: str, mentioned: bool) -> None:
    item = asked_item(question)
    assert item is not None
    assert item_mentioned(item, text, RARE) is mentioned


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("jury duty leave at Catalyst", ("jury duty",)),
        ("Is there sabbatical leave at Physics Wallah?", ("sabbatical",)),
        ("Does Catalyst give paternity leave to adoptive parents?", ("paternity",)),  # "give" is no kind
        # "catalyst" names the policy; "marriage / wedding" are alternatives
        ("catalyst leave for marriage / wedding leave", ("marriage", "wedding")),
        ("What is female special care leave?", ("special care",)),  # at most two words
        ("How many earned leaves can I carry over?", ("earned",)),
        ("Can I take two days of jury duty leave?", ("jury duty",)),
        ("Can I take sick or casual leave during my notice?", ("sick", "casual")),  # either answers
        ("comp-off/casual leave rules", ("comp-off", "casual")),
        ("Is there a wedding leave at Catalyst?", ("wedding",)),  # a kind of leave, not a covered item
        ("physics wallah study leave for exams", ("study",)),  # two words of one name are no kind
        ("Physics Wallah's study leave", ("study",)),  # a possessive is no word
        ("can I take sick, casual or earned leave?", ("sick", "casual", "earned")),
        # the verb of a coverage question is no kind of leave
        ("Does Catalyst provide bereavement leave?", ("bereavement",)),
        ("Does Catalyst offer paternity leave?", ("paternity",)),
        # what counts as a kind is no part of it
        ("What is considered unplanned leave at Catalyst?", ("unplanned",)),
        # comparing or explaining a kind is no part of it
        ("compare maternity leave at catalyst vs physics wallah", ("maternity",)),
        ("difference between sick leave and casual leave at Catalyst", ("sick", "casual")),
        ("explain paternity leave at catalyst", ("paternity",)),
        # a kind named by its purpose
        ("Does Physics Wallah give leave for jury duty?", ("jury duty",)),
        ("Do I get a day off to vote at Physics Wallah?", ("vote",)),
        ("do I get a day off on my birthday at Catalyst", ("birthday",)),
        ("do I get time off for my wedding", ("wedding",)),
    ],
)
def test_the_kind_of_leave_a_question_asks_about(question: str, kinds: tuple[str, ...]) -> None:
    item = asked_item(question, document_names={"catalyst", "physicswallah", "leave", "policy"})
    assert item is not None
    assert item.kind == "leave"
    assert item.alternatives == kinds


def test_what_the_asker_must_provide_for_a_kind_of_leave_asks_about_the_leave() -> None:
    item = asked_item("What documents do I need to provide for sick leave?")
    assert item is not None
    assert (item.kind, item.alternatives) == ("leave", ("sick",))


def test_the_leave_of_a_kind_listed_before_another_is_no_kind() -> None:
    # "study leave or exam leave": the word before "or" is "leave", which names no kind.
    item = asked_item("is there study leave or exam leave at Physics Wallah", {"physics", "wallah"})
    assert item is not None
    assert (item.kind, item.alternatives) == ("leave", ("study", "exam"))


@pytest.mark.parametrize(
    "question",
    [
        "What is leave without pay?",
        "Do I get any extra leave for seniority?",  # more leave for a reason: who gets it, no kind
        "Can I take leave for 3 days?",  # a figure is no purpose
        # how long, how or when leave is taken is no purpose (a review, stop 20)
        "Can I take leave for a fortnight at Catalyst?",
        "Can I apply for leave on email at Catalyst?",
        "Can I leave for lunch early?",
        "Do I get leave for personal reasons at Catalyst?",
        "Is there leave on Sundays?",
        "How do I apply for leave?",
        # how much, which, or what happens to leave is no kind of leave
        "What happens to unused leave at Physics Wallah?",
        "Can I cancel approved leave?",
        "Does PW allow leave encashment?",
        "Can I combine two leave types?",
        "a" * 20_000 + " leave",
    ],
)
def test_a_question_about_leave_in_general_names_no_kind(question: str) -> None:
    assert asked_item(question) is None


def passage(file: str, title: str, text: str) -> ScoredChunk:
    return ScoredChunk(Chunk(f"{file}:1", file, 1, title, "", text, "0" * 64), 0.6)


CATALYST = passage("catalyst_leave_policy.pdf", "Catalyst HR Policies", "Sick leave needs a certificate.")
PW = passage("physicswallah_leave_policy.pdf", "Leave Policy", "Wedding leave is 3 days.")


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("wedding leave at Catalyst", {"catalyst_leave_policy.pdf"}),
        ("physics wallah wedding leave", {"physicswallah_leave_policy.pdf"}),  # two words, one name
        ("wedding leave at PW", set()),  # initials name nothing (the corpus spells them out first)
        ("how much leave do I get", set()),  # "leave" is in both names: it names neither
        ("What is the HR policy on wedding leave?", set()),  # "HR" says what a document is, not whose
    ],
)
def test_which_retrieved_documents_a_question_names(question: str, named: set[str]) -> None:
    assert named_files(question, [CATALYST, PW]) == named


@pytest.mark.parametrize(
    ("question", "naming"),
    [
        ("wedding leave at Catalyst", {"catalyst_leave_policy.pdf": "Catalyst"}),
        ("physics wallah wedding leave", {"physicswallah_leave_policy.pdf": "physics wallah"}),
        ("how much leave do I get", {}),  # "leave" is in both names
        (
            "Catalyst or Physics Wallah?",
            {"catalyst_leave_policy.pdf": "Catalyst", "physicswallah_leave_policy.pdf": "Physics Wallah"},
        ),
    ],
)
def test_the_words_that_name_each_retrieved_document(question: str, naming: dict[str, str]) -> None:
    assert naming_words(question, [CATALYST, PW]) == naming


DOCUMENTS = {
    "employee_handbook.pdf": "Contoso Electronics Employee Handbook",
    "Northwind_Health_Plus_Benefits_Details.pdf": "Contoso Electronics Northwind Health Plus Plan",
    "Northwind_Standard_Benefits_Details.pdf": "Contoso Electronics Northwind Health Standard Plan",
    "catalyst_leave_policy.pdf": "Catalyst HR Policies",
    "physicswallah_leave_policy.pdf": "Leave Policy",
}
CONTOSO = {"employee_handbook.pdf", *(f for f in DOCUMENTS if f.startswith("Northwind"))}


def test_owners_are_the_name_words_that_name_the_most_documents_but_not_all() -> None:
    groups = owner_groups(DOCUMENTS)
    assert groups["contoso"] == CONTOSO
    assert groups["catalyst"] == {"catalyst_leave_policy.pdf"}
    assert groups["physicswallah"] == {"physicswallah_leave_policy.pdf"}
    # names of a part of one owner's documents are no owner's; kinds of document are nobody's name
    assert not {"northwind", "plus", "standard", "health", "policy", "leave", "hr"} & set(groups)
    # one employer's documents alone have no owner to tell apart
    assert owner_groups({f: DOCUMENTS[f] for f in CONTOSO}) == {}


def test_a_name_word_another_document_uses_in_its_text_is_no_owner() -> None:
    documents = {"remote_work.pdf": "Remote Work", "travel_2025.pdf": "Travel 2025", "leave.pdf": "Leave"}
    texts = [
        ("remote_work.pdf", "Staff may work remotely three days a week."),
        ("travel_2025.pdf", "Book travel through the portal."),
        ("leave.pdf", "Remote staff take leave for work travel like everyone; 2025 holidays are listed."),
    ]
    assert "remote" in owner_groups(documents)  # by names alone it would look like one
    assert owner_groups(documents, texts) == {}


@pytest.mark.parametrize(
    ("question", "files"),
    [
        ("sabbatical policy contoso", CONTOSO),
        ("half day leave at Catalyst?", {"catalyst_leave_policy.pdf"}),
        ("physics wallah wedding leave", {"physicswallah_leave_policy.pdf"}),  # two words, one name
        ("Does Health Plus cover a doula?", set()),  # a plan names no other employer
        ("how much leave do I get", set()),
    ],
)
def test_the_files_of_the_owner_a_question_names(question: str, files: set[str]) -> None:
    assert owned_files(question, owner_groups(DOCUMENTS)) == files


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("Northwind Standard pet insurance?", "pet insurance"),
        ("dress code at contoso electronics?", "dress code"),  # ends where it says where
        ("employee stock purchase plan contoso", "stock purchase"),  # what any policy says of itself
        ("Health Plus dialysis coverage percentage", "dialysis"),  # what a figure is counted in
        # a search worded as a question
        ("what is the bonus structure for sales managers at contoso", "bonus structure"),
        ("is there a tuition reimbursement program", "tuition reimbursement"),
        ("does contoso have a sabbatical policy?", "sabbatical"),
        ("mobile phone bill reimbursement", "mobile phone bill reimbursement"),  # four terms, one topic
        ("contoso mission statement", "mission"),  # a statement of the mission is the mission
        # one word after "for" or "from" says what the topic is of; "at …" says where
        ("notice period for resignation at physicswallah", "notice for resignation"),
        ("does contoso have a work from home policy", "work from home"),
        # what a role "needs" is what it requires: no word of the topic
        ("qualifications needed for Director of Human Resources", "qualifications"),
        # an employer's own policy, named with a possessive
        ("what is Contoso's remote work policy", "remote work"),
        # when or where something is, a list of it, and how to do something with it
        ("when is the holiday party", "holiday party"),
        # a topic named only as a policy is what it is on
        ("What is Contoso's policy on dating a coworker?", "dating coworker"),
        ("what are the rules for overtime pay", "overtime pay"),
        ("list of holiday dates at catalyst this year", "holiday dates"),
        ("where is the nearest in-network hospital", "in-network hospital"),  # which one: no topic word
        ("what's the notice period if I resign", "notice"),  # a clause after the topic says when
    ],
)
def test_a_question_typed_as_a_search_names_its_topic(question: str, phrase: str) -> None:
    item = asked_item(
        question, {"northwind", "standard", "health", "plus", "contoso", "electronic", "physicswallah"}
    )
    assert item is not None
    assert (item.phrase, item.kind) == (phrase, "topic")


@pytest.mark.parametrize(
    "question",
    [
        "explain the dress code to me",  # a sentence: left to the gate and the other rules
        "leave encashment calculation for consultants at the end of service",  # too long for a search
        "tell me about pet insurance",
        "what is the out of pocket max on northwind health plus for a family",  # too long for a search
        # how to do something, and when to, are sentences (a review, stop 19)
        "how do I file a claim",
        "How do I submit my PerksPlus receipts?",
        "when is the best time to request vacation",
        "when is the earliest I can retire",
        "when is the deadline to enroll",  # a deadline says when, not what
        "Is there a deadline to submit a claim?",
        "deadline for filing a claim",
        # what the asker must provide or has is no item a plan provides
        "What options do I have if my claim is denied?",
        "What rights do I have under the anti-harassment policy?",
        "what percentage does Northwind Standard cover for hospital stays",  # a figure, no item
        "how much money does PerksPlus give",  # how much money is an amount, no item
        "how many visits does Northwind Standard cover",  # what is counted is a unit, no item
        "How much notice does Catalyst give for leave approval?",  # how much time, no item
        "What exactly do I get with PerksPlus?",  # a filler word is no item (a review, stop 20)
        "What else do Contoso employees get with PerksPlus?",
    ],
)
def test_a_question_worded_as_a_sentence_names_no_topic(question: str) -> None:
    assert asked_item(question) is None


@pytest.mark.parametrize(
    ("text", "mentioned"),
    [
        ("Research managers need 7 years of relevant experience.", True),  # any order, one sentence
        ("The manager approves leave. Experience counts for promotions.", False),  # two sentences
    ],
)
def test_a_topic_is_mentioned_by_its_terms_in_one_sentence(text: str, mentioned: bool) -> None:
    item = asked_item("manager experience")
    assert item is not None
    assert item_mentioned(item, text, Rarity({"experience", "manager"})) is mentioned


def unmentioned(question: str, sources: list[ScoredChunk], neighbours: Any = None) -> AskedItem | None:
    return unmentioned_item(item_in(question, sources), question, sources, [], None, neighbours)


def test_a_kind_of_leave_must_be_in_the_named_employers_policy() -> None:
    # Physics Wallah's wedding leave does not answer a question about Catalyst's.
    catalyst = unmentioned("wedding leave at Catalyst", [CATALYST, PW])
    assert catalyst is not None
    assert catalyst.phrase == "wedding leave"
    assert unmentioned("wedding leave at Physics Wallah", [CATALYST, PW]) is None
    assert unmentioned("wedding leave at PW", [CATALYST, PW]) is None  # no name: every passage


@pytest.mark.parametrize(
    ("question", "owned"),
    [
        ("wedding leave at Physics Wallah", [PW]),  # Catalyst's wedding leave is no answer
        ("sick leave at catalyst - is a certificate needed?", [CATALYST]),
        ("wedding leave at Acme", [CATALYST, PW]),  # a name no retrieved policy has: all of them
        ("How do I claim travel expenses at Physics Wallah?", [CATALYST, PW]),  # no kind of leave
    ],
)
def test_a_kind_of_leave_is_answered_from_the_named_employers_policy(
    question: str, owned: list[ScoredChunk]
) -> None:
    assert owner_sources(item_in(question, [CATALYST, PW]), question, [CATALYST, PW]) == owned


class OnePage:
    """Neighbours: every passage of one page."""

    def __init__(self, *chunks: Chunk) -> None:
        self.chunks = chunks

    def page_chunks(self, file: str, page: int) -> list[Chunk]:
        return [c for c in self.chunks if (c.file, c.page) == (file, page)]

    def next_chunk(self, chunk: Chunk) -> Chunk | None:
        return None


def test_an_item_mentioned_elsewhere_on_a_retrieved_page_is_mentioned() -> None:
    # Retrieval returns one passage per page; the table naming birthday leave is another passage of it.
    table = Chunk(
        "physicswallah_leave_policy.pdf:1:3",
        PW.chunk.file,
        1,
        "Leave Policy",
        "",
        "BL - Birthday Leave",
        "0" * 64,
    )
    question = "physics wallah birthday leave"
    assert unmentioned(question, [CATALYST, PW]) is not None
    assert unmentioned(question, [CATALYST, PW], OnePage(PW.chunk, table)) is None


def test_a_long_run_of_kinds_of_leave_is_read_once() -> None:
    # The question is untrusted: each "leave" looks back only a few words for listed kinds, so this
    # reads in milliseconds (searching the whole prefix each time took 1.4 s at this length).
    item = asked_item("sick leave " * 2_000)
    assert item is not None
    assert item.alternatives == ("sick",)


@pytest.mark.parametrize(
    ("question", "text", "coverage"),
    [
        ("who does the VP report to", "REPORTING TO: Chief Executive Officer", 0.5),  # an inflection
        ("who does the VP report to", "Prepare sales reports", 0.5),  # a plural
        ("what does perksplus reimburse", "the reimbursement program", 0.0),  # a prefix is no inflection
        ("can I swim", "swimming lessons", 1.0),
        ("is care included", "career planning", 0.0),
        ("company car", "time off for caring for a family member", 0.0),  # three letters: itself only
    ],
)
def test_term_coverage_counts_a_terms_inflections(question: str, text: str, coverage: float) -> None:
    weights = question_term_weights(question, None)
    assert term_coverage(weights, text, None) == pytest.approx(coverage)


class Vocabulary(Rarity):
    """Term statistics of a corpus that never uses the listed words (no IDF), and uses every other."""

    def __init__(self, unused: set[str]) -> None:
        super().__init__(set())
        self.unused = unused

    def idf(self, term: str) -> float | None:
        return None if term in self.unused else 3.0


AMBULANCE = passage(
    "standard.pdf",
    "Northwind Standard",
    "Northwind Standard covers ambulance transport to the nearest hospital.",
)


Calls = list[tuple[list[str], list[str]]]


def in_other_words(
    question: str, source: ScoredChunk, unused: set[str], cosines: dict[str, float]
) -> tuple[AskedItem | None, Calls]:
    """``unmentioned_item`` for ``question`` over ``source``, in a corpus that never uses ``unused``,
    with a similarity that gives each phrase its cosine with every text; and the calls it got."""
    calls: Calls = []

    def similarity(phrases: Any, texts: Any) -> list[list[float]]:
        calls.append((list(phrases), list(texts)))
        return [[cosines[p]] * len(texts) for p in phrases]

    item = item_in(question, [source])
    return unmentioned_item(item, question, [source], [], Vocabulary(unused), None, similarity), calls


AMBULANCE_RIDES = "Does Northwind Standard cover ambulance rides?"


@pytest.mark.parametrize(
    ("asked", "alone", "refused"),
    [
        (0.7, 0.65, False),  # means nearly the same, and more than "ambulance" alone
        (0.6, 0.5, True),  # not close enough
        (0.7, 0.9, True),  # the shared word alone is closer: "rides" adds nothing found
    ],
)
def test_an_item_with_a_word_no_policy_uses_may_be_named_in_other_words(
    asked: float, alone: float, refused: bool
) -> None:
    # "rides" is in no policy; a sentence with "ambulance" that means nearly the same names the item.
    cosines = {"ambulance rides": asked, "ambulance": alone}
    missing, calls = in_other_words(AMBULANCE_RIDES, AMBULANCE, {"ride"}, cosines)
    assert (missing is not None) is refused
    sentence = "Northwind Standard covers ambulance transport to the nearest hospital."
    assert calls == [(["ambulance rides", "ambulance"], [sentence])]


def test_a_heading_is_not_compared_as_a_sentence() -> None:
    heading = passage("standard.pdf", "Northwind Standard", "Ambulance\nAmbulance")
    missing, calls = in_other_words(AMBULANCE_RIDES, heading, {"ride"}, {"ambulance rides": 1.0})
    assert missing is not None
    assert calls == []


@pytest.mark.parametrize(
    ("question", "unused"),
    [
        ("Does Northwind Standard cover a doula?", {"doula"}),  # no word a policy uses: nothing to compare
        ("Does Northwind Standard cover pet insurance?", set()),  # every word used: the words decide
        ("Is there sabbatical leave at Catalyst?", {"sabbatical"}),  # each policy names its own kinds
    ],
)
def test_other_words_are_not_looked_for_when_the_item_has_no_word_to_stand_for(
    question: str, unused: set[str]
) -> None:
    missing, calls = in_other_words(question, AMBULANCE, unused, {})
    assert missing is not None
    assert calls == []
