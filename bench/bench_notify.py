"""Outbox throughput: ``python bench/bench_notify.py --messages N``.

Enqueues N SMS notifications in one transaction, then delivers them through the in-memory gateway in passes of
1,000 (each message: claim, send, record, each outcome its own durable transaction), and prints the timings.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from renkou.notify.dispatch import deliver
from renkou.notify.message import Channel, Notification
from renkou.notify.outbox import Outbox
from renkou.notify.sms import FakeSmsGateway, SmsSender


def main() -> None:
    """Run the measurement in a temporary folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "outbox.sqlite"
        notifications = [
            Notification("bench", Channel.SMS, f"139{n:08d}", f"提醒 {n}", dedupe_key=f"bench:{n}")
            for n in range(args.messages)
        ]
        with Outbox.open(path) as box:
            started = time.perf_counter()
            box.enqueue_many(notifications)
            enqueue_s = time.perf_counter() - started
            gateway = FakeSmsGateway()
            started, cpu = time.perf_counter(), time.process_time()
            while deliver(box, {Channel.SMS: SmsSender(gateway)}, limit=1000).claimed:
                pass
            deliver_s = time.perf_counter() - started
            deliver_cpu_s = time.process_time() - cpu
            counts = box.counts()
    print(
        json.dumps(
            {
                "messages": args.messages,
                "enqueue_s": round(enqueue_s, 2),
                "deliver_s": round(deliver_s, 2),
                "deliver_cpu_s": round(deliver_cpu_s, 2),
                "delivered_per_s": round(args.messages / deliver_s),
                "load_average_1min": round(os.getloadavg()[0], 2),
                "outbox": counts,
            }
        )
    )


if __name__ == "__main__":
    main()
