"""The private archive for the demo, the tests and small sites: Debian's Orthanc with its
DICOMweb and Web viewer plugins, configured by Yiji under var/pacs/, its web side on loopback
only. This is the one Orthanc-specific module; everything else speaks DICOMweb to whatever
archive YIJI_DICOMWEB_URL names."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from functools import cache
from pathlib import Path

PLUGIN_DIRS = ("/usr/share/orthanc/plugins", "/usr/lib/orthanc")
# What the viewer and DICOMweb need; other plugins a site installed are not loaded.
PLUGINS = ("libOrthancDicomWeb.so", "libOrthancWebViewer.so")


@cache
def program() -> str | None:
    """The Orthanc executable, or None when it is not installed (Debian puts it in /usr/sbin,
    which an ordinary user's PATH may lack). Looked for once per process: pages ask for
    every row whether images can be had, and a PATH walk each time was a tenth of the reading
    list's time."""
    return shutil.which("Orthanc") or shutil.which("Orthanc", path="/usr/sbin:/usr/local/sbin")


def plugins() -> list[str]:
    found = []
    for name in PLUGINS:
        for folder in PLUGIN_DIRS:
            path = Path(folder) / name
            if path.exists():
                found.append(str(path))
                break
    return found


def write_config(folder: Path, http_port: int, dicom_port: int, ae_title: str) -> Path:
    """Orthanc's configuration for a private archive in `folder`; returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    storage = folder / "storage"
    config = {
        "Name": "Yiji archive",
        "StorageDirectory": str(storage),
        "IndexDirectory": str(storage),
        "HttpPort": http_port,
        "DicomPort": dicom_port,
        "DicomAet": ae_title,
        # The web side answers loopback only (Yiji and the browser on the same PC); a
        # hospital's viewers reach their own PACS. Modalities store over DICOM.
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False,
        "DicomCheckCalledAet": False,
        "DicomAlwaysAllowStore": True,
        "DicomAlwaysAllowEcho": True,
        "DicomAlwaysAllowFind": True,
        "DefaultEncoding": "Utf8",
        "Plugins": plugins(),
        "DicomWeb": {"Enable": True, "Root": "/dicom-web/", "EnableWado": True},
        "WebViewer": {"CachePath": str(folder / "viewer-cache")},
        "StableAge": 5,
        "HttpTimeout": 10,
    }
    path = folder / "orthanc.json"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    path.chmod(0o600)
    return path


def start(
    folder: Path, http_port: int, dicom_port: int, ae_title: str = "YIJIPACS", log=None
) -> subprocess.Popen:
    """Start the private Orthanc; the caller stops it (terminate and wait)."""
    executable = program()
    if executable is None:
        raise FileNotFoundError("Orthanc")
    config = write_config(folder, http_port, dicom_port, ae_title)
    return subprocess.Popen(
        [executable, "--logdir=" + str(folder), str(config)],
        stdout=log or subprocess.DEVNULL,
        stderr=log or subprocess.DEVNULL,
    )


def wait_ready(
    http_port: int, process: subprocess.Popen | None = None, seconds: float = 30
) -> bool:
    """True once Orthanc answers on its port; False if it exits or the time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/system", timeout=1):
                return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    return False
