"""The one place that answers "may this user do this action (on this object)?".

Views, the API and (later) the HL7 and DICOM handlers all ask `may()` or `require()`. A refusal
carries the rule ID it rests on and a message in Chinese and English.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from yiji.core.models import Department, Role, RoleAssignment

R = Role


class Action(models.TextChoices):
    VIEW_PATIENT = "view_patient", _("View a patient's record")
    REGISTER_PATIENT = "register_patient", _("Register or edit a patient")
    VIEW_STAFF = "view_staff", _("View staff and credentials")
    MANAGE_STAFF = "manage_staff", _("Manage staff, roles and credentials")
    VIEW_POLICY = "view_policy", _("View policy settings")
    EDIT_POLICY = "edit_policy", _("Change policy settings")
    VIEW_AUDIT = "view_audit", _("Read the audit log")
    VIEW_RULES = "view_rules", _("Read the rule registry")
    ADMIN_SITE = "admin_site", _("Maintain reference data")
    MANAGE_CATALOGUE = "manage_catalogue", _("Edit the exam catalogue")
    ORDER_EXAM = "order_exam", _("Create a requisition")
    CANCEL_ORDER = "cancel_order", _("Cancel a requisition")
    BOOK_EXAM = "book_exam", _("Book, reschedule or cancel an appointment")
    OVERRIDE_RULE = "override_rule", _("Override a scheduling rule with a reason")
    PERFORM_EXAM = "perform_exam", _("Call patients and perform exams")
    WRITE_REPORT = "write_report", _("Write report drafts")
    SIGN_REPORT = "sign_report", _("Sign reports")
    READ_RESULTS = "read_results", _("Read released reports of own patients")
    VIEW_QUALITY = "view_quality", _("See turnaround and quality figures")
    RECEIVE_RESULTS = "receive_results", _("Receive released reports (hospital systems)")
    MANAGE_INTERFACES = "manage_interfaces", _("Monitor interfaces and reprocess messages")
    RUN_READING_SESSION = "run_reading_session", _("Run the collective reading session")
    MANAGE_TEMPLATES = "manage_templates", _("Maintain the department's report templates")
    EDIT_CALENDAR = "edit_calendar", _("Edit the holiday calendar")
    ASSESS_QUALITY = "assess_quality", _("Quality assessments, QC inspections, staff evaluation")
    SIGN_ASSESSMENT = "sign_assessment", _("Sign quality assessments")
    RECORD_SURVEY = "record_survey", _("Enter satisfaction surveys")
    MANAGE_EQUIPMENT = "manage_equipment", _("Keep device files and repair records")
    REPORT_FAULT = "report_fault", _("See devices and report a fault")
    VIEW_ROSTER = "view_roster", _("See the duty roster, write handovers, request leave")
    MANAGE_ROSTER = "manage_roster", _("Make and publish the duty roster")
    APPROVE_LEAVE = "approve_leave", _("Approve leave")
    MANAGE_TRAINING = "manage_training", _("Keep study sessions, rotations and training plans")
    MANAGE_DOSIMETRY = "manage_dosimetry", _("Keep personal dose and health-check records")
    REPORT_INCIDENT = "report_incident", _("Report an error, accident or near miss")
    HANDLE_INCIDENT = "handle_incident", _("Investigate and close errors and accidents")
    MANAGE_BACKUPS = "manage_backups", _("Run and check backups and restore tests")
    REQUEST_LOAN = "request_loan", _("Request to borrow or copy images")
    HANDLE_LOAN = "handle_loan", _("Keep the film archive: locations, hand-out and return")
    COLLECT_SPECIMEN = "collect_specimen", _("Print specimen labels and collect specimens")
    PROCESS_SPECIMEN = (
        "process_specimen",
        _("Receive, reject, store and test specimens; run internal QC"),
    )
    RELEASE_LAB_RESULT = (
        "release_lab_result",
        _("Verify and release lab results; keep control materials and EQA"),
    )


@dataclass(frozen=True)
class Grant:
    roles: frozenset[str]
    rule: str
    zh: str
    en: str


def _grant(roles: set[str], rule: str, zh: str, en: str) -> Grant:
    return Grant(frozenset(roles), rule, zh, en)


CLINICAL_READERS = {
    R.DIRECTOR,
    R.DEPUTY_DIRECTOR,
    R.GROUP_LEADER,
    R.PHYSICIAN,
    R.TRAINEE,
    R.TECHNOLOGIST,
    R.CLERK,
    R.NURSE,
    R.QC_OFFICER,
    R.CLINICIAN,
    R.MEDICAL_AFFAIRS,
    R.LAB_TECHNOLOGIST,
    R.LAB_REVIEWER,
}
MANAGERS = {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.GROUP_LEADER, R.QC_OFFICER, R.MEDICAL_AFFAIRS}
# Everyone who works in a medical-technology department.
DEPARTMENT_STAFF = {
    R.DIRECTOR,
    R.DEPUTY_DIRECTOR,
    R.GROUP_LEADER,
    R.PHYSICIAN,
    R.TRAINEE,
    R.TECHNOLOGIST,
    R.CLERK,
    R.NURSE,
    R.ENGINEER,
    R.QC_OFFICER,
    R.LAB_TECHNOLOGIST,
    R.LAB_REVIEWER,
}
ROSTER_MAKERS = {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.GROUP_LEADER}

GRANTS: dict[str, Grant] = {
    Action.VIEW_PATIENT: _grant(
        CLINICAL_READERS | {R.INTERFACE},
        "ARC-5",
        "只有参与诊疗的人员可以查看患者资料。",
        "Only staff involved in care may see a patient's record.",
    ),
    Action.REGISTER_PATIENT: _grant(
        {R.CLERK, R.NURSE, R.CLINICIAN, R.INTERFACE},
        "ORD-6",
        "患者登记由登记员、护士或临床医师完成。",
        "Patients are registered by a registration clerk, nurse or clinician.",
    ),
    Action.VIEW_STAFF: _grant(
        MANAGERS | {R.ADMIN},
        "STF-1",
        "人员与资质档案只对科室管理人员开放。",
        "Staff and credential files are open to department management only.",
    ),
    Action.MANAGE_STAFF: _grant(
        {R.DIRECTOR, R.ADMIN},
        "STF-1",
        "人员、角色和资质由科主任或系统管理员维护。",
        "Staff, roles and credentials are maintained by the director or the administrator.",
    ),
    Action.VIEW_POLICY: _grant(
        MANAGERS | {R.ADMIN},
        "STF-1",
        "制度参数只对科室管理人员开放。",
        "Policy settings are open to department management only.",
    ),
    Action.EDIT_POLICY: _grant(
        {R.DIRECTOR},
        "STF-1",
        "制度参数只能由科主任修改（本科室的参数由本科室主任修改）。",
        "Only the department director may change policy settings (of their own department).",
    ),
    Action.VIEW_AUDIT: _grant(
        {R.DIRECTOR, R.MEDICAL_AFFAIRS, R.ADMIN},
        "ARC-5",
        "审计日志只对科主任、医务科和系统管理员开放。",
        "The audit log is open to the director, medical affairs and the administrator only.",
    ),
    Action.VIEW_RULES: _grant(
        set(Role.values),
        "STF-1",
        "制度规则向全体人员公开。",
        "The rules are open to all staff.",
    ),
    Action.ADMIN_SITE: _grant(
        {R.ADMIN},
        "ARC-5",
        "基础数据只能由系统管理员维护。",
        "Reference data is maintained by the system administrator only.",
    ),
    Action.MANAGE_CATALOGUE: _grant(
        {R.DIRECTOR},
        "STF-1",
        "检查项目目录由科主任维护。",
        "The exam catalogue is maintained by the department director.",
    ),
    Action.ORDER_EXAM: _grant(
        {R.CLINICIAN, R.CLERK, R.INTERFACE},
        "ORD-1",
        "申请单由临床医师填写（登记员可录入纸质申请单）。",
        "Requisitions are filled in by clinicians (clerks may enter paper requisitions).",
    ),
    Action.CANCEL_ORDER: _grant(
        {R.CLINICIAN, R.CLERK, R.DIRECTOR, R.INTERFACE},
        "ORD-1",
        "只有临床医师、登记员或科主任可以撤销申请单。",
        "Only a clinician, a clerk or the director may cancel a requisition.",
    ),
    Action.BOOK_EXAM: _grant(
        {R.CLERK, R.NURSE, R.INTERFACE},
        "SCH-1",
        "预约由登记员或护士办理。",
        "Appointments are made by the registration clerk or a nurse.",
    ),
    Action.OVERRIDE_RULE: _grant(
        {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.GROUP_LEADER},
        "STF-1",
        "只有科主任、副主任或组长可以书面说明理由后越过预约规则。",
        "Only the director, a deputy or a group leader may override a rule, with a reason.",
    ),
    Action.PERFORM_EXAM: _grant(
        {R.TECHNOLOGIST, R.PHYSICIAN, R.TRAINEE, R.NURSE, R.INTERFACE},
        "EXM-3",
        "检查由技师或检查医师（超声、心电图）操作。",
        "Exams are performed by technologists or examining physicians (ultrasound, ECG).",
    ),
    Action.WRITE_REPORT: _grant(
        {R.PHYSICIAN, R.TRAINEE},
        "RPT-1",
        "报告由诊断医师（含进修、规培人员）书写。",
        "Reports are written by diagnostic physicians and trainees.",
    ),
    Action.SIGN_REPORT: _grant(
        {R.PHYSICIAN},
        "RPT-2",
        "报告只能由执业医师签发；进修、实习、规培人员须由上级医师签字。",
        "Only licensed physicians sign reports; trainees' reports are signed by a superior.",
    ),
    Action.READ_RESULTS: _grant(
        {R.CLINICIAN},
        "ARC-5",
        "临床医师只能查看本人或本科室患者已发出的报告。",
        "Clinicians read released reports of their own or their department's patients only.",
    ),
    Action.VIEW_QUALITY: _grant(
        MANAGERS,
        "QLT-4",
        "质量与报告时限统计只对科室管理人员开放。",
        "Turnaround and quality figures are open to department management.",
    ),
    Action.RECEIVE_RESULTS: _grant(
        {R.INTERFACE},
        "RPT-11",
        "只有接口账户（医院信息系统）可以批量接收已发出的报告。",
        "Only interface accounts (hospital systems) receive released reports in bulk.",
    ),
    Action.MANAGE_INTERFACES: _grant(
        {R.ADMIN, R.DIRECTOR},
        "RPT-11",
        "接口监控与消息重处理由系统管理员或科主任负责。",
        "Interfaces are monitored, and messages reprocessed, by the administrator or director.",
    ),
    Action.MANAGE_TEMPLATES: _grant(
        {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.GROUP_LEADER},
        "RPT-10",
        "科室报告模板由科主任和组长维护。",
        "The department's report templates are maintained by the director and group leaders.",
    ),
    Action.RUN_READING_SESSION: _grant(
        {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.GROUP_LEADER, R.PHYSICIAN},
        "CNF-1",
        "集体阅片会诊由科室医师组织和记录。",
        "The collective reading session is run and recorded by the department's physicians.",
    ),
    Action.EDIT_CALENDAR: _grant(
        {R.DIRECTOR, R.ADMIN},
        "CNF-1",
        "节假日日历由科主任或系统管理员维护。",
        "The holiday calendar is kept by the director or the administrator.",
    ),
    Action.ASSESS_QUALITY: _grant(
        {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.QC_OFFICER},
        "QLT-6",
        "质量考核、质控检查与医德医风考评由科主任、副主任或质控员进行。",
        "Quality assessments, QC inspections and the ethics evaluation are made by the "
        "director, a deputy or the QC officer.",
    ),
    Action.SIGN_ASSESSMENT: _grant(
        {R.DIRECTOR},
        "QLT-4",
        "质量考核由科主任签字。",
        "Quality assessments are signed by the department director.",
    ),
    Action.RECORD_SURVEY: _grant(
        {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.QC_OFFICER, R.CLERK, R.NURSE},
        "QLT-6",
        "满意度调查表由登记员、护士或科室管理人员录入。",
        "Satisfaction surveys are entered by clerks, nurses or department management.",
    ),
    Action.MANAGE_EQUIPMENT: _grant(
        {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.ENGINEER},
        "EQP-1",
        "设备档案和维修记录由设备工程师或科室主任维护。",
        "Device files and repair records are kept by the engineer or the directors.",
    ),
    Action.REPORT_FAULT: _grant(
        DEPARTMENT_STAFF,
        "EQP-3",
        "科室人员发现设备故障应立即报告。",
        "Anyone in the department reports a device fault at once.",
    ),
    Action.VIEW_ROSTER: _grant(
        DEPARTMENT_STAFF,
        "STF-4",
        "排班表、交接班与请假只对科室人员开放。",
        "The roster, handovers and leave are open to the department's staff.",
    ),
    Action.MANAGE_ROSTER: _grant(
        ROSTER_MAKERS,
        "STF-4",
        "排班由科主任、副主任或组长负责。",
        "The roster is made by the director, a deputy or a group leader.",
    ),
    Action.APPROVE_LEAVE: _grant(
        ROSTER_MAKERS,
        "STF-3",
        "请假由组长或科主任批准。",
        "Leave is approved by the group leader or the director.",
    ),
    Action.MANAGE_TRAINING: _grant(
        ROSTER_MAKERS | {R.QC_OFFICER},
        "STF-8",
        "业务学习、轮转与培训计划由科主任、副主任、组长或质控员记录。",
        "Study sessions, rotations and training plans are kept by the directors, group "
        "leaders or the QC officer.",
    ),
    Action.MANAGE_DOSIMETRY: _grant(
        {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.QC_OFFICER, R.ENGINEER},
        "RAD-2",
        "个人剂量与健康检查档案由科主任、副主任、质控员或设备工程师（辐射防护管理）维护。",
        "Personal dose and health records are kept by the directors, the QC officer or the "
        "engineer in charge of radiation protection.",
    ),
    Action.REPORT_INCIDENT: _grant(
        DEPARTMENT_STAFF | {R.CLINICIAN, R.MEDICAL_AFFAIRS},
        "INC-1",
        "差错事故由当事人立即报告。",
        "Errors and accidents are reported at once by the person involved.",
    ),
    Action.REQUEST_LOAN: _grant(
        CLINICAL_READERS,
        "ARC-2",
        "借阅或复制影像资料由医务人员提出申请。",
        "Loans and copies of images are requested by clinical staff.",
    ),
    Action.HANDLE_LOAN: _grant(
        {R.CLERK, R.DIRECTOR, R.DEPUTY_DIRECTOR},
        "ARC-2",
        "影像档案的存放、借出与归还由登记处（档案管理）办理。",
        "The film archive, its hand-outs and returns are kept by the registration desk.",
    ),
    Action.MANAGE_BACKUPS: _grant(
        {R.ADMIN, R.DIRECTOR},
        "ARC-6",
        "数据备份与恢复由系统管理员或科主任负责。",
        "Backups and restores are the administrator's or the director's.",
    ),
    Action.COLLECT_SPECIMEN: _grant(
        {R.NURSE, R.LAB_TECHNOLOGIST, R.LAB_REVIEWER},
        "LAB-1",
        "标本由护士或检验人员核对患者身份后采集。",
        "Specimens are collected by a nurse or lab staff after checking the patient.",
    ),
    Action.PROCESS_SPECIMEN: _grant(
        {R.LAB_TECHNOLOGIST, R.LAB_REVIEWER, R.INTERFACE},
        "LAB-1",
        "标本的接收、拒收、保存、检测与室内质控由检验人员进行。",
        "Specimens are received, rejected, stored and tested, and QC run, by lab staff.",
    ),
    Action.RELEASE_LAB_RESULT: _grant(
        {R.LAB_REVIEWER},
        "LAB-3",
        "检验结果须经授权的审核者核对签名后发出。",
        "Lab results are released only after an authorised reviewer verifies and signs them.",
    ),
    Action.HANDLE_INCIDENT: _grant(
        {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.GROUP_LEADER, R.QC_OFFICER, R.MEDICAL_AFFAIRS},
        "INC-1",
        "差错事故由上级、医务（质控）人员调查，科主任书面报告。",
        "Errors and accidents are investigated by the superior or the medical officer and "
        "reported in writing by the director.",
    ),
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    action: str
    rule: str = ""
    message_zh: str = ""
    message_en: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def message(self) -> str:
        english = (get_language() or "zh-hans").startswith("en")
        text = self.message_en if english else self.message_zh
        return f"{text} [{self.rule}]" if self.rule else text


class PermissionRefused(PermissionError):
    def __init__(self, decision: Decision):
        super().__init__(decision.message_en)
        self.decision = decision


def role_assignments(user) -> list[RoleAssignment]:
    """The user's role assignments, loaded once per user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_yiji_roles", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(staff__user=user, staff__active=True).only(
                "role", "department_id", "group_id"
            )
        )
        user._yiji_roles = cached
    return cached


def roles_of(user) -> set[str]:
    return {assignment.role for assignment in role_assignments(user)}


def may(user, action: str, obj=None) -> Decision:
    grant = GRANTS[action]
    held = [a for a in role_assignments(user) if a.role in grant.roles]
    allowed = bool(held) and _object_allows(action, held, obj)
    if allowed:
        return Decision(True, action)
    return Decision(False, action, grant.rule, grant.zh, grant.en)


def require(user, action: str, obj=None) -> None:
    decision = may(user, action, obj)
    if not decision:
        raise PermissionRefused(decision)


def _object_allows(action: str, held: list[RoleAssignment], obj) -> bool:
    if action != Action.EDIT_POLICY:
        return True
    # A hospital-wide director (no department) sets hospital values and any department's;
    # a department director sets only their own department's values.
    if any(a.department_id is None for a in held):
        return True
    return isinstance(obj, Department) and any(a.department_id == obj.pk for a in held)
