"""Failures of the generators that the API turns into a status code and one clear sentence."""

from __future__ import annotations


class InvalidRequestError(ValueError):
    """A request that passed schema validation but cannot be served (e.g. a model this API does not offer)."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"Invalid request: {field} {reason}.")


class ModelCallError(RuntimeError):
    """A model call failed; raised ``from`` the SDK error, which keeps its category."""

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id
        super().__init__(f"The call to {model_id} failed.")


class StorageError(RuntimeError):
    """Saving or reading an output failed; raised ``from`` the SDK or OS error."""

    def __init__(self, location: str, action: str) -> None:
        self.location = location
        self.action = action
        super().__init__(f"{action.capitalize()} {location} failed.")


class EmptyOutputError(RuntimeError):
    """The model answered, but with nothing we can save (e.g. no code at all)."""


class ImageGenerationUnavailableError(RuntimeError):
    """Image generation needs Amazon Bedrock; the offline provider has no image model."""

    MESSAGE = (
        "Image generation needs Amazon Bedrock: the offline mode has no image model. Set "
        "APP_PROVIDER=bedrock with AWS credentials that can invoke the configured image model "
        "(BEDROCK_IMAGE_MODEL_ID)."
    )

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)
