"""Every role against every protected action: granted where the table says, refused elsewhere.

The expected table is written out here independently of yiji.core.permissions.GRANTS, so a
change to the grants that is not also made here fails.
"""

from __future__ import annotations

import pytest

from yiji.core.models import Role
from yiji.core.permissions import Action, PermissionRefused, may, require

R = Role
EVERYONE = set(Role.values)

EXPECTED = {
    Action.VIEW_PATIENT: {
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
        R.INTERFACE,
    },
    Action.REGISTER_PATIENT: {R.CLERK, R.NURSE, R.CLINICIAN, R.INTERFACE},
    Action.VIEW_STAFF: {
        R.DIRECTOR,
        R.DEPUTY_DIRECTOR,
        R.GROUP_LEADER,
        R.QC_OFFICER,
        R.MEDICAL_AFFAIRS,
        R.ADMIN,
    },
    Action.MANAGE_STAFF: {R.DIRECTOR, R.ADMIN},
    Action.VIEW_POLICY: {
        R.DIRECTOR,
        R.DEPUTY_DIRECTOR,
        R.GROUP_LEADER,
        R.QC_OFFICER,
        R.MEDICAL_AFFAIRS,
        R.ADMIN,
    },
    Action.EDIT_POLICY: {R.DIRECTOR},
    Action.VIEW_AUDIT: {R.DIRECTOR, R.MEDICAL_AFFAIRS, R.ADMIN},
    Action.VIEW_RULES: EVERYONE,
    Action.ADMIN_SITE: {R.ADMIN},
    Action.MANAGE_CATALOGUE: {R.DIRECTOR},
    Action.ORDER_EXAM: {R.CLINICIAN, R.CLERK, R.INTERFACE},
    Action.CANCEL_ORDER: {R.CLINICIAN, R.CLERK, R.DIRECTOR, R.INTERFACE},
    Action.BOOK_EXAM: {R.CLERK, R.NURSE, R.INTERFACE},
    Action.OVERRIDE_RULE: {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.GROUP_LEADER},
    Action.PERFORM_EXAM: {R.TECHNOLOGIST, R.PHYSICIAN, R.TRAINEE, R.NURSE, R.INTERFACE},
    Action.WRITE_REPORT: {R.PHYSICIAN, R.TRAINEE},
    Action.SIGN_REPORT: {R.PHYSICIAN},
    Action.READ_RESULTS: {R.CLINICIAN},
    Action.VIEW_QUALITY: {
        R.DIRECTOR,
        R.DEPUTY_DIRECTOR,
        R.GROUP_LEADER,
        R.QC_OFFICER,
        R.MEDICAL_AFFAIRS,
    },
    Action.RECEIVE_RESULTS: {R.INTERFACE},
    Action.MANAGE_INTERFACES: {R.ADMIN, R.DIRECTOR},
    Action.RUN_READING_SESSION: {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.GROUP_LEADER, R.PHYSICIAN},
    Action.MANAGE_TEMPLATES: {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.GROUP_LEADER},
    Action.EDIT_CALENDAR: {R.DIRECTOR, R.ADMIN},
    Action.ASSESS_QUALITY: {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.QC_OFFICER},
    Action.SIGN_ASSESSMENT: {R.DIRECTOR},
    Action.RECORD_SURVEY: {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.QC_OFFICER, R.CLERK, R.NURSE},
    Action.MANAGE_EQUIPMENT: {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.ENGINEER},
    Action.REPORT_FAULT: {
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
    },
    Action.VIEW_ROSTER: {
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
    },
    Action.MANAGE_ROSTER: {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.GROUP_LEADER},
    Action.APPROVE_LEAVE: {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.GROUP_LEADER},
    Action.MANAGE_TRAINING: {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.GROUP_LEADER, R.QC_OFFICER},
    Action.MANAGE_DOSIMETRY: {R.DIRECTOR, R.DEPUTY_DIRECTOR, R.QC_OFFICER, R.ENGINEER},
    Action.MANAGE_BACKUPS: {R.ADMIN, R.DIRECTOR},
    Action.REQUEST_LOAN: {
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
    },
    Action.HANDLE_LOAN: {R.CLERK, R.DIRECTOR, R.DEPUTY_DIRECTOR},
    Action.REPORT_INCIDENT: {
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
        R.CLINICIAN,
        R.MEDICAL_AFFAIRS,
    },
    Action.HANDLE_INCIDENT: {
        R.DIRECTOR,
        R.DEPUTY_DIRECTOR,
        R.GROUP_LEADER,
        R.QC_OFFICER,
        R.MEDICAL_AFFAIRS,
    },
    Action.COLLECT_SPECIMEN: {R.NURSE, R.LAB_TECHNOLOGIST, R.LAB_REVIEWER},
    Action.PROCESS_SPECIMEN: {R.LAB_TECHNOLOGIST, R.LAB_REVIEWER, R.INTERFACE},
    Action.RELEASE_LAB_RESULT: {R.LAB_REVIEWER},
}

CASES = [(action, role) for action in Action.values for role in Role.values]


def test_the_table_covers_every_action():
    assert set(EXPECTED) == set(Action.values)


@pytest.mark.parametrize(("action", "role"), CASES)
def test_role_against_action(make_staff, action, role):
    staff = make_staff(role, whole_hospital=True)
    decision = may(staff.user, action)
    if role in EXPECTED[action]:
        assert decision.allowed, f"{role} should be granted {action}"
        require(staff.user, action)
    else:
        assert not decision.allowed, f"{role} should be refused {action}"
        assert decision.rule and decision.message_zh and decision.message_en
        with pytest.raises(PermissionRefused):
            require(staff.user, action)


def test_anonymous_and_staffless_users_are_refused(db, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    plain = django_user_model.objects.create_user("plain", password="x")
    for user in (AnonymousUser(), plain):
        assert not any(may(user, action) for action in Action.values)


def test_an_inactive_staff_member_loses_every_role(make_staff):
    staff = make_staff(Role.DIRECTOR, whole_hospital=True)
    staff.active = False
    staff.save()
    user = type(staff.user).objects.get(pk=staff.user.pk)
    assert not may(user, Action.VIEW_AUDIT)


def test_a_department_director_sets_only_their_own_departments_values(make_staff, imaging, lab):
    director = make_staff(Role.DIRECTOR, department=imaging)
    assert may(director.user, Action.EDIT_POLICY, imaging)
    refused = may(director.user, Action.EDIT_POLICY, lab)
    assert not refused and refused.rule == "STF-1"
    assert not may(director.user, Action.EDIT_POLICY, None)  # hospital-wide values


def test_a_person_with_two_roles_has_both(make_staff):
    staff = make_staff(Role.CLERK, Role.ADMIN)
    assert may(staff.user, Action.REGISTER_PATIENT)
    assert may(staff.user, Action.ADMIN_SITE)
