"""Every indicator (QLT-4), in the order the summary lists them: the radiology 2024 set
(R1-R7), the ultrasound 2022 set (US-*), the department's own figures, then the laboratory 2015
set (CL-*); and each by its code.
"""

from yiji.quality.kpi.department import DEPARTMENT_INDICATORS
from yiji.quality.kpi.laboratory import LAB_INDICATORS
from yiji.quality.kpi.radiology import RADIOLOGY_INDICATORS
from yiji.quality.kpi.ultrasound import ULTRASOUND_INDICATORS

INDICATORS = RADIOLOGY_INDICATORS + ULTRASOUND_INDICATORS + DEPARTMENT_INDICATORS + LAB_INDICATORS
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
