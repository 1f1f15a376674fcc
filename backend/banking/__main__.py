"""``python -m backend.banking seed``: create the account store and write the course's three rows."""

from __future__ import annotations

import sys

from backend.banking.cli import main

sys.exit(main())
