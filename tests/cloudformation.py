"""Shared by the template tests: read a CloudFormation/SAM template, and run cfn-lint on it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from cfnlint.decode import decode


def load_template(path: Path) -> dict[str, Any]:
    template, matches = decode(str(path))
    assert not matches
    assert template is not None
    return dict(template)


def assert_cfn_lint_passes(path: Path) -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("cfn-lint")), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
