"""The serverless generation API (FastAPI app + Lambda handler); see serverless/README.md."""
