"""Where the people app asks the apps above it (yiji.core.hooks)."""

from yiji.core.hooks import Hook

handover_open_work = Hook(
    "handover open work",
    "(department) -> list of handover items (people.handover.item): the open work the next "
    "shift takes over (STF-4). orders: patients waiting; reports: emergency exams without a "
    "final report, critical results not acknowledged; equipment: devices in fault; lab: "
    "specimens on their way and tests not released.",
)

month_absences = Hook(
    "month absences",
    "(department, year, month) -> rows with staff, absent, beyond_allowance and deduction: "
    "absences that cost bonus on the month's attendance sheet. quality answers with the "
    "reading sessions' (CNF-5).",
)

trainee_figures = Hook(
    "trainee figures",
    "(staff ids, first day, last day) -> {staff pk: [(label, text, url)]}: what the apps above "
    "measure of a trainee's work, shown on the running training plans. reports answers with "
    "the reviewers' revision rate.",
)
