"""HR's knowledge-gap report (unanswered questions grouped by topic) and the "Ask HR" hand-off queue."""
