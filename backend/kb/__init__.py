"""Knowledge Base Q&A: answers from a Bedrock Knowledge Base (RetrieveAndGenerate) or, offline, from the
local index over the shipped course notes, with one request and response shape for both.

Only ``types``, ``translate``, ``errors`` and ``service`` go into the Lambda bundle; ``local`` and
``policy_sync`` are for the app process.
"""
