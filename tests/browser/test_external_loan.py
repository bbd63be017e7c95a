"""An external loan in a real browser (ARC-2): the registration desk records a request for
films to go to another hospital, medical affairs approves it with an electronic signature,
the desk hands the films out, then records their return."""

from __future__ import annotations

import pytest

from yiji.site.demo import hospital as demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    from yiji.site.demo import clinical

    demo.load()
    clinical.load()
    return live_server.url


def _page(browser, site, username):
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_default_timeout(15000)
    page.goto(site + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", demo.DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(site + "/")
    return page


def test_a_film_lent_outside_the_hospital(page, browser, site, login):
    from yiji.archive.models import Loan, LoanStatus
    from yiji.orders.models import Exam, ExamStatus

    exam = Exam.objects.filter(status=ExamStatus.COMPLETED, modality="DR").first()
    assert exam is not None, "the demo has no completed radiograph"

    login(site, "clerk")
    page.goto(f"{site}/archive/loans/")
    form = page.locator("#loan-request")
    form.locator("input[name=accession]").fill(exam.accession)
    form.locator("select[name=kind]").select_option("borrow")
    form.locator("select[name=medium]").select_option("film")
    form.locator("input[name=borrower_name]").fill("陈建华（患者家属）")
    form.locator("input[name=borrower_unit]").fill("省第二人民医院")
    form.locator("input[name=outside]").check()
    form.locator("input[name=purpose]").fill("转院会诊")
    form.locator("button.primary").click()
    page.wait_for_url(f"{site}/archive/loans/*/")
    assert "医务科审批" in page.content()
    loan = Loan.objects.get(exam=exam)
    assert loan.steps == ["medical_affairs"]
    assert page.locator("#hand-out").count() == 0  # nothing to hand out before approval

    officer = _page(browser, site, "medaffairs")
    officer.goto(f"{site}/archive/loans/{loan.pk}/")
    officer.fill("#sign-loan input[name=secret]", demo.DEMO_PASSWORD)
    officer.click("#sign-loan button[value=approve]")
    officer.wait_for_load_state()
    assert "已记录" in officer.content()
    loan.refresh_from_db()
    assert loan.status == LoanStatus.APPROVED
    assert loan.signatures.get().signature.meaning == "院外借阅审批"

    page.reload()
    page.click("#hand-out")
    page.wait_for_load_state()
    loan.refresh_from_db()
    assert loan.status == LoanStatus.HANDED_OUT
    page.fill("input[name=note]", "胶片完好")
    page.click("#take-back")
    page.wait_for_load_state()
    loan.refresh_from_db()
    assert loan.status == LoanStatus.RETURNED and loan.return_note == "胶片完好"
    slip = page.goto(f"{site}/archive/loans/{loan.pk}/?print=1")
    assert slip.ok and "影像资料借阅单" in page.content() and "院外借阅审批" in page.content()
