"""The retail banking assistant: the account store, the agent service and the offline guided flow.

Importing this package costs nothing: the store, agent and guided-flow modules are imported by whoever
needs them (the action-group Lambda loads only ``accounts`` and ``dynamodb_store``).
"""
