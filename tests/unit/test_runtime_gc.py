"""A worker's start-up objects are kept out of the cyclic garbage collector's full passes while its
runtime lives (each pass walked them all, holding the event loop), and given back at close."""

from __future__ import annotations

import asyncio
import gc

import pytest

import streams.worker as worker
from streams.settings import load_settings

NOWHERE = "127.0.0.1:1"


def test_prepare_freezes_and_close_unfreezes(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("CALLSTREAM_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(worker, "ensure_topics", lambda settings, bootstrap: [])  # no broker here

    async def run() -> None:  # in a loop: Faust binds to the running loop
        rt = worker.prepare(load_settings(), NOWHERE, ["filter"])
        try:
            assert gc.get_freeze_count() > 0
        finally:
            rt.close()
        assert gc.get_freeze_count() == 0

    try:
        asyncio.run(run())
    finally:
        gc.unfreeze()
