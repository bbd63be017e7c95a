"""The image archive as Yiji asks it: QIDO-RS to find a study and count what it holds, WADO-RS
for rendered thumbnails, STOW-RS to store (the demo's images). Spoken through dicomweb-client
to any DICOMweb archive; where a PACS has no DICOMweb, the study lookup goes over C-FIND
(YIJI_PACS_DIMSE). A slow or absent archive raises ArchiveUnavailable, never anything else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import requests
from dicomweb_client.api import DICOMwebClient
from django.conf import settings
from pydicom.dataset import Dataset

from yiji.images import orthanc

STUDY_FIELDS = [
    "AccessionNumber",
    "PatientID",
    "PatientName",
    "StudyDate",
    "ModalitiesInStudy",
    "NumberOfStudyRelatedSeries",
    "NumberOfStudyRelatedInstances",
]
INSTANCE_FIELDS = ["SeriesNumber", "InstanceNumber", "Modality", "SeriesDescription"]


class ArchiveUnavailable(Exception):
    """The archive did not answer, or answered with an error: images are 'unknown'."""


@dataclass(frozen=True)
class FoundStudy:
    study_uid: str
    accession: str
    patient_id: str
    patient_name: str
    study_date: dt.date | None
    modalities: tuple[str, ...]
    series: int
    instances: int


@dataclass(frozen=True)
class FoundInstance:
    series_uid: str
    sop_uid: str
    series_number: int | None
    instance_number: int | None
    modality: str
    series_description: str


def dicomweb_url() -> str:
    """The DICOMweb root, or '' when the image features are off."""
    url = settings.YIJI_DICOMWEB_URL.strip()
    if url.lower() in ("", "off", "none"):
        return ""
    if url == "private":
        if orthanc.program() is None:
            return ""
        return f"http://127.0.0.1:{settings.YIJI_PACS_PORT}/dicom-web"
    return url.rstrip("/")


def configured() -> bool:
    return bool(dicomweb_url() or settings.YIJI_PACS_DIMSE)


def _client() -> DICOMwebClient:
    url = dicomweb_url()
    if not url:
        raise ArchiveUnavailable("no DICOMweb archive is configured")
    client = DICOMwebClient(url, timeout=(2, settings.YIJI_PACS_TIMEOUT))
    # Yiji backs off by itself between polling passes; a page must not wait on retries.
    client.set_http_retry_params(retry=False)
    return client


def _calling(call):
    try:
        return call()
    except (requests.RequestException, OSError, ValueError) as exc:
        raise ArchiveUnavailable(_short(exc)) from exc


def _short(exc: Exception) -> str:
    text = str(exc) or exc.__class__.__name__
    return text[:300]


def _study(ds: Dataset) -> FoundStudy:
    date = str(ds.get("StudyDate") or "")
    try:
        day = dt.datetime.strptime(date[:8], "%Y%m%d").date() if date else None
    except ValueError:
        day = None
    modalities = ds.get("ModalitiesInStudy") or []
    if isinstance(modalities, str):
        modalities = [modalities]
    return FoundStudy(
        study_uid=str(ds.get("StudyInstanceUID") or ""),
        accession=str(ds.get("AccessionNumber") or "").strip(),
        patient_id=str(ds.get("PatientID") or "").strip(),
        patient_name=str(ds.get("PatientName") or "").strip(),
        study_date=day,
        modalities=tuple(str(m) for m in modalities),
        series=int(ds.get("NumberOfStudyRelatedSeries") or 0),
        instances=int(ds.get("NumberOfStudyRelatedInstances") or 0),
    )


def find_studies(
    *,
    accession: str = "",
    study_uid: str = "",
    since: dt.date | None = None,
    limit: int | None = None,
) -> list[FoundStudy]:
    """Studies by accession number, by Study Instance UID, or dated `since` onwards."""
    filters: dict[str, str] = {}
    if accession:
        filters["AccessionNumber"] = accession
    if study_uid:
        filters["StudyInstanceUID"] = study_uid
    if since:
        filters["StudyDate"] = f"{since:%Y%m%d}-"
    if not filters:
        raise ValueError("a study search needs an accession, a UID or a date")
    if not dicomweb_url() and settings.YIJI_PACS_DIMSE:
        return _cfind_studies(filters)
    client = _client()
    found = _calling(
        lambda: client.search_for_studies(search_filters=filters, fields=STUDY_FIELDS, limit=limit)
    )
    return [_study(Dataset.from_json(item)) for item in found]


SERIES_FIELDS = ["Modality", "SeriesNumber", "SeriesDescription", "NumberOfSeriesRelatedInstances"]


def series_of(study_uid: str) -> list[dict]:
    """The study's series as the archive holds them: uid, modality, number, description,
    instances (for FHIR ImagingStudy)."""
    client = _client()
    found = _calling(
        lambda: client.search_for_series(study_instance_uid=study_uid, fields=SERIES_FIELDS)
    )
    rows = []
    for item in found:
        ds = Dataset.from_json(item)
        rows.append(
            {
                "uid": str(ds.get("SeriesInstanceUID") or ""),
                "modality": str(ds.get("Modality") or ""),
                "number": _int(ds.get("SeriesNumber")),
                "description": str(ds.get("SeriesDescription") or "")[:64],
                "instances": _int(ds.get("NumberOfSeriesRelatedInstances")) or 0,
            }
        )
    return sorted(rows, key=lambda r: (r["number"] or 0, r["uid"]))


def instances(study_uid: str) -> list[FoundInstance]:
    """Every instance of a study, in series and instance order (for key images)."""
    client = _client()
    found = _calling(
        lambda: client.search_for_instances(study_instance_uid=study_uid, fields=INSTANCE_FIELDS)
    )
    rows = []
    for item in found:
        ds = Dataset.from_json(item)
        rows.append(
            FoundInstance(
                series_uid=str(ds.get("SeriesInstanceUID") or ""),
                sop_uid=str(ds.get("SOPInstanceUID") or ""),
                series_number=_int(ds.get("SeriesNumber")),
                instance_number=_int(ds.get("InstanceNumber")),
                modality=str(ds.get("Modality") or ""),
                series_description=str(ds.get("SeriesDescription") or ""),
            )
        )
    rows.sort(key=lambda r: (r.series_number or 0, r.series_uid, r.instance_number or 0))
    return rows


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def rendered(study_uid: str, series_uid: str, sop_uid: str) -> bytes:
    """One instance rendered as a JPEG (WADO-RS Retrieve Rendered); the page scales it. (No
    viewport parameter: requests encodes its comma, which Orthanc's plugin refuses.)"""
    client = _client()
    return _calling(
        lambda: client.retrieve_instance_rendered(
            study_uid, series_uid, sop_uid, media_types=("image/jpeg",)
        )
    )


def store(datasets: list[Dataset]) -> None:
    """STOW-RS: store instances (the demo's synthetic studies, the tests' arrivals)."""
    client = _client()
    _calling(lambda: client.store_instances(datasets))


def _cfind_studies(filters: dict[str, str]) -> list[FoundStudy]:
    """The same study search over DIMSE C-FIND, for a PACS without DICOMweb."""
    from pynetdicom import AE
    from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind

    ae_title, _, address = settings.YIJI_PACS_DIMSE.partition("@")
    host, _, port = address.rpartition(":")
    query = Dataset()
    query.QueryRetrieveLevel = "STUDY"
    query.StudyInstanceUID = filters.get("StudyInstanceUID", "")
    for keyword in STUDY_FIELDS:
        setattr(query, keyword, filters.get(keyword, ""))
    ae = AE(ae_title=settings.YIJI_DICOM_AE_TITLE)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = settings.YIJI_PACS_TIMEOUT
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
    try:
        assoc = ae.associate(host, int(port), ae_title=ae_title)
    except (ValueError, OSError) as exc:
        raise ArchiveUnavailable(_short(exc)) from exc
    if not assoc.is_established:
        raise ArchiveUnavailable(f"association with {settings.YIJI_PACS_DIMSE} refused")
    found = []
    try:
        for status, identifier in assoc.send_c_find(
            query, StudyRootQueryRetrieveInformationModelFind
        ):
            if status is None:
                raise ArchiveUnavailable("C-FIND timed out")
            if status.Status in (0xFF00, 0xFF01) and identifier is not None:
                found.append(_study(identifier))
            elif status.Status != 0x0000:
                raise ArchiveUnavailable(f"C-FIND status 0x{status.Status:04X}")
    finally:
        assoc.release()
    return found
