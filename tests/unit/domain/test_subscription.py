"""Subscribe requests: the options a topic filter allows."""

from __future__ import annotations

import pytest

from simulator.domain.client import SubOpts
from simulator.domain.errors import InvalidSubscribeOptions
from simulator.domain.subscription import SubscribeRequest, check_subscribe


def test_no_local_is_refused_on_shared_subscriptions_only() -> None:
    with pytest.raises(InvalidSubscribeOptions, match="no_local"):
        check_subscribe(SubscribeRequest("$share/g/t", SubOpts(nl=1)))
    with pytest.raises(InvalidSubscribeOptions):
        check_subscribe(SubscribeRequest("$queue/t", SubOpts(nl=1)))
    check_subscribe(SubscribeRequest("t/a", SubOpts(nl=1)))
    check_subscribe(SubscribeRequest("$share/g/t", SubOpts(nl=0)))
