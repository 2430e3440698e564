"""Running the command line inside a test, as ``plan-rules ARGS`` would run."""

from __future__ import annotations

import pytest

from plan_rules import cli


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``plan-rules ARGS``: its exit code, standard output and standard error."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
