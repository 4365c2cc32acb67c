"""Benchmark: back-test the 30-minute volume forecast on two years of synthetic history.

Run from the repository root:  .venv/bin/python benchmarks/workforce_forecast.py [--fit-weeks 16]

Prints the time of each step (the first back-test is "cold": it includes importing
statsforecast and its first calls; the second is "warm"), and the model's and the
weekly seasonal-naive MASE and interval coverage per origin and on average.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from frontline.workforce.arrivals import DemandSettings, generate_arrival_batch

START, END = date(2023, 1, 1), date(2025, 1, 1)
TZ = "Europe/Moscow"


def _timed(label: str, started: tuple[float, float]) -> tuple[float, float]:
    """Print wall and process CPU time since `started` (both clocks); return the clocks now."""
    now = (time.perf_counter(), time.process_time())
    print(f"{label:<34} {now[0] - started[0]:7.2f} s (process CPU {now[1] - started[1]:6.2f} s)")
    return now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mean-daily", type=float, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--origins", type=int, default=4)
    parser.add_argument("--horizon", type=int, default=2016)
    parser.add_argument("--fit-weeks", type=int, default=16)
    args = parser.parse_args()

    clock = (time.perf_counter(), time.process_time())
    batch = generate_arrival_batch(START, END, DemandSettings(mean_daily=args.mean_daily), args.seed)
    clock = _timed(f"generate {len(batch.at_utc)} arrivals", clock)
    from frontline.workforce.forecast import backtest, volume_series

    clock = _timed("import statsforecast", clock)
    history = volume_series(batch.at_utc, tz=TZ, start=START, end=END)
    clock = _timed(f"volume series ({len(history)} points)", clock)
    options = {"origins": args.origins, "horizon": args.horizon, "fit_weeks": args.fit_weeks}
    backtest(history, **options)
    clock = _timed("back-test, cold", clock)
    result = backtest(history, **options)
    _timed("back-test, warm", clock)

    print(f"\nmodel: {result.model}, horizon {result.horizon}, fit window {args.fit_weeks} weeks")
    print(f"{'origin':<27}{'MASE':>7}{'naive':>7}{'cov80':>7}{'cov95':>7}{'n-cov80':>8}{'n-cov95':>8}")
    for score in result.origins:
        print(
            f"{score.origin!s:<27}{score.mase:7.3f}{score.naive_mase:7.3f}"
            f"{score.coverage[80]:7.3f}{score.coverage[95]:7.3f}"
            f"{score.naive_coverage[80]:8.3f}{score.naive_coverage[95]:8.3f}"
        )
    cover, naive_cover = result.mean_coverage, result.mean_naive_coverage
    print(
        f"{'mean':<27}{result.mean_mase:7.3f}{result.mean_naive_mase:7.3f}"
        f"{cover[80]:7.3f}{cover[95]:7.3f}{naive_cover[80]:8.3f}{naive_cover[95]:8.3f}"
    )
    print(f"beats seasonal naive: {result.beats_naive}")


if __name__ == "__main__":
    main()
