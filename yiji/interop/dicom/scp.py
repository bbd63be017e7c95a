"""Yiji's DICOM service (pynetdicom): C-ECHO, Modality Worklist C-FIND and MPPS for the
modalities configured on the rooms. Each association runs in its own thread; handlers are
thin and call the worklist and MPPS modules, which call the services."""

from __future__ import annotations

import logging
import secrets
import socket

from django.db import close_old_connections, connection
from pydicom.dataset import Dataset
from pydicom.uid import generate_uid
from pynetdicom import AE, evt
from pynetdicom import _config as pynetdicom_config
from pynetdicom.sop_class import (
    ModalityPerformedProcedureStep,
    ModalityWorklistInformationFind,
    Verification,
)

from yiji.core.models import Room
from yiji.interop.dicom import mpps, worklist
from yiji.interop.models import DicomAssociation

log = logging.getLogger(__name__)

# Unable to process (PS3.4 C.4.1.1.4), and "identifier does not match SOP class".
UNABLE_TO_PROCESS = 0xC000
IDENTIFIER_MISMATCH = 0xA900
PENDING = 0xFF00
CANCELLED = 0xFE00
NOBODY = "NO-PEER-" + secrets.token_hex(4)  # what no modality is called


def allowed_ae_titles() -> list[str]:
    titles = set(
        Room.objects.filter(active=True).exclude(ae_title="").values_list("ae_title", flat=True)
    )
    return sorted(titles) or [NOBODY]


class Service:
    def __init__(self, actor, ae_title: str = "YIJI"):
        """`actor` is the interface account, or a callable that returns it when needed."""
        self._actor = actor
        # pynetdicom's standard handlers format every PDU and identifier for its debug log
        # whether or not anyone reads it: a large share of the cost of each worklist answer.
        pynetdicom_config.LOG_HANDLER_LEVEL = "none"
        pynetdicom_config.LOG_REQUEST_IDENTIFIERS = False
        pynetdicom_config.LOG_RESPONSE_IDENTIFIERS = False
        self.ae = AE(ae_title=ae_title)
        self.ae.add_supported_context(Verification)
        self.ae.add_supported_context(ModalityWorklistInformationFind)
        self.ae.add_supported_context(ModalityPerformedProcedureStep)
        self.ae.require_calling_aet = allowed_ae_titles()
        self.ae.maximum_associations = 32
        self.handlers = [
            (evt.EVT_CONN_OPEN, self.on_open),
            (evt.EVT_C_FIND, self.on_find),
            (evt.EVT_N_CREATE, self.on_create),
            (evt.EVT_N_SET, self.on_set),
            (evt.EVT_ESTABLISHED, self.on_established),
            (evt.EVT_CONN_CLOSE, self.on_close),
        ]

    @property
    def actor(self):
        return self._actor() if callable(self._actor) else self._actor

    def start(self, host: str, port: int, block: bool = False):
        return self.ae.start_server((host, port), block=block, evt_handlers=self.handlers)

    # --- connection bookkeeping -------------------------------------------------------------

    def on_open(self, event) -> None:
        sock = getattr(event.assoc.dul.socket, "socket", None)
        if sock is not None:  # small DIMSE exchanges must not wait for Nagle (~40 ms each)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        close_old_connections()
        # Rooms change while the service runs: the allowed titles are read per connection.
        self.ae.require_calling_aet = allowed_ae_titles()
        event.assoc.yiji_stats = {"requests": 0, "failures": 0, "error": "", "ok": False}

    def on_established(self, event) -> None:
        event.assoc.yiji_stats["ok"] = True

    def _count(self, event, failed: str = "") -> None:
        stats = getattr(event.assoc, "yiji_stats", None)
        if stats is None:
            return
        stats["requests"] += 1
        if failed:
            stats["failures"] += 1
            stats["error"] = failed[:500]

    def on_close(self, event) -> None:
        """One log row per connection, written as it closes; an association that was never
        established was refused (its calling AE title is not a configured modality)."""
        stats = getattr(event.assoc, "yiji_stats", None)
        if stats is None:
            return
        refused = not stats["ok"]
        requestor = event.assoc.requestor
        try:
            DicomAssociation.objects.create(
                calling_ae=str(requestor.ae_title or "").strip()[:16],
                peer=f"{requestor.address}:{requestor.port}"[:64],
                requests=stats["requests"],
                failures=stats["failures"],
                last_error=stats["error"] or ("calling AE title not configured" if refused else ""),
                refused=refused,
            )
        except Exception:  # the log must never break the association
            log.exception("could not log a DICOM association")
        finally:
            connection.close()

    # --- services ---------------------------------------------------------------------------

    def on_find(self, event):
        try:
            identifier = event.identifier
            answers = worklist.find(identifier)
            for answer in answers:
                if event.is_cancelled:
                    yield CANCELLED, None
                    return
                yield PENDING, answer
        except worklist.QueryError as exc:
            self._count(event, f"C-FIND: {exc}")
            yield IDENTIFIER_MISMATCH, None
            return
        except Exception as exc:  # a malformed identifier gets a status, never a crash
            log.warning("C-FIND failed: %s", exc)
            self._count(event, f"C-FIND: {type(exc).__name__}: {exc}")
            yield UNABLE_TO_PROCESS, None
            return
        self._count(event)
        yield 0x0000, None

    def _step(self, event, work, assigned_uid: str = ""):
        status = Dataset()
        try:
            step = work()
        except mpps.StepError as exc:
            status.Status = exc.status
            status.ErrorComment = exc.comment
            if exc.error_id is not None:
                status.ErrorID = exc.error_id
            self._count(event, f"MPPS: {exc.comment}")
            return status, None
        except Exception as exc:
            log.exception("MPPS failed")
            status.Status = mpps.PROCESSING_FAILURE
            status.ErrorComment = type(exc).__name__[:64]
            self._count(event, f"MPPS: {type(exc).__name__}: {exc}")
            return status, None
        self._count(event)
        status.Status = mpps.SUCCESS
        answer = Dataset()
        answer.PerformedProcedureStepStatus = step.status
        if assigned_uid:  # pynetdicom puts it in the N-CREATE response's Affected SOP Instance
            answer.AffectedSOPInstanceUID = assigned_uid
        return status, answer

    def on_create(self, event):
        """N-CREATE. A modality that sends no Affected SOP Instance UID leaves it to the SCP
        (PS3.7 10.1.5): Yiji makes one and answers with it."""
        uid = str(event.request.AffectedSOPInstanceUID or "")
        assigned = "" if uid else generate_uid()
        calling = str(event.assoc.requestor.ae_title or "").strip()
        return self._step(
            event,
            lambda: mpps.create(self.actor, calling, uid or assigned, event.attribute_list),
            assigned,
        )

    def on_set(self, event):
        uid = str(event.request.RequestedSOPInstanceUID)
        return self._step(event, lambda: mpps.update(self.actor, uid, event.modification_list))
