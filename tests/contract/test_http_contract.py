"""Every combination's app, started from its Procfile on 127.0.0.1, meets the HTTP contract.

The contract is docs/contract.md; tests/support/contract.py holds one check per row. The app is
the combination's one deployment (tests/support/deployments.py), which the security checks and
schemathesis use after these.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support import contract
from tests.support.combinations import combinations
from tests.support.deployments import Deployment

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("combination", combinations())
def test_http_contract(deployment: Deployment, subtests: Any) -> None:
    mark = deployment.log_mark()
    for name, run_check in contract.applicable_checks(deployment.answers).items():
        with (
            subtests.test(msg=name),
            httpx.Client(base_url=deployment.base_url, timeout=30) as client,
        ):
            run_check(client, deployment.answers)
    assert not deployment.tracebacks_since(mark), deployment.tracebacks_since(mark)
