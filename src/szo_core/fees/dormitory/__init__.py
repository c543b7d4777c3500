"""Dormitories (dijaški domovi): a monthly fee by the dormitory's group, meals like a school's.

* :func:`compute`, :class:`DormitoryInputs`, :class:`DormitoryRules` (absences:
  deducted or not, notice, from which day);
* :class:`~szo_core.fees.dormitory.plug.DormitoryPlug`: billed through
  :func:`szo_core.billing.run_billing` like every kind.

The rules in ``docs/schools.md`` (Dormitories).

>>> DormitoryRules().from_day
1
"""

from szo_core.fees.dormitory.engine import DormitoryInputs, DormitoryRules, compute

__all__ = ["DormitoryInputs", "DormitoryRules", "compute"]
