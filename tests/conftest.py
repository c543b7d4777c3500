"""Shared test settings: the Hypothesis profiles.

* ``dev`` (the default) and ``ci`` (under ``CI=true``): **derandomised**, a fixed
  seed per test, so ``./run test`` finds the same examples on every machine and
  every run; ``ci`` runs twice as many.
* ``fuzz`` (``./run fuzz``, or ``HYPOTHESIS_PROFILE=fuzz``): random seeds and
  many more examples (``SZO_FUZZ_EXAMPLES``, 2,000 by default), no deadline, to
  explore; a failure it finds is printed with its seed and kept in the local
  example database, and the case then belongs in the test as an ``@example``.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev",
    deadline=None,
    max_examples=100,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    deadline=None,
    max_examples=200,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    deadline=None,
    max_examples=int(os.environ.get("SZO_FUZZ_EXAMPLES", "2000")),
    derandomize=False,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
