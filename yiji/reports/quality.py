"""Report-writing checks before signing (RPT-10, national indicator R3): the mistakes that
make a report non-compliant are caught while they can still be fixed."""

from __future__ import annotations

import re

from yiji.core.models import Sex
from yiji.core.rulebook import carries_out
from yiji.reports.structured import category_problem

FEMALE_ONLY = ("子宫", "卵巢", "输卵管", "宫颈", "附件区", "胎儿", "妊娠囊")
MALE_ONLY = ("前列腺", "睾丸", "精囊", "阴囊")
PLACEHOLDERS = re.compile(r"(\[\s*\]|【\s*】|_{3,}|×{2,}|XX|xx|＿{2,}|请填写|待填)")
NORMAL_IMPRESSION = ("未见异常", "未见明显异常", "未见明确异常", "未见明显病变")
SIDES = {"左": "右", "右": "左"}


@carries_out("RPT-10")
def quality_warnings(report) -> list[str]:
    """What a reviewer would send back: wrong side, wrong sex, template left, contradiction."""
    exam = report.exam
    text = f"{report.findings}\n{report.impression}"
    warnings: list[str] = []
    item_name = f"{exam.item.name}{exam.item.body_part}"
    for side, other in SIDES.items():
        if side in item_name and other not in item_name and other in text and side not in text:
            warnings.append(f"检查项目为“{side}”侧，报告中只写了“{other}”侧。")
    organs = (
        FEMALE_ONLY
        if exam.patient.sex == Sex.MALE
        else MALE_ONLY
        if exam.patient.sex == Sex.FEMALE
        else ()
    )
    found = [organ for organ in organs if organ in text]
    if found:
        warnings.append(f"报告描述了与患者性别不符的器官：{'、'.join(found)}。")
    if PLACEHOLDERS.search(text):
        warnings.append("报告中留有模板占位符，请填写或删除。")
    if not report.impression.strip():
        warnings.append("诊断意见为空。")
    if report.positive and any(phrase in report.impression for phrase in NORMAL_IMPRESSION):
        warnings.append("标为阳性，但诊断意见为“未见异常”，前后矛盾。")
    problem = category_problem(exam.item, report.category)
    if problem:
        warnings.append(problem)
    return warnings
