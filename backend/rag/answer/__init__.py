"""Answering: grounded prompts, extractive offline answers, citation and number checks, refusal."""
