"""What the synthetic hospital draws from: the shares of modalities, sources, exam and report
outcomes, the names, findings, diagnoses and faults it writes, `pick` that draws one value by
its share from a seeded stream, and `naive_utc`, the one form every generated moment takes."""

from __future__ import annotations

import datetime as dt
import random

UTC = dt.UTC
# Share of a day's exams by modality: a tertiary hospital's imaging, ultrasound, ECG and lab.
MIX = [
    ("DR", 0.27), ("CR", 0.01), ("CT", 0.20), ("MR", 0.07), ("MG", 0.02), ("RF", 0.02),
    ("DSA", 0.01), ("US", 0.18), ("ECG", 0.07), ("LAB", 0.15),
]  # fmt: skip
SOURCES = [("outpatient", 0.55), ("inpatient", 0.30), ("emergency", 0.10), ("checkup", 0.05)]
ENDED = [("completed", 0.95), ("cancelled", 0.025), ("no_show", 0.02), ("discontinued", 0.005)]
TODAY = [
    ("completed", 0.35), ("in_progress", 0.08), ("arrived", 0.12), ("booked", 0.35),
    ("requested", 0.10),
]  # fmt: skip
# How far reporting has gone: long ago nearly all signed; yesterday and today some still open.
REPORTS_ENDED = [("final", 0.955), ("amended", 0.015), ("preliminary", 0.01), ("draft", 0.02)]
REPORTS_YESTERDAY = [("final", 0.6), ("submitted", 0.15), ("draft", 0.1), ("none", 0.15)]
REPORTS_TODAY = [("final", 0.3), ("submitted", 0.2), ("draft", 0.2), ("none", 0.3)]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉宇浩然欣怡子涵梓轩"
FINDINGS = {
    False: [
        ("双肺纹理清晰，未见明确实质性病变。心影大小形态未见异常。", "未见明显异常。"),
        ("所示结构形态、信号未见明显异常，未见占位性病变。", "检查未见明显异常。"),
        ("各脏器形态大小正常，回声均匀，未见明显占位。", "未见明显异常。"),
        ("窦性心律，心率72次/分，各导联未见明显ST-T改变。", "正常心电图。"),
    ],
    True: [
        ("右肺下叶见一结节影，大小约8mm×6mm，边缘欠光整。", "右肺下叶结节，建议随访复查。"),
        ("肝右叶见类圆形低密度灶，边界清，增强扫描未见强化。", "肝右叶囊肿可能。"),
        ("左侧基底节区见斑片状异常信号，DWI呈高信号。", "左侧基底节区急性腔隙性脑梗死。"),
        ("胆囊内见强回声团伴声影，随体位移动。", "胆囊结石。"),
        ("窦性心律，V1-V4导联ST段抬高0.2mV。", "急性前壁心肌梗死可能，请结合临床。"),
        ("右侧第5、6肋骨骨皮质不连续，断端轻度错位。", "右侧第5、6肋骨骨折。"),
    ],
}
DIAGNOSES = ["咳嗽待查", "腹痛待查", "头晕", "胸痛", "体检", "外伤", "发热", "高血压", "糖尿病"]
FAULTS = ["开机自检报错", "球管打火", "探测器通讯中断", "检查床无法升降", "图像伪影", "网络中断"]
REJECTING = ("DR", "CR", "CT", "MR", "MG", "RF")
REJECT_REASONS = [
    ("positioning", 0.30), ("exposure", 0.20), ("motion", 0.20), ("artefact", 0.10),
    ("marker", 0.05), ("wrong_part", 0.05), ("equipment", 0.05), ("other", 0.05),
]  # fmt: skip
XRAY_DOSE = {"DR": (70, 10), "CR": (70, 12), "MG": (28, 60), "RF": (80, 3), "DSA": (85, 4)}


def pick(rng: random.Random, shares: list[tuple[str, float]]) -> str:
    u, total = rng.random(), 0.0
    for value, share in shares:
        total += share
        if u < total:
            return value
    return shares[-1][0]


def naive_utc(moment: dt.datetime) -> dt.datetime:
    """Every moment here is a naive UTC datetime: both backends take them on their bulk path
    (Django's connections run in UTC), which saves converting millions of values."""
    return moment.astimezone(UTC).replace(tzinfo=None)
