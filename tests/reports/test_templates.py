"""Report templates per item or modality, and each reader's own phrases."""

from __future__ import annotations

from yiji.reports.models import ReportTemplate
from yiji.reports.services import templates_for


def test_the_editor_offers_item_and_modality_templates_and_my_phrases(
    completed, items, doctor, client_for
):
    exam = completed(items["chest"])
    me, colleague = doctor("attending"), doctor("attending")
    ReportTemplate.objects.create(
        name="胸片正常", item=items["chest"], findings="双肺纹理清晰。", impression="胸部未见异常。"
    )
    ReportTemplate.objects.create(name="DR通用", modality="DR", findings="所见", impression="意见")
    ReportTemplate.objects.create(name="CT通用", modality="CT", findings="所见", impression="意见")
    ReportTemplate.objects.create(name="别人的", owner=colleague, impression="他的常用语")
    client = client_for(me)
    client.post(
        f"/exams/{exam.pk}/report/",
        {"action": "phrase", "phrase_name": "建议随访", "phrase_impression": "建议3个月后复查。"},
    )
    shared, own = templates_for(exam, me)
    assert [t.name for t in shared] == ["胸片正常", "DR通用"]  # the item's own first
    assert [t.name for t in own] == ["建议随访"]
    page = client.get(f"/exams/{exam.pk}/report/").text
    assert (
        "胸片正常" in page and "建议随访" in page and "CT通用" not in page and "别人的" not in page
    )


def test_an_empty_phrase_is_refused(completed, items, doctor, client_for):
    exam = completed(items["chest"])
    client = client_for(doctor("attending"))
    response = client.post(
        f"/exams/{exam.pk}/report/", {"action": "phrase", "phrase_name": "空"}, follow=True
    )
    assert "RPT-10" in response.text and not ReportTemplate.objects.exists()
