"""The backup status page (ARC-6): the last good backup and whether it is too old, restore
tests, and buttons that start a backup or a restore test on the task queue; the page polls
while one runs."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yiji.archive import services, tasks
from yiji.archive.models import Backup, RestoreTest
from yiji.core.permissions import Action
from yiji.core.views import requires


@requires(Action.MANAGE_BACKUPS)
def backups_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("action") == "restore_test":
            tasks.restore_test_now()
            messages.success(request, _("Restore test started."))
        else:
            tasks.backup_now()
            messages.success(request, _("Backup started."))
        return redirect("backups")
    running = Backup.objects.filter(finished_at__isnull=True).exists()
    template = (
        "archive/backups_body.html" if request.headers.get("HX-Request") else "archive/backups.html"
    )
    return render(
        request,
        template,
        {
            "status": services.status(),
            "backups": Backup.objects.all()[:30],
            "tests": RestoreTest.objects.all()[:10],
            "running": running,
        },
    )
