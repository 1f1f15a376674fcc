"""Evaluation of retrieval and of the answers people read, on held-out question sets."""
