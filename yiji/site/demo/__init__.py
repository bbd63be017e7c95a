"""The demo hospital (云州市第一人民医院): each module loads one area, once; running it again
adds nothing. They are loaded in this order, each on what the ones before it made."""

from __future__ import annotations

from collections.abc import Callable


def parts() -> list[tuple[Callable[[], bool], str]]:
    """Each area's loader with what it says when it loaded something."""
    from yiji.site.demo import (
        clinical,
        equipment,
        hospital,
        images,
        lab,
        people,
        quality,
        reports,
    )  # fmt: skip

    return [
        (hospital.load, "Demo hospital loaded."),
        (clinical.load, "Demo catalogue, a week of bookings and a day in progress loaded."),
        (reports.load, "Demo reports and a critical result loaded."),
        (equipment.load, "Demo devices with plans and licences, supplies and protection loaded."),
        (quality.load, "Demo surveys, a QC inspection and a summary draft loaded."),
        (people.load, "Demo roster, handovers, leave, doses and incidents loaded."),
        (lab.load, "Demo lab catalogue, QC, EQA and a day's specimens loaded."),
        (images.load, "Demo images stored in the image archive."),
    ]
