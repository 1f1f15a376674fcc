"""Code, blog, summary and poster generators behind the serverless API (see serverless/README.md)."""
