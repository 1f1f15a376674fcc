"""The on-disk index that ingestion writes and retrieval reads: FAISS vectors, chunks, BM25 arrays."""
