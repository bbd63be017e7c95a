"""Where the order flow reaches the apps above it (yiji.core.hooks)."""

from yiji.core.hooks import Hook

exam_event_recorded = Hook(
    "exam event recorded",
    "(exam, kind): an ExamEvent of this kind was stored for the exam, in the same transaction. "
    "interop queues the order status message to the placing HIS.",
)

device_down_in_room = Hook(
    "device down in room",
    "(room) -> device or None: a device of the room that is down, so the room takes no "
    "bookings (EQP-3). equipment answers from its fault records.",
)
