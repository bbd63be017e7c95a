"""Printable quality documents: the signed assessment (QLT-4, QLT-6)."""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from yiji.orders.slip import FONT
from yiji.quality.models import Assessment
from yiji.reports.document import BODY, HEAD, SMALL, TITLE

GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, "#999999"),
        ("BACKGROUND", (0, 0), (-1, 0), "#eeeeee"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
)
UNITS = {"rate": "%", "permille": "‰"}


def shown(value, kind: str = "rate") -> str:
    if value is None:
        return "—"
    if kind == "count":
        return f"{value:.0f}"
    return f"{value:.1f}{UNITS.get(kind, '')}"


def _table(rows: list[list], widths: list[float]) -> Table:
    table = Table(
        [[Paragraph(str(cell), SMALL) for cell in row] for row in rows],
        colWidths=[w * mm for w in widths],
        repeatRows=1,
    )
    table.setStyle(GRID)
    return table


def _document(buffer, title: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=title,
    )


def _page_number(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 9)
    canvas.drawCentredString(A4[0] / 2, 9 * mm, f"第 {doc.page} 页")
    canvas.restoreState()


def assessment_pdf(assessment: Assessment, hospital_name: str) -> bytes:
    buffer = io.BytesIO()
    kind = "年度" if assessment.kind == "year" else "半年"
    title = f"{assessment.department.name}{kind}质量考核"
    figures = [["指标集", "代码", "指标", "分子/分母", "结果", "目标", "达标"]]
    for f in assessment.figures:
        target = "" if f["target"] is None else ("≥" if f["floor"] else "≤") + f"{f['target']:g}"
        met = {True: "是", False: "否"}.get(f["met"], "")
        ratio = (
            str(f["denominator"])
            if f["kind"] == "count"
            else f"{f['numerator']}/{f['denominator']}"
        )
        figures.append(
            [f"{f['set']}（{f['version']}）", f["code"], f["name_zh"], ratio,
             shown(f["value"], f["kind"]), target, met]
        )  # fmt: skip
    people = [
        ["工号", "姓名", "检查/报告", "阳性率", "甲级片率", "符合率", "满意度", "医德医风", "等级"]
    ]
    for line in assessment.lines.select_related("staff"):
        own = line.figures

        def value(code, kind="rate", own=own):
            return shown(own[code][2], kind) if code in own else "—"

        people.append(
            [line.staff.employee_no, line.staff.name,
             f"{value('EXAMS', 'count')}/{own.get('POSITIVE', [0, 0])[1]}", value("POSITIVE"),
             value("GRADE-A"), value("CONCORDANCE"), value("SATISFACTION"),
             "—" if line.score is None else f"{line.score}（红包{line.red_envelopes}）",
             line.get_grade_display() or "未评"]
        )  # fmt: skip
    sat = assessment.satisfaction
    story = [
        Paragraph(hospital_name, TITLE),
        Paragraph(title, TITLE),
        Paragraph(f"考核期：{assessment.period_start} 至 {assessment.period_end}", BODY),
        Paragraph("一、质量指标", HEAD),
        _table(figures, [42, 20, 44, 24, 18, 16, 12]),
        Paragraph("二、患者满意度", HEAD),
        Paragraph(
            f"回收调查表 {sat.get('surveys', 0)} 份，满意率 {shown(sat.get('rate'))}；"
            f"总体 {sat.get('overall') or '—'}，候诊时间 {sat.get('waiting') or '—'}，"
            f"服务态度 {sat.get('attitude') or '—'}，解释说明 {sat.get('explanation') or '—'}，"
            f"环境 {sat.get('environment') or '—'}（5分制均分）。",
            BODY,
        ),
        Paragraph("三、个人考核与医德医风考评", HEAD),
        _table(people, [18, 18, 22, 18, 18, 18, 18, 28, 22]),
        Paragraph("四、考核评价与结论", HEAD),
        *[Paragraph(p or "&nbsp;", BODY) for p in (assessment.summary or "—").splitlines()],
        Paragraph("五、整改措施", HEAD),
        *[Paragraph(p or "&nbsp;", BODY) for p in (assessment.improvements or "—").splitlines()],
        Spacer(1, 8 * mm),
    ]
    signature = assessment.signature
    if signature:
        signed = timezone.localtime(signature.signed_at).strftime("%Y-%m-%d %H:%M")
        story.append(
            Paragraph(f"科主任签字：{signature.signer_name}（{signature.title}）  {signed}", BODY)
        )
    else:
        story.append(Paragraph("科主任签字：（未签字，草稿）", BODY))
    _document(buffer, title).build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()


SOURCE_NAMES = {"outpatient": "门诊", "inpatient": "住院", "emergency": "急诊", "checkup": "体检"}


def _annual_rows(figures) -> list[list[str]]:
    from yiji.quality.annual import SOURCES

    rows = [["检查类别", *[SOURCE_NAMES[s] for s in SOURCES], "合计", "去年", "增减"]]
    for line in [*figures.lines, figures.total]:
        rows.append(
            [line.label, *[str(line.counts.get(s, 0)) for s in SOURCES], str(line.total),
             str(line.last_year), shown(line.change)]
        )  # fmt: skip
    return rows


def _annual_sections(figures, summary) -> list[tuple[str, str]]:
    revenue = (
        f"全年检查收入 {figures.revenue:,.2f} 元，去年 {figures.revenue_last_year:,.2f} 元，"
        f"增减 {shown(figures.revenue_change)}。"
    )
    indicators = "；".join(
        f"{indicator.name_zh} {shown(figure.value, indicator.kind)}"
        for indicator, figure in figures.indicators
    )
    return [
        ("二、业务收入", revenue),
        ("三、主要质量指标", indicators + "。"),
        ("四、工作总结", summary.work if summary else ""),
        ("五、存在问题", summary.problems if summary else ""),
        ("六、下年度工作计划", summary.plans if summary else ""),
    ]


def _month_chart(figures):
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    drawing = Drawing(170 * mm, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 10 * mm, 150 * mm, 45 * mm
    chart.data = [figures.months_last_year, figures.months]
    chart.categoryAxis.categoryNames = [f"{m}月" for m in range(1, 13)]
    chart.categoryAxis.labels.fontName = FONT
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#b0bec5")
    chart.bars[1].fillColor = colors.HexColor("#1f6fb2")
    legend = Legend()
    legend.fontName = FONT
    legend.x, legend.y = 130 * mm, 60 * mm
    legend.colorNamePairs = [
        (colors.HexColor("#b0bec5"), f"{figures.year - 1}年"),
        (colors.HexColor("#1f6fb2"), f"{figures.year}年"),
    ]
    drawing.add(chart)
    drawing.add(legend)
    return drawing


def annual_pdf(department, figures, summary, hospital_name: str) -> bytes:
    buffer = io.BytesIO()
    title = f"{department.name}{figures.year}年度工作总结"
    story = [
        Paragraph(hospital_name, TITLE),
        Paragraph(title, TITLE),
        Paragraph("一、工作量（人次）", HEAD),
        _table(_annual_rows(figures), [30, 18, 18, 18, 18, 20, 20, 18]),
        Paragraph("各月检查人次", SMALL),
        _month_chart(figures),
    ]
    for heading, text in _annual_sections(figures, summary):
        story.append(Paragraph(heading, HEAD))
        story += [Paragraph(p or "&nbsp;", BODY) for p in (text or "—").splitlines()]
    _document(buffer, title).build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()


def annual_docx(department, figures, summary, hospital_name: str) -> bytes:
    """The same summary as a Word document, for the director to edit further."""
    from docx import Document
    from docx.oxml.ns import qn

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    document.add_heading(f"{hospital_name} {department.name}{figures.year}年度工作总结", level=1)
    document.add_heading("一、工作量（人次）", level=2)
    rows = _annual_rows(figures)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    document.add_paragraph(
        "各月检查人次：" + "、".join(f"{m}月 {n}" for m, n in enumerate(figures.months, start=1))
    )
    for heading, text in _annual_sections(figures, summary):
        document.add_heading(heading, level=2)
        for paragraph in (text or "—").splitlines():
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
