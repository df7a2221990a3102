"""A production stack per module, with a real SMTP server."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import RecordingHandler
from tests.deployed.stack import ProductionStack, free_port


@pytest.fixture(scope="module")
def smtp():
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, smtp):
    # Small batches: an import of a few thousand rows lasts long enough to be interrupted.
    production = ProductionStack(
        tmp_path_factory.mktemp("stack"), smtp.port, IMPORT_BATCH_SIZE="100"
    )
    try:
        production.prepare()
        yield production
    finally:
        production.stop_all()
        production.drop_database()
