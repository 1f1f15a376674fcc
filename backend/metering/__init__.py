"""What a model call cost and how long it took: the price table, the per-answer figures, the meter."""
