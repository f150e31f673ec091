"""streams.worker.Worker: no terminal escapes when its output is a pipe or a file."""

from __future__ import annotations

import io

import faust

from streams.worker import Worker


def test_no_spinner_when_stdout_is_not_a_tty():
    """faust's spinner wrote "\\b" and ESC[?25h to a worker's piped output at start-up."""
    app = faust.App("spinner-test", broker="kafka://127.0.0.1:1")
    assert Worker(app, stdout=io.StringIO(), loglevel="WARNING").spinner is None
