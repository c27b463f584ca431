"""Profile one page as the benchmark's heavy user, with pyinstrument (a dev dependency).

    .venv/bin/python bench/profile_page.py /            # the dashboard
    .venv/bin/python bench/profile_page.py "/contacts/?q=Smith" --html var/perf/list.html

Needs the benchmark dataset (bench/run.py --only seed) in DATABASE_URL. Prints the
median time over a few requests, the query count and the time spent in SQL, then the
pyinstrument call tree of the requests after warm-up.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pyinstrument import Profiler  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--user", default="demo")
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--html", help="also write pyinstrument's HTML report here")
    args = parser.parse_args()

    client = Client()
    client.force_login(get_user_model().objects.get(username=args.user))
    for _ in range(3):
        assert client.get(args.url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(args.url)
    # A copy: the next request's request_started signal empties the connection's log.
    queries = list(captured.captured_queries)
    sql_ms = sum(float(q["time"]) for q in queries) * 1000
    times = []
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.requests):
        started = time.perf_counter()
        client.get(args.url)
        times.append(time.perf_counter() - started)
    profiler.stop()
    print(
        f"{args.url}: median {statistics.median(times) * 1000:.1f} ms over {args.requests}, "
        f"{len(queries)} queries, {sql_ms:.1f} ms of SQL (one request)"
    )
    for q in queries:
        print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:150]}")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        Path(args.html).write_text(profiler.output_html())


if __name__ == "__main__":
    main()
