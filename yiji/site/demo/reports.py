"""Demo reports: drafts, reports awaiting review, signed reports and a critical result, made
through the same services the physicians use."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from yiji.core.rulebook import RuleViolation
from yiji.orders.models import Exam, ExamItem, ExamStatus, Modality
from yiji.reports import critical, services
from yiji.reports.models import Report, ReportTemplate
from yiji.site.demo.hospital import DEMO_PASSWORD

# Normal reports by modality and body part: the department's templates, and the demo's texts.
NORMAL = {
    ("DR", "胸部"): (
        "双肺纹理清晰，未见实变及占位。心影大小形态正常。双膈光整，肋膈角锐利。",
        "胸部未见明显异常。",
    ),
    ("CT", "头颅"): (
        "脑实质密度均匀，灰白质分界清楚，脑室系统不大，中线结构居中。",
        "颅脑CT平扫未见明显异常。",
    ),
    ("CT", "胸部"): (
        "胸廓对称，双肺纹理清晰，肺野内未见异常密度影。气管及支气管通畅，纵隔内未见肿大淋巴结。",
        "胸部CT平扫未见明显异常。",
    ),
    ("MR", "头颅"): (
        "各序列未见异常信号，脑室系统未见扩张，中线结构居中。",
        "头颅MR未见明显异常。",
    ),
    ("US", "腹部"): (
        "肝脏大小形态正常，包膜光整，实质回声均匀。胆囊壁光滑，腔内未见异常回声。",
        "肝胆未见明显异常。",
    ),
    ("ECG", "心脏"): (
        "窦性心律，心率72次/分，PR间期0.16秒，QRS时限0.08秒，ST-T未见异常。",
        "正常心电图。",
    ),
}


def normal_text(modality: str, body_part: str) -> tuple[str, str]:
    """The normal text for the body part, or a plain one naming it."""
    part = body_part or "检查部位"
    return NORMAL.get(
        (modality, body_part),
        (f"{part}各结构形态、大小未见明显异常。", f"{part}{modality}检查未见明显异常。"),
    )


def load_templates() -> int:
    """A normal template for every modality and body part of the catalogue (the department's
    own, which the director and group leaders maintain); returns how many were added."""
    groups = (
        ExamItem.objects.filter(active=True)
        .exclude(modality=Modality.LAB)
        .values_list("modality", "body_part")
        .distinct()
    )
    added = 0
    for modality, body_part in groups:
        findings, impression = normal_text(modality, body_part)
        _template, created = ReportTemplate.objects.get_or_create(
            name=f"{modality} {body_part or '通用'}正常",
            modality=modality,
            body_part=body_part,
            owner=None,
            defaults={"findings": findings, "impression": impression},
        )
        added += created
    return added


def load() -> bool:
    load_templates()
    if Report.objects.exists():
        return False
    users = get_user_model().objects.in_bulk(
        ["trainee", "physician", "leader"], field_name="username"
    )
    trainee, physician, leader = users["trainee"], users["physician"], users["leader"]
    exams = Exam.objects.filter(status=ExamStatus.COMPLETED).select_related("item").order_by("pk")
    for index, exam in enumerate(exams):
        findings, impression = normal_text(exam.modality, exam.item.body_part)
        author = trainee if index % 3 == 0 else physician
        try:
            report = services.save_draft(
                author,
                exam,
                services.Draft(findings, impression, positive=False, image_grade="A"),
                expected_version=0,
            )
            if index % 3 == 1:
                report = services.submit(author, report, DEMO_PASSWORD)
            elif index % 3 == 2:
                report = services.submit(author, report, DEMO_PASSWORD)
                if report.status != "final":
                    services.sign_final(leader, report, DEMO_PASSWORD)
        except RuleViolation:
            continue  # left as it stands, as a real reading room would
    urgent_ct = Exam.objects.filter(status=ExamStatus.COMPLETED, modality="CT").first()
    if urgent_ct:
        critical.flag_critical(
            physician, urgent_ct, "intracerebral_haemorrhage", "右侧基底节区脑出血，出血量约32ml"
        )
    return True
