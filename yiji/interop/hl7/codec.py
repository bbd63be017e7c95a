"""Bytes to messages and back: the character set a message declares (MSH-18), parsing with the
`hl7` library, and the ACK with an ERR segment that names the offending field."""

from __future__ import annotations

from dataclasses import dataclass

import hl7
from django.utils import timezone

# MSH-18 values (HL7 table 0211) and the Python codecs that read them. An absent MSH-18 means
# ASCII; Chinese senders that omit it nearly always mean UTF-8, a superset, so that is used.
CHARSETS = {
    "": "utf-8",
    "ASCII": "utf-8",
    "UNICODE UTF-8": "utf-8",
    "UNICODE": "utf-8",
    "GB18030": "gb18030",
    "GB 18030-2000": "gb18030",
    "8859/1": "latin-1",
}


class MessageError(Exception):
    """A message Yiji will not apply. `ack` is AE (application error: a rule or an unknown
    code) or AR (rejected: unreadable, unsupported); `location` is segment^seq^field."""

    def __init__(
        self,
        text: str,
        *,
        ack: str = "AE",
        location: str = "",
        code: str = "207",
        rule: str = "",
    ):
        super().__init__(text)
        self.text = text
        self.ack = ack
        self.location = location
        self.code = code
        self.rule = rule


# HL7 table 0357, the error codes an ERR segment carries.
ERROR_CODES = {
    "100": "Segment sequence error",
    "101": "Required field missing",
    "102": "Data type error",
    "103": "Table value not found",
    "200": "Unsupported message type",
    "201": "Unsupported event code",
    "202": "Unsupported processing id",
    "203": "Unsupported version id",
    "205": "Duplicate key identifier",
    "207": "Application internal error",
}


@dataclass
class Header:
    """MSH fields read from the raw bytes, before (and even without) a full parse."""

    field_separator: bytes
    sending_application: str
    sending_facility: str
    receiving_application: str
    receiving_facility: str
    control_id: str
    message_type: str
    charset: str
    version: str
    processing_id: str = "P"


def read_header(raw: bytes) -> Header:
    if not raw.startswith(b"MSH") or len(raw) < 8:
        raise MessageError("报文不以MSH段开头。", ack="AR", location="MSH", code="100")
    if b"\x00" in raw:  # no HL7 character set Yiji reads has NUL, and databases refuse it
        raise MessageError("报文含有NUL控制字符。", ack="AR", location="MSH", code="102")
    separator = raw[3:4]
    first = raw.split(b"\r", 1)[0].split(b"\n", 1)[0]
    fields = [part.decode("latin-1") for part in first.split(separator)]
    fields += [""] * (21 - len(fields))
    encoding_chars = fields[1]
    component = encoding_chars[:1] or "^"
    repetition = encoding_chars[1:2] or "~"

    def first_of(value: str) -> str:
        return value.split(repetition)[0].split(component)[0].strip()

    type_parts = fields[8].split(component)
    return Header(
        field_separator=separator,
        sending_application=first_of(fields[2]),
        sending_facility=first_of(fields[3]),
        receiving_application=first_of(fields[4]),
        receiving_facility=first_of(fields[5]),
        control_id=fields[9].strip()[:64],
        message_type="^".join(p for p in type_parts[:2] if p)[:24],
        charset=fields[17].split(repetition)[0].strip().upper(),
        version=first_of(fields[11]),
        processing_id=first_of(fields[10]).upper() or "P",
    )


def _reads_as(raw: bytes, codec: str) -> bool:
    try:
        raw.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _mismatch(declared: str, actual: str) -> MessageError:
    return MessageError(
        f"报文字节是{actual}编码，与MSH-18声明的{declared or 'ASCII'}不符，"
        "未应用（以免存入乱码）。",
        location="MSH^1^18",
        code="102",
    )


def decode(raw: bytes, header: Header) -> str:
    """The message as text in its declared character set. Bytes of the other Chinese encoding
    are refused (AE): GB18030 reads nearly any UTF-8 bytes without error, as mojibake, so
    UTF-8 bytes declared GB18030 are told apart by being valid UTF-8 beyond ASCII."""
    codec = CHARSETS.get(header.charset)
    if codec is None:
        raise MessageError(
            f"不支持的字符集：{header.charset}。", ack="AR", location="MSH^1^18", code="103"
        )
    if codec == "gb18030" and not raw.isascii() and _reads_as(raw, "utf-8"):
        raise _mismatch(header.charset, "UTF-8")
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        if codec == "utf-8" and _reads_as(raw, "gb18030"):
            raise _mismatch(header.charset, "GB18030") from exc
        raise MessageError(
            f"报文内容不是声明的字符集{header.charset or 'ASCII'}（第{exc.start}字节）。",
            ack="AR",
            location="MSH^1^18",
            code="102",
        ) from exc


def parse(text: str) -> hl7.Message:
    # Senders differ in segment endings: CR is the standard, some send LF or CRLF.
    text = text.replace("\r\n", "\r").replace("\n", "\r").strip("\r")
    try:
        return hl7.parse(text)
    except Exception as exc:  # the library raises several kinds for a malformed message
        raise MessageError(f"报文无法解析：{exc}", ack="AR", location="MSH", code="102") from exc


def encode(text: str, charset: str) -> bytes:
    return text.encode(CHARSETS.get(charset, "utf-8"), errors="replace")


def escape(value: str) -> str:
    """A value as an HL7 field in the standard encoding characters |^~\\&."""
    return (
        value.replace("\\", "\\E\\")
        .replace("|", "\\F\\")
        .replace("^", "\\S\\")
        .replace("~", "\\R\\")
        .replace("&", "\\T\\")
        .replace("\r\n", "\\.br\\")
        .replace("\n", "\\.br\\")
        .replace("\r", "\\.br\\")
    )


def timestamp(moment=None) -> str:
    moment = timezone.localtime(moment or timezone.now())
    return moment.strftime("%Y%m%d%H%M%S%z")


def _err_segment(error: MessageError, severity: str) -> str:
    name = ERROR_CODES.get(error.code, "")
    text = f"{error.text} [{error.rule}]" if error.rule else error.text
    return f"ERR||{error.location}|{error.code}^{name}^HL70357|{severity}||||{escape(text)}"


def ack_text(
    header: Header, code: str, error: MessageError | None = None,
    warnings: list[MessageError] = (),
) -> str:  # fmt: skip
    """The ACK for a message, in the standard separators; MSH-18 repeats the sender's. ERR
    segments carry the error (severity E) and what was accepted with a doubt (W)."""
    control_id = f"A{timezone.now().strftime('%y%m%d%H%M%S%f')}"  # 19 of MSH-10's 20
    trigger = header.message_type.split("^")[1] if "^" in header.message_type else ""
    msh = [
        "MSH",
        "^~\\&",
        escape(header.receiving_application or "YIJI"),
        escape(header.receiving_facility),
        escape(header.sending_application),
        escape(header.sending_facility),
        timestamp(),
        "",
        f"ACK^{trigger}^ACK" if trigger else "ACK",
        control_id,
        escape(header.processing_id),  # echoed: a training message is answered as one
        "2.5.1",
    ]
    if header.charset:
        msh += ["", "", "", "", "", escape(header.charset)]
    segments = ["|".join(msh), f"MSA|{code}|{escape(header.control_id)}"]
    if error is not None:
        segments.append(_err_segment(error, "E"))
    segments += [_err_segment(warning, "W") for warning in warnings]
    return "\r".join(segments) + "\r"


def error_ack(raw: bytes, text: str) -> bytes:
    """An AE answer for a message that failed before it could even be stored."""
    try:
        header = read_header(raw)
    except MessageError:
        header = Header(b"|", "", "", "", "", "", "", "", "")
    return encode(ack_text(header, "AE", MessageError(text)), header.charset)
