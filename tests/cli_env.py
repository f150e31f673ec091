"""The environment for a ``callstream`` subprocess under test."""

from __future__ import annotations

import os
from collections.abc import Mapping


def cli_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any CALLSTREAM_* variable, plus ``extra`` (full names).

    A developer's or CI's CALLSTREAM_* settings (a broker address, a data dir, ports) must not leak
    into the process under test: it sees only the ones the test gives it.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLSTREAM_")}
    return env | dict(extra or {})
