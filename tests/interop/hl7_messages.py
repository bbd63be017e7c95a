"""Real-shaped HL7 v2.5.1 messages as a HIS sends them."""

from __future__ import annotations


def msh(control_id: str, message_type: str, charset: str = "UNICODE UTF-8", sep: str = "|"):
    enc = "^~\\&"
    fields = [
        "MSH",
        enc,
        "HIS",
        "H1",
        "YIJI",
        "RAD",
        "20261123073000",
        "",
        message_type,
        control_id,
        "P",
        "2.5.1",
        "",
        "",
        "",
        "",
        "CHN",
        charset,
    ]
    return sep.join(fields)


def adt(
    control_id: str,
    event: str = "A04",
    *,
    patient_id="H0001",
    name="李^小红",
    charset="UNICODE UTF-8",
    extra_pid: dict | None = None,
    extra: tuple[str, ...] = (),
) -> str:
    pid = {
        3: f"{patient_id}^^^H1^PI~11010519491231002X^^^^NNCHN",
        5: name,
        7: "19800215",
        8: "F",
        13: "13900000002",
        **(extra_pid or {}),
    }
    pid_fields = ["PID", "1"] + [pid.get(i, "") for i in range(2, 20)]
    return (
        "\r".join(
            [
                msh(control_id, f"ADT^{event}^ADT_{event}", charset),
                f"EVN|{event}|20261123073000",
                "|".join(pid_fields),
                "PV1|1|O|ED^^^H1||||D001^王^医生",
                *extra,
            ]
        )
        + "\r"
    )


def order(
    control_id: str,
    *,
    items=(("CT-HEAD", "头颅CT平扫", "ORD001"),),
    patient_id="H0001",
    control="NW",
    history="头痛三天\\T\\呕吐",
    diagnosis="头痛待查",
    purpose="排除脑出血",
    department="ED",
    physician="D001^王^医生",
    priority="R",
    msg_type="ORM^O01^ORM_O01",
    charset="UNICODE UTF-8",
    obr_extra: dict | None = None,
) -> str:
    segments = [
        msh(control_id, msg_type, charset),
        f"PID|1||{patient_id}^^^H1^PI||李^小红||19800215|F|||北京市朝阳区\\F\\某路1号||13900000002",
        "PV1|1|E|ED^^^H1",
    ]
    for index, (code, name, placer) in enumerate(items, start=1):
        segments.append(
            f"ORC|{control}|{placer}|||||^^^^^{priority}|||||{physician}|||||{department}^急诊科"
        )
        if msg_type.startswith("OMI"):
            segments.append(f"TQ1|1||||||||{priority}")
        obr = {
            1: str(index),
            2: placer,
            4: f"{code}^{name}^L",
            13: history,
            16: physician,
            31: f"^{purpose}",
            **(obr_extra or {}),
        }
        segments.append("|".join(["OBR"] + [obr.get(i, "") for i in range(1, 32)]))
        if index == 1 and diagnosis:
            segments.append(f"DG1|1||R51^{diagnosis}^ICD10")
    return "\r".join(segments) + "\r"
