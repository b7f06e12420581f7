"""``make bench``: every benchmark in turn, the goals of issue 14 first.

    .venv/bin/python benchmarks/run_all.py            # everything (a quarter of an hour or more)
    .venv/bin/python benchmarks/run_all.py --quick    # each script's quick variant

1. ``bench_model.py`` — cost per resident-week against Mesa's Boltzmann example at 1,000 /
   10,000 / 50,000 residents, the realistic run's time, the district's week and memory;
2. ``bench_cli.py`` — ``quartiersim run --help`` and the import share of a one-run call;
3. ``bench_throughput.py`` — runs per core-hour at realistic size, the headline comparison's
   wall time;
4. ``bench_sweep.py`` — parallel efficiency of a sweep on two processes;
5. ``bench_app.py`` — the browser view's frame on the server.

Each script runs in its own interpreter (so that one's imports and memory do not colour the
next) and prints its own numbers; a script that fails stops the rest.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ORDER = ("bench_model.py", "bench_cli.py", "bench_throughput.py", "bench_sweep.py", "bench_app.py")
QUICK = {"bench_sweep.py": ["--runs", "8", "--steps", "104"]}  # it has no --quick of its own


def main(argv: list[str] | None = None) -> int:
    quick = "--quick" in (argv if argv is not None else sys.argv[1:])
    scripts = [HERE / name for name in ORDER]
    scripts += sorted(p for p in HERE.glob("bench_*.py") if p.name not in ORDER)
    for script in scripts:
        print(f"== {script.relative_to(HERE.parent)}", flush=True)
        extra = QUICK.get(script.name, ["--quick"]) if quick else []
        done = subprocess.run([sys.executable, str(script), *extra])
        if done.returncode != 0:
            return done.returncode
        print(flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
