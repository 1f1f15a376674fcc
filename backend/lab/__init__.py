"""The prompt lab: course prompt templates as files, prompt assembly, variants, and running them."""
