"""The web load of bench/load.py: a department's people at work in realistic shares, each
logged in with the demo account of their role, pausing between actions.

- clerks (30 %): the worklist, a patient search, a new requisition through the API;
- technologists (25 %): their room's waiting queue, an exam's page;
- physicians (25 %): the reading list, a report opened and its draft saved (autosave);
- clinicians (20 %): their results list and one result.

Two paces (`YIJI_LOAD_PACE`):

- `workflow` (the default): each role at the brisk end of its own work. A booking desk serves
  a patient every one to three minutes in four or five requests; a CT room finishes an exam
  every ten minutes or so, a DR room every three to five; a radiologist writes a CT report in
  eight to fifteen minutes, the draft saved after every 8 s pause in typing; a ward doctor
  looks up a result now and then. Clerks and physicians: 5–20 s between requests;
  technologists and clinicians: 10–30 s. That is two to three times the pace the numbers above
  give, so the figure errs on the heavy side.
- `stress`: everyone 2–8 s, a request every five seconds from each of the 300 (about 60
  requests a second, four to six times the department's real pace); kept to show capacity.

Each request is named by its action, so the statistics come per action. Any answer other than
2xx/3xx counts as an error (a refused edit is a 200 page that says so, as users see it).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

DATA = json.loads(os.environ.get("YIJI_LOAD_DATA", "{}"))
PASSWORD = DATA.get("password", "Demo2026yiji")
_numbers = itertools.count()
STRESS = os.environ.get("YIJI_LOAD_PACE", "workflow") == "stress"


def pace(low: int, high: int):
    return between(2, 8) if STRESS else between(low, high)


class Staff(HttpUser):
    abstract = True
    username = ""

    def on_start(self):
        sessions = DATA.get("sessions", {}).get(self.username)
        if sessions:  # signed in before the shift began (bench/load.py)
            self.client.cookies.set("sessionid", sessions.pop(), domain="127.0.0.1")
            self.client.get("/", name="home page")
            return
        page = self.client.get("/login/", name="login page")
        token = _csrf(page.text)
        self.client.post(
            "/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/login/"},
            name="login",
        )

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")


def _csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


class Clerk(Staff):
    weight = 30
    wait_time = pace(5, 20)
    username = "clerk"

    @task(4)
    def worklist(self):
        self.client.get("/worklist/", name="worklist")

    @task(2)
    def worklist_ct(self):
        self.client.get("/worklist/?modality=CT", name="worklist, CT")

    @task(2)
    def patient_search(self):
        self.client.get(f"/patients/?q={random.choice('王李张刘陈')}", name="patient search")

    @task(1)
    def new_requisition(self):
        n = next(_numbers)
        self.client.post(
            "/api/requisitions",
            json={
                "patient_id": random.choice(DATA["patients"]),
                "items": [random.choice(DATA["items"])],
                "ordering_department": DATA["ward"],
                "ordering_physician_name": "王医生",
                "clinical_history": "咳嗽两周",
                "clinical_diagnosis": "肺部感染待排",
                "purpose": "明确诊断",
                "submission_key": f"load-{os.getpid()}-{n}",
            },
            headers={"Authorization": f"Bearer {DATA['token']}"},
            name="new requisition (API)",
        )


class Technologist(Staff):
    weight = 25
    wait_time = pace(10, 30)
    username = "tech"

    @task(3)
    def queue(self):
        self.client.get(f"/rooms/{random.choice(DATA['rooms'])}/queue/", name="room queue")

    @task(2)
    def exam(self):
        self.client.get(f"/exams/{random.choice(DATA['open_exams'])}/", name="exam page")


class Physician(Staff):
    weight = 25
    wait_time = pace(5, 20)
    username = "physician"

    @task(2)
    def reading_list(self):
        self.client.get("/reading/", name="reading list")

    @task(3)
    def open_and_save_report(self):
        exam = random.choice(DATA["drafts"])
        page = self.client.get(f"/exams/{exam}/report/", name="report page")
        version = re.search(r'name="version" value="(\d+)"', page.text)
        if not version:
            return
        self.client.post(
            f"/exams/{exam}/report/autosave/",
            {
                "version": version.group(1),
                "findings": "双肺纹理增多，右下肺见斑片状模糊影。",
                "impression": "右下肺炎症可能，建议治疗后复查。",
                "csrfmiddlewaretoken": self.csrf(),
            },
            headers={"HX-Request": "true", "Referer": self.host + f"/exams/{exam}/report/"},
            name="report autosave",
        )


class Clinician(Staff):
    weight = 20
    wait_time = pace(10, 30)
    username = "clinician"

    @task(2)
    def results(self):
        self.client.get("/results/", name="results list")

    @task(3)
    def result(self):
        self.client.get(f"/results/{random.choice(DATA['results'])}/", name="result")
