"""The lab's starting catalogue: panels (as exam items, ordered like any exam, ORD-1) and the
analytes in them, with units, reference ranges by sex and age (WS/T 404, WS/T 405 adult
intervals) and critical limits (INDICATORS.md; the crit.lab_* policy settings override).

Loaded by the demo and by `yiji lab_catalogue`; a hospital edits it under Reference data.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from django.db import transaction

from yiji.core.models import Department
from yiji.lab.models import (
    Container,
    LabItem,
    LabTest,
    PanelTest,
    ReferenceRange,
    Section,
    SpecimenType,
)
from yiji.orders.models import ExamItem, Modality


class Test(NamedTuple):
    code: str
    name: str
    name_en: str
    unit: str
    decimals: int
    loinc: str
    # (sex, age from, age to, low, high); None is an open end.
    ranges: tuple = ()
    critical_policy: str = ""
    critical: tuple = (None, None)
    delta: int | None = None
    qualitative: bool = False
    method: str = ""


def _r(*rows):
    return tuple(rows)


TESTS = (
    Test(
        "WBC",
        "白细胞计数",
        "White cell count",
        "×10⁹/L",
        2,
        "6690-2",
        _r(("", 0, None, "3.5", "9.5")),
        "crit.lab_wbc",
        delta=50,
        method="电阻抗法",
    ),
    Test(
        "RBC",
        "红细胞计数",
        "Red cell count",
        "×10¹²/L",
        2,
        "789-8",
        _r(("M", 0, None, "4.3", "5.8"), ("F", 0, None, "3.8", "5.1")),
        method="电阻抗法",
    ),
    Test(
        "HGB",
        "血红蛋白",
        "Haemoglobin",
        "g/L",
        0,
        "718-7",
        _r(("", 0, 14, "110", "160"), ("M", 14, None, "130", "175"), ("F", 14, None, "115", "150")),
        "crit.lab_haemoglobin",
        delta=20,
        method="比色法",
    ),
    Test(
        "PLT",
        "血小板计数",
        "Platelet count",
        "×10⁹/L",
        0,
        "777-3",
        _r(("", 0, None, "125", "350")),
        "crit.lab_platelets",
        delta=50,
        method="电阻抗法",
    ),
    Test(
        "NEUT%", "中性粒细胞百分比", "Neutrophils", "%", 1, "770-8", _r(("", 0, None, "40", "75"))
    ),
    Test(
        "ALT",
        "丙氨酸氨基转移酶",
        "Alanine aminotransferase",
        "U/L",
        0,
        "1742-6",
        _r(("M", 0, None, "9", "50"), ("F", 0, None, "7", "40")),
        method="速率法",
    ),
    Test(
        "AST",
        "天门冬氨酸氨基转移酶",
        "Aspartate aminotransferase",
        "U/L",
        0,
        "1920-8",
        _r(("M", 0, None, "15", "40"), ("F", 0, None, "13", "35")),
        method="速率法",
    ),
    Test(
        "TBIL",
        "总胆红素",
        "Total bilirubin",
        "μmol/L",
        1,
        "1975-2",
        _r(("", 0, None, "0", "21")),
        method="钒酸盐氧化法",
    ),
    Test("ALB", "白蛋白", "Albumin", "g/L", 1, "1751-7", _r(("", 0, None, "40", "55"))),
    Test(
        "UREA",
        "尿素",
        "Urea",
        "mmol/L",
        2,
        "22664-7",
        _r(("M", 0, None, "3.1", "8.0"), ("F", 0, None, "2.6", "7.5")),
        method="脲酶法",
    ),
    Test(
        "CREA",
        "肌酐",
        "Creatinine",
        "μmol/L",
        0,
        "14682-9",
        _r(("M", 0, None, "57", "97"), ("F", 0, None, "41", "73")),
        delta=50,
        method="酶法",
    ),
    Test(
        "UA",
        "尿酸",
        "Uric acid",
        "μmol/L",
        0,
        "14933-6",
        _r(("M", 0, None, "208", "428"), ("F", 0, None, "155", "357")),
    ),
    Test(
        "K",
        "钾",
        "Potassium",
        "mmol/L",
        2,
        "2823-3",
        _r(("", 0, None, "3.5", "5.3")),
        "crit.lab_potassium",
        delta=20,
        method="离子选择电极法",
    ),
    Test(
        "NA",
        "钠",
        "Sodium",
        "mmol/L",
        1,
        "2951-2",
        _r(("", 0, None, "137", "147")),
        "crit.lab_sodium",
        delta=10,
        method="离子选择电极法",
    ),
    Test("CL", "氯", "Chloride", "mmol/L", 1, "2075-0", _r(("", 0, None, "99", "110"))),
    Test(
        "GLU",
        "葡萄糖",
        "Glucose",
        "mmol/L",
        2,
        "2345-7",
        _r(("", 0, None, "3.9", "6.1")),
        "crit.lab_glucose",
        delta=50,
        method="己糖激酶法",
    ),
    Test(
        "TC", "总胆固醇", "Total cholesterol", "mmol/L", 2, "2093-3", _r(("", 0, None, None, "5.2"))
    ),
    Test("TG", "甘油三酯", "Triglycerides", "mmol/L", 2, "2571-8", _r(("", 0, None, None, "1.7"))),
    Test(
        "HDL",
        "高密度脂蛋白胆固醇",
        "HDL cholesterol",
        "mmol/L",
        2,
        "2085-9",
        _r(("", 0, None, "1.0", None)),
    ),
    Test(
        "LDL",
        "低密度脂蛋白胆固醇",
        "LDL cholesterol",
        "mmol/L",
        2,
        "13457-7",
        _r(("", 0, None, None, "3.4")),
    ),
    Test(
        "PT",
        "凝血酶原时间",
        "Prothrombin time",
        "s",
        1,
        "5902-2",
        _r(("", 0, None, "11.0", "14.5")),
        critical=(None, "30"),
    ),
    Test(
        "INR",
        "国际标准化比值",
        "INR",
        "",
        2,
        "6301-6",
        _r(("", 0, None, "0.8", "1.2")),
        critical=(None, "4.5"),
    ),
    Test(
        "APTT",
        "活化部分凝血活酶时间",
        "APTT",
        "s",
        1,
        "3173-2",
        _r(("", 0, None, "25", "37")),
        critical=(None, "80"),
    ),
    Test(
        "FIB",
        "纤维蛋白原",
        "Fibrinogen",
        "g/L",
        2,
        "3255-7",
        _r(("", 0, None, "2", "4")),
        critical=("1.0", None),
    ),
    Test("UPRO", "尿蛋白", "Urine protein", "", 0, "20454-5", qualitative=True),
    Test("UGLU", "尿糖", "Urine glucose", "", 0, "25428-4", qualitative=True),
    Test(
        "UWBC", "尿白细胞", "Urine white cells", "/μL", 0, "30405-5", _r(("", 0, None, "0", "25"))
    ),
    Test(
        "BC",
        "血培养",
        "Blood culture",
        "",
        0,
        "600-7",
        qualitative=True,
        critical_policy="crit.lab_blood_culture_positive",
    ),
    Test(
        "HBSAG",
        "乙肝表面抗原",
        "Hepatitis B surface antigen",
        "",
        0,
        "5196-1",
        qualitative=True,
        method="化学发光法",
    ),
)


class Panel(NamedTuple):
    code: str
    name: str
    name_en: str
    section: str
    specimen: str
    container: str
    volume: str
    price: str
    tests: tuple[str, ...]
    special: bool = False
    fasting: bool = False


S, C = SpecimenType, Container
PANELS = (
    Panel("LAB-CBC", "血常规", "Complete blood count", Section.CLINICAL, S.WHOLE_BLOOD,
          C.EDTA, "2", "20", ("WBC", "RBC", "HGB", "PLT", "NEUT%")),
    Panel("LAB-LFT", "肝功能", "Liver function", Section.BIOCHEMISTRY, S.SERUM, C.GEL, "3",
          "45", ("ALT", "AST", "TBIL", "ALB")),
    Panel("LAB-RFT", "肾功能", "Renal function", Section.BIOCHEMISTRY, S.SERUM, C.GEL, "3",
          "30", ("UREA", "CREA", "UA")),
    Panel("LAB-ELEC", "电解质", "Electrolytes", Section.BIOCHEMISTRY, S.SERUM, C.GEL, "3",
          "25", ("K", "NA", "CL")),
    Panel("LAB-GLU", "血糖", "Glucose", Section.BIOCHEMISTRY, S.PLASMA, C.FLUORIDE, "2", "8",
          ("GLU",), fasting=True),
    Panel("LAB-LIPID", "血脂四项", "Lipids", Section.BIOCHEMISTRY, S.SERUM, C.GEL, "3", "40",
          ("TC", "TG", "HDL", "LDL"), fasting=True),
    Panel("LAB-COAG", "凝血四项", "Coagulation", Section.CLINICAL, S.PLASMA, C.CITRATE, "2.7",
          "60", ("PT", "INR", "APTT", "FIB")),
    Panel("LAB-URINE", "尿常规", "Urinalysis", Section.CLINICAL, S.URINE, C.URINE_CUP, "10",
          "15", ("UPRO", "UGLU", "UWBC")),
    Panel("LAB-BC", "血培养", "Blood culture", Section.MICROBIOLOGY, S.BLOOD_CULTURE,
          C.CULTURE_BOTTLE, "8", "120", ("BC",), special=True),
    Panel("LAB-HBSAG", "乙肝表面抗原", "Hepatitis B surface antigen", Section.BIOCHEMISTRY,
          S.SERUM, C.GEL, "3", "25", ("HBSAG",), special=True),
)  # fmt: skip


FASTING_EN = "Fast for at least 8 hours before the sample."


def _dec(value):
    return None if value is None else Decimal(value)


@transaction.atomic
def load(department: Department) -> int:
    """Put the starting lab catalogue in place for a lab department (idempotent); returns how
    many panels were added."""
    tests = {}
    for t in TESTS:
        low, high = t.critical
        test, created = LabTest.objects.get_or_create(
            code=t.code,
            defaults={
                "name": t.name, "name_en": t.name_en, "unit": t.unit, "decimals": t.decimals,
                "loinc": t.loinc, "method": t.method, "qualitative": t.qualitative,
                "critical_policy": t.critical_policy, "critical_low": _dec(low),
                "critical_high": _dec(high), "delta_percent": t.delta,
            },
        )  # fmt: skip
        if created:
            ReferenceRange.objects.bulk_create(
                ReferenceRange(
                    test=test, sex=sex, age_from=a, age_to=b, low=_dec(lo), high=_dec(hi)
                )
                for sex, a, b, lo, hi in t.ranges
            )  # fmt: skip
        tests[t.code] = test
    added = 0
    for p in PANELS:
        item, created = ExamItem.objects.get_or_create(
            code=p.code,
            defaults={
                "name": p.name, "name_en": p.name_en, "department": department,
                "modality": Modality.LAB, "price": Decimal(p.price), "duration_minutes": 5,
                "fasting": p.fasting,
                "preparation": "空腹8小时以上采血。" if p.fasting else "",
                "preparation_en": FASTING_EN if p.fasting else "",
            },
        )  # fmt: skip
        if LabItem.objects.filter(item=item).exists():
            continue
        panel = LabItem.objects.create(
            item=item, section=p.section, specimen_type=p.specimen, container=p.container,
            volume_ml=Decimal(p.volume), special=p.special,
        )  # fmt: skip
        PanelTest.objects.bulk_create(
            PanelTest(panel=panel, test=tests[code], position=i) for i, code in enumerate(p.tests)
        )
        added += created
    return added
