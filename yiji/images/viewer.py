"""The address that opens a study in the site's viewer, from the template YIJI_VIEWER_URL:
Orthanc's Web viewer by default; OHIF (…/viewer?StudyInstanceUIDs={study_uid}), Weasis
(weasis://?%24dicom%3Ars+--query+%22studyUID%3D{study_uid}%22) or a vendor's viewer by
setting."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from django.conf import settings

from yiji.images import pacs
from yiji.images.models import Study


def orthanc_id(*dicom_ids: str) -> str:
    """Orthanc's identifier of a patient, study or series: the SHA-1 of its DICOM IDs joined
    by '|', written as five groups of eight hex digits (Orthanc's documented scheme)."""
    digest = hashlib.sha1("|".join(dicom_ids).encode()).hexdigest()
    return "-".join(digest[i : i + 8] for i in range(0, 40, 8))


def url_for(study: Study, series_uid: str = "") -> str:
    template = settings.YIJI_VIEWER_URL
    if "{orthanc_series}" in template and not series_uid:
        series_uid = _first_series(study)
    values = {
        "study_uid": study.study_uid,
        "accession": study.accession,
        "patient_id": study.patient_id,
        "series_uid": series_uid,
        "orthanc_study": orthanc_id(study.patient_id, study.study_uid),
        "orthanc_series": orthanc_id(study.patient_id, study.study_uid, series_uid),
    }
    return template.format(**{key: quote(value, safe="") for key, value in values.items()})


def _first_series(study: Study) -> str:
    found = pacs.instances(study.study_uid)
    return found[0].series_uid if found else ""
