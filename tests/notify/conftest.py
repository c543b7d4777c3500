"""Real servers on 127.0.0.1 for the real-time tests: aiosmtpd and a local SMS gateway."""

from __future__ import annotations

from tests.delivery.conftest import ca, server_tls, smtp_server  # noqa: F401
from tests.delivery.test_sms_http import gateway  # noqa: F401
