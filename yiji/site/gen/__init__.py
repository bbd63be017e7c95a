"""The synthetic hospital behind `yiji gen`: years of a department's work, seeded and
deterministic, written through the database's bulk path (COPY on PostgreSQL, one executemany
per table and batch on SQLite), never one ORM save per row.

Each day is generated from its own random stream (seed and date), so the same seed, volume,
end date and number of jobs give the same rows whatever the batch size. Rows follow the
clinical flow the services enforce: requisition → exam with its events → report signed by its
author (and a reviewer for residents' and difficult cases) → critical results, follow-ups,
dose records; lab panels with specimens, results, flags and a released report; device faults.
The generator does not call the services (that would be one transaction per exam); what it
writes is what they would leave. Report deadlines do come from the rule itself
(`exams.clocks.deadline`).
"""

from yiji.site.gen.generator import Generator
from yiji.site.gen.hospital import Hospital, load_reference
from yiji.site.gen.run import days_for, generate
from yiji.site.gen.writer import Totals

__all__ = ["Generator", "Hospital", "Totals", "days_for", "generate", "load_reference"]
