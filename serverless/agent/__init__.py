"""The banking agent's action group: a Lambda for Bedrock Agents, its OpenAPI schema and its template."""
