"""Where the lab reaches the apps above it (yiji.core.hooks)."""

from yiji.core.hooks import Hook

lab_report_released = Hook(
    "lab report released",
    "(lab_report): a verified lab report went out, in the same transaction. interop queues "
    "the ORU^R01 result to the HIS.",
)
