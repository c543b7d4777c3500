"""Care homes (oskrbnina): the old regime (ZSV) and the new one (ZDOsk-1) side by side.

* :func:`compute`: one resident's month, the charge split between the resident,
  liable relatives and the municipality by the CSD decision, and the new
  regime's care part as a separate claim; :class:`CareHomeInputs` its inputs;
* :data:`ZDOSK_CAPS`: the new regime's dated monthly cap.

The records are in :mod:`szo_core.model.care_home`; the rules and worked
examples in ``docs/care-homes.md``.

>>> str(ZDOSK_CAPS[0].amount)
'781.94'
"""

from szo_core.fees.care_home.engine import ZDOSK_CAPS, CareHomeInputs, compute, deduction_days

__all__ = ["ZDOSK_CAPS", "CareHomeInputs", "compute", "deduction_days"]
