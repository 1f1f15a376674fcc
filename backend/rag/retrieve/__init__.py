"""Retrieval: hybrid dense + BM25 search over the local index, or Bedrock Knowledge Base / Rerank."""
