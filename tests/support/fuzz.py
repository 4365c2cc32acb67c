"""Schemathesis over the served OpenAPI document: every operation, positive and negative inputs, a fixed seed.

Each operation is fuzzed twice per generation mode: with every parameter generated, and with its path
parameters pinned to objects that exist (so bodies reach the services, not only the 404 of a random id).
Failures are collected, not raised at the first one, so one run reports all of them with their counts.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
schemathesis.serializer.alias("message/rfc822", "text/plain")


@dataclass
class Report:
    operations: int = 0
    examples: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (operation, check, detail)
    per_operation: Counter[str] = field(default_factory=Counter)
    time_per_operation: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        kinds = Counter(f"{op}: {check}" for op, check, _ in self.failures)
        lines = [f"{self.operations} operations, {self.examples} examples, {len(self.failures)} failures "
                 f"in {self.seconds:.1f} s"]
        lines += [f"  {n} x {kind}" for kind, n in kinds.most_common()]
        seen: set[str] = set()
        for op, check, detail in self.failures:
            if f"{op}{check}" not in seen:
                seen.add(f"{op}{check}")
                lines.append(f"--- {op} {check}\n{detail[:1500]}")
        return "\n".join(lines)


def _titles(exc: BaseException) -> list[str]:
    subs = getattr(exc, "exceptions", None) or [exc]
    return [type(s).__name__ + ": " + (str(s).strip().splitlines() or [""])[0] for s in subs]


def fuzz(
    schema: Any, *, headers_for: Callable[[str], Mapping[str, str]], pinned: Mapping[str, Any], examples: int,
    seed: int, auth_checked: bool = True,
) -> Report:
    """Run every operation of `schema`; `headers_for(label)` gives the credentials, `pinned` existing ids."""
    report = Report()
    started = time.perf_counter()
    checks = [*CHECKS, ignored_auth] if auth_checked else CHECKS
    for result in schema.get_all_operations():
        operation = result.ok()
        label = operation.label
        report.operations += 1
        names = [p.name for p in operation.path_parameters]
        variants: list[dict[str, Any]] = [{}]
        if names and all(n in pinned for n in names):
            variants.append({n: pinned[n] for n in names})
        began = time.perf_counter()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for path_parameters in variants:
                _run(operation, mode, path_parameters, dict(headers_for(label)), examples, seed, checks, report)
        report.time_per_operation[label] = round(time.perf_counter() - began, 2)
    report.seconds = time.perf_counter() - started
    return report


def _run(operation: Any, mode: GenerationMode, path_parameters: dict[str, Any], headers: dict[str, str],
         examples: int, seed: int, checks: list[Any], report: Report) -> None:
    label = operation.label
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None)

    @hypothesis.seed(seed)
    @hypothesis.settings(max_examples=examples, database=None, deadline=None, phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck), print_blob=False)
    @hypothesis.given(case=strategy)
    def run(case: Any) -> None:
        report.examples += 1
        report.per_operation[label] += 1
        try:
            case.call_and_validate(headers=headers, checks=checks)
        except (Exception, BaseExceptionGroup) as exc:
            for title in _titles(exc):
                report.failures.append((label, f"{mode.value}: {title}", str(exc)))

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        pass  # nothing to negate (an operation without parameters) or nothing left to generate
    except (Exception, BaseExceptionGroup) as exc:
        for title in _titles(exc):
            report.failures.append((label, f"{mode.value}: generation: {title}", str(exc)))


