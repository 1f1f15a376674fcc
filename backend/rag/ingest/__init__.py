"""Ingestion: parse PDFs, clean pages, split into cited chunks, embed and write the index."""
