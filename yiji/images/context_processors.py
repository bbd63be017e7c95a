from yiji.images import availability, pacs
from yiji.orders.models import ExamStatus


def images(request) -> dict:
    """Whether an archive is configured, and which exams have images to open, for the lists
    of apps below this one (the worklist) that link to the viewer."""
    return {
        "IMAGES_ON": pacs.configured(),
        "IMAGE_MODALITIES": availability.IMAGING_MODALITIES,
        "IMAGE_STATUSES": (ExamStatus.IN_PROGRESS, ExamStatus.COMPLETED),
    }
