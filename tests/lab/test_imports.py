"""Results from analysers (LAB-3): an export file (CSV, UTF-8 or GB18030) and HL7 ORU^R01
from the analyser middleware. Good results are applied and flagged like hand entry; bad rows
and messages get a clear answer and change nothing else."""

from __future__ import annotations

import io

import pytest

from yiji.interop.accounts import interface_user
from yiji.interop.hl7 import inbound
from yiji.interop.models import InboundMessage, Outcome
from yiji.lab import imports
from yiji.lab.models import Flag, LabResult, ResultSource
from yiji.reports.models import CriticalResult

pytestmark = pytest.mark.rules("LAB-3")


class Upload(io.BytesIO):
    name = "results.csv"


def test_an_analyser_file_is_applied_specimen_by_specimen(received, labtech, lab_catalogue):
    first, second = received("LAB-ELEC"), received("LAB-GLU")
    text = (
        "条码,项目,结果\n"
        f"{first.barcode},K,6.70\n{first.barcode},NA,139\n{first.barcode},CL,abc\n"
        f"{second.barcode},GLU,5.4\n"
        "S000,GLU,5.0\n"
        f"{second.barcode},ALT,20\n"
    )
    outcome = imports.import_file(labtech.user, Upload(text.encode("gb18030")),
                                  lab_catalogue["biochemistry"])  # fmt: skip
    assert (outcome.saved, outcome.specimens) == (3, 2)
    assert sorted((p.line, p.test) for p in outcome.problems) == [(4, "CL"), (6, "GLU"), (7, "ALT")]
    k = LabResult.objects.get(exam=first.exam, test__code="K")
    assert k.flag == Flag.CRITICAL_HIGH and k.source == ResultSource.FILE
    assert k.instrument == lab_catalogue["biochemistry"]
    assert CriticalResult.objects.filter(exam=first.exam, item="K").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"barcode,value\nS1,5\n", "columns"),
        (b"\xff\xfe\x00\x00garbage\x81", "encoding"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_the_reason(labtech, lab_catalogue, content,
                                                               message):  # fmt: skip
    from yiji.core.rulebook import RuleViolation

    with pytest.raises(RuleViolation, match=message):
        imports.import_file(labtech.user, Upload(content))


def _oru(control: str, barcode: str, *observations: tuple[str, str]) -> bytes:
    obx = "".join(
        f"OBX|{n}|NM|{code}^^99LAB||{value}|||||F|||||||SN-biochemistry\r"
        for n, (code, value) in enumerate(observations, 1)
    )
    return (
        f"MSH|^~\\&|LIS|H1|YIJI|LAB|20261123080000||ORU^R01|{control}|P|2.5.1"
        "|||||CHN|UNICODE UTF-8\r"
        f"PID|1||P100\rOBR|1||{barcode}|LAB-ELEC\r{obx}"
    ).encode()


def _ack(raw: bytes) -> list[str]:
    line = next(s for s in raw.decode().split("\r") if s.startswith("MSA"))
    return line.split("|")


def test_an_oru_from_the_analyser_enters_results(received, hospital, lab_catalogue):
    specimen = received("LAB-ELEC")
    actor = interface_user("hl7")
    ack = inbound.receive(actor, _oru("R1", specimen.barcode, ("K", "4.20"), ("NA", "141"),
                                      ("CL", "102")))  # fmt: skip
    assert _ack(ack)[1] == "AA"
    saved = LabResult.objects.filter(exam=specimen.exam)
    assert saved.count() == 3 and {r.source for r in saved} == {ResultSource.HL7}
    assert saved.get(test__code="K").instrument == lab_catalogue["biochemistry"]


def test_a_bad_oru_is_answered_and_applies_nothing(received, hospital):
    specimen = received("LAB-ELEC")
    actor = interface_user("hl7")
    ack = inbound.receive(actor, _oru("R2", specimen.barcode, ("K", "4.2"), ("NA", "lots")))
    assert _ack(ack)[1] == "AE"
    assert not LabResult.objects.filter(exam=specimen.exam).exists()
    ack = inbound.receive(actor, _oru("R3", "S404", ("K", "4.2")))
    assert _ack(ack)[1] == "AE" and "S404" in ack.decode()
    assert InboundMessage.objects.filter(outcome=Outcome.ACCEPTED).count() == 0
