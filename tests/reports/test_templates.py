"""Report templates per item or modality, and each reader's own phrases."""

from __future__ import annotations

from yiji.orders.models import ExamItem
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


def test_a_template_is_offered_only_for_its_body_part(completed, items, doctor, client_for):
    head = items["ct_head"]
    head.body_part = "头颅"
    head.save(update_fields=["body_part"])
    chest = ExamItem.objects.get(pk=head.pk)
    chest.pk, chest.code, chest.name, chest.body_part = None, "CT-CHEST", "胸部CT平扫", "胸部"
    chest.save()
    ReportTemplate.objects.create(
        name="CT 头颅正常", modality="CT", body_part="头颅", findings="脑实质密度均匀。"
    )
    ReportTemplate.objects.create(
        name="CT 胸部正常", modality="CT", body_part="胸部", findings="双肺纹理清晰。"
    )
    ReportTemplate.objects.create(name="CT 通用", modality="CT", impression="未见异常。")
    client = client_for(doctor("attending"))
    chest_page = client.get(f"/exams/{completed(chest).pk}/report/").text
    assert "CT 胸部正常" in chest_page and "CT 通用" in chest_page
    assert "CT 头颅正常" not in chest_page
    head_page = client.get(f"/exams/{completed(head).pk}/report/").text
    assert "CT 头颅正常" in head_page and "CT 胸部正常" not in head_page


def test_an_empty_phrase_is_refused(completed, items, doctor, client_for):
    exam = completed(items["chest"])
    client = client_for(doctor("attending"))
    response = client.post(
        f"/exams/{exam.pk}/report/", {"action": "phrase", "phrase_name": "空"}, follow=True
    )
    assert "RPT-10" in response.text and not ReportTemplate.objects.exists()
