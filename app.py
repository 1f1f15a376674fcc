"""GenAI Workbench: the router. ``streamlit run app.py`` starts here; see ``ui/app_shell.py``."""

from ui.app_shell import run_app

run_app()
