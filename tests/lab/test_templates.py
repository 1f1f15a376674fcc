from __future__ import annotations

import pytest

from backend.lab.templates import (
    LabTemplateError,
    PromptError,
    assemble_prompt,
    choose_examples,
    load_templates,
    parse_template,
)

SHOP = parse_template(
    "shop",
    """
title = "Shop"
instruction = "Describe the product."
example = "Product: {product}\\nDescription: {description}"
query = "Product: {product}\\nDescription:"
[[variables]]
name = "product"
label = "Product"
default = "T-shirt"
[[examples]]
label = "Dress"
product = "Women's Boho Beach Dress"
description = "Light and airy."
[[examples]]
label = "Tee"
product = "Humor Men's Graphic T-Shirt"
description = "Soft and funny."
[[examples]]
label = "Bag"
product = "Camp Director Crossbody Bag"
description = "Rugged canvas."
""",
)

ZERO = "Describe the product.\n\nProduct: T-shirt\nDescription:"
DRESS = "Product: Women's Boho Beach Dress\nDescription: Light and airy."
TEE = "Product: Humor Men's Graphic T-Shirt\nDescription: Soft and funny."
BAG = "Product: Camp Director Crossbody Bag\nDescription: Rugged canvas."


@pytest.mark.parametrize(
    ("shots", "picked", "expected"),
    [
        ("zero", ["Dress", "Tee"], ZERO),
        ("one", ["Tee"], f"Describe the product.\n\n{TEE}\n\nProduct: T-shirt\nDescription:"),
        ("one", [], f"Describe the product.\n\n{DRESS}\n\nProduct: T-shirt\nDescription:"),
        (
            "few",
            ["Bag", "Dress"],  # list order, not pick order
            f"Describe the product.\n\n{DRESS}\n\n{BAG}\n\nProduct: T-shirt\nDescription:",
        ),
        (
            "few",
            ["Dress", "Tee", "Bag"],
            f"Describe the product.\n\n{DRESS}\n\n{TEE}\n\n{BAG}\n\nProduct: T-shirt\nDescription:",
        ),
        ("few", [], ZERO),
        ("few", ["Nope"], ZERO),
    ],
)
def test_zero_one_and_few_shot_prompts_are_exact(shots: str, picked: list[str], expected: str) -> None:
    examples = choose_examples(SHOP, shots, picked)  # type: ignore[arg-type]
    assert assemble_prompt(SHOP, {}, examples) == expected


@pytest.mark.parametrize(
    ("values", "expected_query"),
    [
        ({"product": "Wool scarf"}, "Product: Wool scarf\nDescription:"),
        ({"product": "Mug {size}"}, "Product: Mug {size}\nDescription:"),  # braces in values stay literal
        ({"product": "Scarf", "unknown": "x"}, "Product: Scarf\nDescription:"),
    ],
)
def test_values_fill_the_variables(values: dict[str, str], expected_query: str) -> None:
    assert assemble_prompt(SHOP, values) == f"Describe the product.\n\n{expected_query}"


def test_a_blank_variable_is_one_sentence_naming_it() -> None:
    with pytest.raises(PromptError, match="Fill in “Product”"):
        assemble_prompt(SHOP, {"product": "  "})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('title = "x"\nquery = "{missing}"', "undeclared variable 'missing'"),
        ('title = "x"\nquery = "q"\nexample = "{a}"\n[[examples]]\nlabel = "e"', "lacks 'a'"),
        ('title = "x"\nquery = "q"\n[[examples]]\nlabel = "e"', "no example format"),
        ('title = "x"', "query"),
        ("title = ", "not valid TOML"),
    ],
)
def test_malformed_templates_are_refused_with_a_sentence(text: str, message: str) -> None:
    with pytest.raises(LabTemplateError, match=message):
        parse_template("bad", text)


def test_the_shipped_course_templates() -> None:
    templates = load_templates()
    assert list(templates)[:2] == ["product_description", "review_summary"]
    assert {"hippo_good", "hippo_bad", "role_email", "sentiment_few_shot", "image_prompt"} <= set(templates)
    product = templates["product_description"]
    assert product.example_labels == [
        "Women's Boho Beach Dress",
        "Humor Men's Graphic T-Shirt",
        "Camp Director Crossbody Bag",
    ]
    summary = assemble_prompt(templates["review_summary"], {"review": "Great boots.", "lines": "2"})
    assert summary.endswith("Review:\nGreat boots.\n\nSummarize the above review in 2 lines.")
    good = assemble_prompt(templates["hippo_good"], {})
    bad = assemble_prompt(templates["hippo_bad"], {})
    assert "I don't know" in good
    assert "I don't know" not in bad
    assert good.endswith(f"Question: {bad}")
    email = assemble_prompt(templates["role_email"], {"text_category": "memo", "role": "a pirate"})
    assert email.startswith("Please write a memo in the voice of a pirate.\n\n")
    image = assemble_prompt(templates["image_prompt"], {})
    assert image.startswith("An image of ")
    assert templates["image_prompt"].kind == "image"
    sentiment = templates["sentiment_few_shot"]
    few = assemble_prompt(sentiment, {}, choose_examples(sentiment, "few", sentiment.example_labels))
    assert few.count("Sentiment:") == len(sentiment.examples) + 1
