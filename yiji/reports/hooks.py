"""Where reporting reaches the apps above it (yiji.core.hooks)."""

from yiji.core.hooks import Hook

report_issued = Hook(
    "report issued",
    "(report, status): the report went out as preliminary, final or amended, in the same "
    "transaction. interop queues the ORU^R01 result to the HIS; quality counts a settled day "
    "again when a late report changes it (QLT-4).",
)
