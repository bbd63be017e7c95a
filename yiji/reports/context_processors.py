"""The clinician's live critical-result alert (RPT-12), on every page until acknowledged."""

from yiji.reports.critical import clinician_alerts


def critical_alerts(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"critical_alerts": clinician_alerts(user), "critical_alerts_on": True}
