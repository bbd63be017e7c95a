"""QLT-7: the annual summary counts exams per modality and patient class against last year,
with revenue and the monthly curve; the director's text is kept; PDF and Word carry both."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from pypdf import PdfReader

from yiji.core.models import Patient
from yiji.exams import services as room
from yiji.orders.checkin import Identifiers, check_in
from yiji.quality import annual

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def perform(order, clerk, technologist):
    def make(item, patient):
        exam = order(item, patient=patient)[0]
        identifiers = Identifiers(name=patient.name, patient_id=patient.patient_id)
        exam = check_in(
            clerk.user, exam, identifiers, accompanying_physician="王医生", consent_by=clerk
        )
        room.start_exam(technologist.user, exam)
        room.record_details(technologist.user, exam, {"kv": 120, "shielding": "铅围裙"})
        return room.complete_exam(technologist.user, exam)

    return make


@pytest.fixture
def two_years(frozen_clock, perform, items, patient):
    ward_patient = Patient.objects.create(
        patient_id="P200", name="李四", sex="M", birth_date=dt.date(1980, 1, 1),
        source="inpatient",
    )  # fmt: skip
    frozen_clock.move_to(dt.datetime(2025, 3, 10, 9, 0, tzinfo=BEIJING))
    perform(items["chest"], patient)
    frozen_clock.move_to(dt.datetime(2026, 3, 10, 9, 0, tzinfo=BEIJING))
    perform(items["chest"], patient)
    perform(items["chest"], patient)
    perform(items["ct_head"], ward_patient)
    frozen_clock.move_to(dt.datetime(2026, 11, 23, 7, 30, tzinfo=BEIJING))


@pytest.mark.rules("QLT-7")
def test_counts_revenue_and_change_on_last_year(two_years, imaging):
    figures = annual.year_figures(imaging, 2026)
    ct, dr = figures.lines  # sorted by modality code
    assert (dr.counts, dr.last_year, dr.change) == ({"outpatient": 2}, 1, 100.0)
    assert (ct.counts, ct.last_year, ct.change) == ({"inpatient": 1}, 0, None)
    assert (figures.total.total, figures.total.last_year, figures.total.change) == (3, 1, 200.0)
    assert (figures.revenue, figures.revenue_last_year, figures.revenue_change) == (300, 100, 200.0)
    assert figures.months[2] == 3 and figures.months_last_year[2] == 1 and sum(figures.months) == 3
    codes = [indicator.code for indicator, _figure in figures.indicators]
    assert codes == list(annual.KEY_INDICATORS)


@pytest.mark.rules("QLT-7")
def test_text_is_kept_and_printed(two_years, imaging, director, client_for, clerk):
    client = client_for(director)
    url = f"/quality/annual/?department={imaging.pk}&year=2026"
    page = client.get(url)
    assert page.status_code == 200 and page.context["figures"].total.total == 3
    client.post(
        "/quality/annual/",
        {"department": imaging.pk, "year": 2026, "work": "完成检查三人次。",
         "problems": "设备老化。", "plans": "购置新DR。"},
    )  # fmt: skip
    summary = annual.summary_for(imaging, 2026)
    assert (summary.work, summary.updated_by) == ("完成检查三人次。", director)

    pdf = client.get(url + "&format=pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "2026年度工作总结" in text and "完成检查三人次" in text and "门诊" in text
    word = Document(io.BytesIO(client.get(url + "&format=docx").content))
    paragraphs = [p.text for p in word.paragraphs]
    assert "购置新DR。" in paragraphs
    assert word.tables[0].rows[-1].cells[5].text == "3"  # the total of the year

    assert client.get("/quality/annual/?department=x&year=abc").status_code == 200
    assert client_for(clerk).get(url).status_code == 403
