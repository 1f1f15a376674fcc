"""The prompt lab's service, over the shared chat model resources."""

from __future__ import annotations

from backend.appdb.lab_variants import LabVariantRepository
from backend.lab.library import VariantLibrary
from backend.lab.service import LabService, OnCall
from backend.lab.templates import load_templates
from backend.settings import Settings
from ui.chat_resources import chat_model
from ui.metering_resources import price_table
from ui.operator_resources import app_store


def lab_service(settings: Settings, on_call: OnCall | None = None) -> LabService:
    """A lab service whose models come from the cached engine or client (an ``AppTest`` injects a fake)."""

    return LabService(
        model_factory=lambda params: chat_model(settings, params),
        templates=load_templates(),
        prices=price_table(settings),
        default_model_id=settings.chat_model_choices[0],
        on_call=on_call,
    )


def variant_library(settings: Settings, owner: str) -> VariantLibrary:
    """The owner's saved variants in the app database."""
    return VariantLibrary(LabVariantRepository(app_store(settings)), owner, list(load_templates()))
