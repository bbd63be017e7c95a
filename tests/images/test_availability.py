"""Image availability against a real Orthanc: Yiji asks the archive (QIDO-RS by accession)
about open exams, records when images arrive with their counts, compares them with MPPS, and
lists studies that match no exam or another patient for a person to reconcile."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from django.core.management import call_command

from yiji.core.rulebook import RuleViolation
from yiji.images import availability, pacs, services, synthetic
from yiji.images.models import ArchiveState, Problem, Study
from yiji.interop.dicom.worklist import study_uid
from yiji.orders.models import EventKind


def _store(exam, **kwargs):
    datasets = synthetic.study(exam, study_uid(exam), **kwargs)
    pacs.store(datasets)
    return datasets


@pytest.mark.rules("EXM-2")
def test_a_study_stored_over_stow_rs_is_found_with_its_counts(archive, started, items):
    exam = started(items["ct_head"])
    assert availability.summary(exam).available is False
    _store(exam, series=2, per_series=3)

    result = availability.poll(force=True)

    assert result.asked == 1 and not result.error
    study = Study.objects.get(exam=exam)
    assert (study.series_count, study.instance_count, study.problem) == (2, 6, "")
    assert study.study_uid == study_uid(exam)
    event = exam.events.get(kind=EventKind.IMAGES_AVAILABLE)
    assert event.data["instances"] == 6 and event.data["series"] == 2
    images = availability.summary(exam)
    assert images.available and images.instances == 6 and not images.mismatch
    # Found once: a second pass records no second arrival.
    availability.poll(force=True)
    assert exam.events.filter(kind=EventKind.IMAGES_AVAILABLE).count() == 1


@pytest.mark.rules("EXM-2")
def test_counts_that_differ_from_what_mpps_announced_are_flagged(archive, started, items):
    exam = started(items["ct_head"])
    availability.expect(exam, study_uid(exam), series=2, instances=8)
    _store(exam, series=2, per_series=3)
    availability.poll(force=True)
    study = Study.objects.get(exam=exam)
    assert study.announced_instances == 8 and study.instance_count == 6
    assert study.mismatch and not study.complete
    assert availability.summary(exam).mismatch
    # The rest arrives: complete, and the exam drops out of the next pass.
    pacs.store(synthetic.study(exam, study_uid(exam), series=2, per_series=4))
    availability.poll(force=True)
    study.refresh_from_db()
    assert study.instance_count == 8 and study.complete and not study.mismatch
    assert availability.poll(force=True).asked == 0


def test_images_sent_by_a_modality_with_dcmtk_storescu_are_found(archive, started, items, tmp_path):
    if shutil.which("storescu") is None:
        if os.environ.get("YIJI_REQUIRE_DCMTK") == "1":
            pytest.fail("storescu is required (YIJI_REQUIRE_DCMTK=1) but DCMTK is not installed")
        pytest.skip("DCMTK storescu is not installed")
    exam = started(items["chest"])
    for n, ds in enumerate(synthetic.study(exam, study_uid(exam), series=1, per_series=2)):
        ds.save_as(tmp_path / f"{n}.dcm", enforce_file_format=True)
    sent = subprocess.run(
        ["storescu", "-aec", archive["ae"], "127.0.0.1", str(archive["dicom"]),
         *sorted(str(p) for p in tmp_path.glob("*.dcm"))],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    availability.poll(force=True)
    assert availability.summary(exam).instances == 2


@pytest.mark.rules("ORD-5")
def test_a_study_of_another_patient_is_listed_never_attached(archive, started, items, technologist):
    exam = started(items["ct_head"])
    _store(exam, patient_id="P-OTHER")
    availability.poll(force=True)
    study = Study.objects.get(study_uid=study_uid(exam))
    assert study.problem == Problem.OTHER_PATIENT
    assert availability.summary(exam).available is False
    assert not exam.events.filter(kind=EventKind.IMAGES_AVAILABLE).exists()
    with pytest.raises(RuleViolation) as refused:
        services.attach(technologist.user, study, exam)
    assert refused.value.rule_id == "ORD-5"
    services.attach(technologist.user, study, exam, reason="设备手工录入ID有误，已核对身份")
    assert availability.summary(exam).instances == 6
    # A person's decision stands against the next pass.
    availability.poll(force=True)
    study.refresh_from_db()
    assert study.problem == "" and study.exam == exam


@pytest.mark.rules("ORD-5")
def test_a_study_whose_accession_matches_no_exam_waits_for_a_person(
    archive, started, items, technologist
):
    exam = started(items["ct_head"])
    _store(exam, accession="NO-SUCH-1")
    result = availability.poll(force=True)
    assert result.new_studies == 1
    study = Study.objects.get(accession="NO-SUCH-1")
    assert study.problem == Problem.UNKNOWN_ACCESSION and study.exam is None
    services.set_aside(technologist.user, study, "体模测试扫描")
    study.refresh_from_db()
    assert study.problem == Problem.DISMISSED


def test_an_archive_that_is_down_is_recorded_and_asked_again_later(settings, started, items):
    settings.YIJI_DICOMWEB_URL = "http://127.0.0.1:9/dicom-web"
    started(items["ct_head"])
    result = availability.poll()
    assert result.error
    state = ArchiveState.objects.get()
    assert not state.ok and state.failures == 1 and state.retry_at is not None
    assert availability.poll().skipped == "backing off"
    availability.poll(force=True)
    state.refresh_from_db()
    assert state.failures == 2


def test_the_poll_command_runs_one_pass(archive, started, items, capsys):
    exam = started(items["ct_head"])
    _store(exam)
    call_command("pacs", "poll")
    assert "asked about 1 open exams" in capsys.readouterr().out
    assert availability.summary(exam).available


def test_a_pacs_without_dicomweb_is_asked_over_c_find(archive, settings, started, items):
    exam = started(items["ct_head"])
    _store(exam, series=2, per_series=2)
    settings.YIJI_DICOMWEB_URL = "off"
    settings.YIJI_PACS_DIMSE = f"{archive['ae']}@127.0.0.1:{archive['dicom']}"
    assert pacs.configured()
    found = pacs.find_studies(accession=exam.accession)
    assert [(f.study_uid, f.series, f.instances) for f in found] == [(study_uid(exam), 2, 4)]
    availability.poll(force=True)
    assert availability.summary(exam).instances == 4
    settings.YIJI_PACS_DIMSE = "NOBODY@127.0.0.1:9"
    with pytest.raises(pacs.ArchiveUnavailable):
        pacs.find_studies(accession=exam.accession)
