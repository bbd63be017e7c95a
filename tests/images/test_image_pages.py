"""The image features where staff meet them: acceptance with the archive's counts (EXM-2),
a report signed only on images, opening the study (logged, break-glass), key images on the
page and the PDF, the frozen study (INC-2), FHIR ImagingStudy, and an archive that is down."""

from __future__ import annotations

import io
import json
import urllib.request

import pytest
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.imagingstudy import ImagingStudy
from pypdf import PdfReader

from tests.conftest import PASSWORD
from yiji.core import accounts
from yiji.core.models import AuditEntry, Role
from yiji.core.rulebook import RuleViolation
from yiji.images import availability, pacs, services, synthetic, viewer
from yiji.images.models import Study
from yiji.incidents import services as incidents
from yiji.incidents.models import Category, IncidentKind, Severity
from yiji.interop.dicom.worklist import study_uid
from yiji.orders import patient_link
from yiji.orders.models import EventKind
from yiji.reports import services as reports
from yiji.reports.models import KeyImage


def _store(exam, **kwargs):
    pacs.store(synthetic.study(exam, study_uid(exam), **kwargs))
    availability.poll(force=True)


@pytest.mark.rules("EXM-2")
def test_acceptance_shows_the_counts_and_needs_a_reason_without_images(
    archive, started, items, technologist, client_for
):
    exam = started(items["ct_head"])
    client = client_for(technologist)
    page = client.get(f"/exams/{exam.pk}/").content.decode()
    assert "存档中尚无图像" in page or "Images not yet in the archive" in page

    refused = client.post(f"/exams/{exam.pk}/act/", {"action": "accept"}, follow=True)
    assert "EXM-2" in refused.content.decode()
    exam.record.refresh_from_db()
    assert exam.record.images_accepted_at is None

    _store(exam, series=2, per_series=3)
    page = client.get(f"/exams/{exam.pk}/").content.decode()
    assert 'id="accept-counts"' in page and "6" in page
    client.post(f"/exams/{exam.pk}/act/", {"action": "accept"})
    exam.record.refresh_from_db()
    assert exam.record.images_accepted_at is not None
    accepted = exam.events.get(kind=EventKind.IMAGES_ACCEPTED)
    assert accepted.data == {"series": 2, "instances": 6}


@pytest.mark.rules("EXM-2")
def test_accepting_without_images_is_possible_with_a_recorded_reason(
    archive, started, items, technologist, client_for
):
    exam = started(items["ct_head"])
    client_for(technologist).post(
        f"/exams/{exam.pk}/act/",
        {"action": "accept", "override_reason": "存档网络中断，已在设备上阅片"},
    )
    exam.record.refresh_from_db()
    assert exam.record.images_accepted_at is not None
    override = exam.events.get(kind=EventKind.OVERRIDE)
    assert override.note == "存档网络中断，已在设备上阅片" and override.data["rule"] == "EXM-2"


@pytest.mark.rules("EXM-2")
def test_a_report_is_signed_only_once_images_exist(archive, completed, items, doctor):
    exam = completed(items["ct_head"])
    author = doctor("attending")
    report = reports.save_draft(
        author.user, exam, reports.Draft("颅内未见异常密度。", "头颅CT平扫未见异常。"),
        expected_version=0,
    )  # fmt: skip
    with pytest.raises(RuleViolation) as refused:
        reports.submit(author.user, report, PASSWORD)
    assert refused.value.rule_id == "EXM-2"
    # The images arrive; the author's next attempt asks the archive and signs.
    pacs.store(synthetic.study(exam, study_uid(exam)))
    report = reports.submit(author.user, report, PASSWORD)
    assert report.author_signature is not None


def test_an_ecg_needs_no_images(archive, order, ultrasound):
    from tests.orders.fixtures import _item

    exam = order(_item(ultrasound, "ECG-12", "ECG", name="常规心电图"))[0]
    assert availability.summary(exam).needed is False
    availability.require_images(exam)  # passes: nothing to wait for


@pytest.mark.rules("ORD-7", "ARC-5")
def test_opening_images_is_a_logged_access_and_reaches_the_study(
    archive, completed, items, technologist, client_for, make_staff, ultrasound
):
    exam = completed(items["ct_head"])
    _store(exam, series=2, per_series=2)
    response = client_for(technologist).get(f"/exams/{exam.pk}/images/")
    assert response.status_code == 302
    target = response["Location"]
    assert "/web-viewer/app/viewer.html?series=" in target
    # The Orthanc series ID Yiji computes is the archive's own.
    series_id = target.rsplit("=", 1)[1]
    with urllib.request.urlopen(f"http://127.0.0.1:{archive['http']}/series/{series_id}") as r:
        assert json.load(r)["ParentStudy"] == viewer.orthanc_id(
            exam.patient.patient_id, study_uid(exam)
        )
    assert AuditEntry.objects.filter(
        patient=exam.patient, object_type__icontains="patient"
    ).exists()
    # Someone with no relation to the patient meets the break-glass page instead.
    stranger = make_staff(Role.CLINICIAN, department=ultrasound)
    refused = client_for(stranger).get(f"/exams/{exam.pk}/images/")
    assert refused.status_code in (403, 302) and "viewer.html" not in refused.get("Location", "")


@pytest.mark.rules("RPT-10")
def test_key_images_marked_in_the_editor_show_on_the_page_and_the_pdf(
    archive, completed, items, doctor, client_for
):
    exam = completed(items["ct_head"])
    _store(exam, series=1, per_series=3)
    author = doctor("attending")
    client = client_for(author)
    client.get(f"/exams/{exam.pk}/report/")  # opening claims the case
    reports.save_draft(
        author.user, exam, reports.Draft("右侧基底节区小片低密度影。", "右侧基底节区腔隙性梗死。"),
        expected_version=0,
    )  # fmt: skip
    picker = client.get(f"/exams/{exam.pk}/key-images/").content.decode()
    sops = [i.sop_uid for i in pacs.instances(study_uid(exam))]
    assert all(uid in picker for uid in sops)
    client.post(f"/exams/{exam.pk}/report/", {"action": "key_images", "key": [sops[1]]})
    assert list(KeyImage.objects.values_list("sop_uid", flat=True)) == [sops[1]]
    key = KeyImage.objects.get()
    thumb = client.get(f"/exams/{exam.pk}/images/{key.series_uid}/{key.sop_uid}.jpg")
    assert thumb.status_code == 200 and thumb.content[:2] == b"\xff\xd8"
    # A UID that is not the exam's is refused.
    with pytest.raises(RuleViolation):
        reports.set_key_images(author.user, exam.report, ["1.2.3.4"])

    report = reports.submit(author.user, exam.report, PASSWORD)
    reviewer = doctor("associate_chief")
    report = reports.sign_final(reviewer.user, report, PASSWORD)
    page = client.get(f"/exams/{exam.pk}/report/").content.decode()
    assert 'id="key-images-shown"' in page
    pdf = client_for(reviewer).get(f"/exams/{exam.pk}/report.pdf")
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.content))
    assert any(page.images for page in reader.pages)
    # The patient's link shows the key images too (云胶片), and only those.
    token = patient_link.token_for(exam)
    anonymous = Client()
    assert 'id="cloud-film"' in anonymous.get(f"/p/{token}/").content.decode()
    film = anonymous.get(f"/p/{token}/key/0.jpg")
    assert film.status_code == 200 and film.content[:2] == b"\xff\xd8"
    assert anonymous.get(f"/p/{token}/key/1.jpg").status_code == 404


@pytest.mark.rules("INC-2")
def test_a_frozen_study_cannot_be_deleted_and_its_viewing_is_noted(
    archive, completed, items, technologist, client_for, imaging
):
    exam = completed(items["ct_head"])
    _store(exam)
    study = Study.objects.get(exam=exam)
    incident = incidents.report(
        technologist.user,
        incidents.IncidentReport(
            department=imaging, kind=IncidentKind.ACCIDENT, category=Category.CONTRAST,
            severity=Severity.HARM, occurred_at=timezone.now(), accession=exam.accession,
            description="增强检查后发生严重过敏反应", immediate_action="抢救，上报",
        ),
    )  # fmt: skip
    with pytest.raises(RuleViolation) as refused:
        services.request_deletion(technologist.user, study, "患者信息错误")
    assert refused.value.rule_id == "INC-2"
    client_for(technologist).get(f"/exams/{exam.pk}/images/")
    assert AuditEntry.objects.filter(reason__contains=incident.number).exists()
    page = client_for(technologist).get(f"/exams/{exam.pk}/").content.decode()
    assert incident.number in page


def test_fhir_imaging_study_carries_what_the_archive_holds(archive, completed, items, make_staff):
    exam = completed(items["ct_head"])
    _store(exam, series=2, per_series=3)
    _token, key = accounts.create_token(make_staff(Role.PHYSICIAN).user, "fhir test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    resource = client.get(f"/fhir/r4/ImagingStudy/{exam.pk}").json()
    ImagingStudy.model_validate(resource)
    assert resource["numberOfSeries"] == 2 and resource["numberOfInstances"] == 6
    assert {s["numberOfInstances"] for s in resource["series"]} == {3}
    assert resource["contained"][0]["address"].endswith("/dicom-web")
    assert resource["endpoint"] == [{"reference": "#archive"}]
    found = client.get(
        "/fhir/r4/ImagingStudy", {"identifier": f"urn:dicom:uid|urn:oid:{study_uid(exam)}"}
    ).json()
    assert found["total"] == 1


def test_pages_load_when_the_archive_is_down(
    settings, started, items, technologist, client_for, doctor, make_staff
):
    settings.YIJI_DICOMWEB_URL = "http://127.0.0.1:9/dicom-web"
    exam = started(items["ct_head"])
    client = client_for(technologist)
    assert client.get(f"/exams/{exam.pk}/").status_code == 200
    refused = client.post(f"/exams/{exam.pk}/act/", {"action": "accept"}, follow=True)
    assert refused.status_code == 200 and "EXM-2" in refused.content.decode()
    assert client_for(doctor("attending")).get("/reading/").status_code == 200
    # The failing archive on the interface monitor, with its error, and passes backing off.
    availability.poll()
    monitor = client_for(make_staff(Role.ADMIN)).get("/interfaces/").content.decode()
    assert "无响应" in monitor and "127.0.0.1:9" in monitor


def test_studies_to_reconcile_page_attaches_with_a_reason(
    archive, started, items, technologist, client_for
):
    exam = started(items["ct_head"])
    pacs.store(synthetic.study(exam, study_uid(exam), patient_id="WRONG-ID"))
    availability.poll(force=True)
    client = client_for(technologist)
    page = client.get("/images/studies/").content.decode()
    assert "WRONG-ID" in page
    study = Study.objects.get(study_uid=study_uid(exam))
    client.post(f"/images/studies/{study.pk}/", {"action": "attach", "accession": exam.accession})
    study.refresh_from_db()
    assert study.problem != ""  # refused: the patient differs and no reason was given
    client.post(
        f"/images/studies/{study.pk}/",
        {"action": "attach", "accession": exam.accession, "reason": "已核对腕带，设备录入错误"},
    )
    study.refresh_from_db()
    assert study.problem == "" and study.exam == exam
