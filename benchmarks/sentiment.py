"""Cost of `sentiment.score` per customer message, against a reference version measured in the same run.

Run by hand: `.venv/bin/python benchmarks/sentiment.py [--reference PATH/TO/sentiment.py] [--repeat 20]`.
The messages are the labelled sets (frontline/routing/data: 735 short messages) and the same messages joined
into e-mail-sized texts of about 1,500 characters. Printed: microseconds of CPU per message (time.process_time,
best of --repeat passes), with the word cache warm (a running server) and cleared before every pass (the
first messages a process sees). With --reference (e.g. main's frontline/routing/sentiment.py, loaded from that
file) both run alternately in this process, so the ratio holds on a busy machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from frontline.routing import sentiment
from frontline.routing.sentiment_eval import DEVELOPMENT, EVALUATION, load


def _module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("reference_sentiment", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is built
    spec.loader.exec_module(module)
    return module


def _caches(module: ModuleType) -> list[Callable[[], None]]:
    return [f.cache_clear for f in vars(module).values() if hasattr(f, "cache_clear")]


def _pass(module: ModuleType, texts: list[str], *, cold: bool) -> float:
    if cold:
        for clear in _caches(module):
            clear()
    started = time.process_time()
    for text in texts:
        module.score(text)
    return (time.process_time() - started) / len(texts) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, help="another sentiment.py to compare with")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    short = [example.text for example in load(EVALUATION) + load(DEVELOPMENT)]
    long, chunk = [], ""
    for text in short:
        chunk = f"{chunk} {text}"
        if len(chunk) >= 1500:
            long.append(chunk.strip())
            chunk = ""
    modules = {"this version": sentiment}
    if args.reference:
        modules["reference"] = _module(args.reference)
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}; {len(short)} short messages "
          f"(mean {sum(map(len, short)) / len(short):.0f} chars), {len(long)} long (mean "
          f"{sum(map(len, long)) / len(long):.0f} chars); µs of CPU per message, best of {args.repeat}")
    for texts, name in ((short, "short"), (long, "long")):
        for cold in (False, True):
            best = dict.fromkeys(modules, float("inf"))
            for _ in range(args.repeat):
                for label, module in modules.items():
                    best[label] = min(best[label], _pass(module, texts, cold=cold))
            row = ", ".join(f"{label} {us:.1f}" for label, us in best.items())
            ratio = f" (ratio {best['this version'] / best['reference']:.2f})" if "reference" in best else ""
            print(f"{name:5} {'cold' if cold else 'warm'} cache: {row}{ratio}")


if __name__ == "__main__":
    main()
