"""Benchmark: check_implementation over N generated implementations (target: N=100,000 < 60 s).

Run: ``.venv/bin/python bench/conformance.py [N]`` (default 100,000), on one core. The
implementations come from three standards (the realistic 30-field 药品零售企业经营许可 of
tests/unit/matter_factory.py, its 县初审市终审 variant, and an instant public service). About
70 % conform (tightened in random ways); the rest carry one to three deviations of random
kinds, including broken flows. Each implementation has its own spec object; flows and
forms come from pools of distinct objects with a handful of distinct contents, as they
would after loading many files. Only ``check_implementation`` is timed. As a peer figure
from the same run: the same check on a sample with the flow memo cleared before every call
(``validate_flow`` every time).
"""

from __future__ import annotations

import copy
import dataclasses
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))
sys.path.insert(0, str(ROOT))

from tests.unit.matter_factory import (  # noqa: E402
    DEPARTMENTS,
    KNOWN_MATTERS,
    escalating_flow,
    escalating_standard,
    implementation,
    small_flow,
    standard,
)

from tongban.core import conformance  # noqa: E402
from tongban.core.conformance import FlowContext, check_implementation  # noqa: E402
from tongban.core.matters import (  # noqa: E402
    INSTANT,
    Fee,
    Implementation,
    Material,
    MatterSpec,
    Procedure,
)
from tongban.core.tenancy import Level  # noqa: E402

BOUND_S = 60.0
DEFAULT_N = 100_000
POOL = 400  # distinct flow / form objects per content
PEER_SAMPLE = 2_000
SEED = 20261121


def pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        allowed = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {allowed[0]})


def instant_standard() -> MatterSpec:
    return standard(
        code="000131127004",
        name="药品零售企业经营许可证遗失补发",
        matter_type="20",
        legal_days=INSTANT,
        promised_days=INSTANT,
    )


def pool(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [copy.deepcopy(document) for _ in range(POOL)]


class Generator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.standards = [standard(), escalating_standard(), instant_standard()]
        self.flows = {
            "plain": [
                pool(small_flow()),
                pool(small_flow(days=(0, 1, 2, 2, 1))),
                pool(small_flow(reviewer_department="scjgj")),
            ],
            "escalating": [pool(escalating_flow("city")), pool(escalating_flow("city", days=5))],
            "instant": [pool(small_flow(days=(0, 0, 0, 0, 0)))],
        }
        self.broken_flows = [
            pool(small_flow(department="gone")),  # unknown department
            pool(small_flow(days=(0, 1, 9, 9, 1))),  # critical path over the promise
            pool(escalating_flow("province")),  # escalation to the wrong level
        ]
        self.forms: dict[int, list[dict[str, Any]]] = {}
        for spec in self.standards:
            local = copy.deepcopy(spec.form)
            local["properties"]["windowNote"] = {"type": "string", "title": "窗口备注"}
            self.forms[id(spec)] = [spec.form, *pool(spec.form), *pool(local)]

    def make(self, index: int) -> tuple[MatterSpec, Implementation, bool | None]:
        rng = self.rng
        parent = self.standards[index % 3]
        kind = ("plain", "escalating", "instant")[index % 3]
        flow = rng.choice(rng.choice(self.flows[kind]))
        spec = self.tighten(parent, CRITICAL_PATH[kind])
        receiver: bool | None = True if kind == "escalating" else None
        if rng.random() < 0.3:
            for _ in range(rng.randint(1, 3)):
                deviation = rng.choice(DEVIATIONS)
                if deviation == "flow":
                    flow = rng.choice(rng.choice(self.broken_flows))
                elif deviation == "receiver":
                    receiver = False
                else:
                    spec = deviate(rng, parent, spec, deviation)
        return parent, implementation(spec, flow=flow, level=Level.COUNTY), receiver

    def tighten(self, parent: MatterSpec, at_least: int) -> MatterSpec:
        rng = self.rng
        materials = list(parent.materials)
        for i, material in enumerate(materials):
            if material.waivable and rng.random() < 0.5:
                materials[i] = dataclasses.replace(material, waived=True)
            elif material.copies and rng.random() < 0.2:
                materials[i] = dataclasses.replace(material, copies=material.copies - 1)
        promised = parent.promised_days
        if promised:
            promised = rng.randint(min(promised, at_least), promised)
        return dataclasses.replace(
            parent,
            materials=tuple(materials),
            promised_days=promised,
            fees=tuple(Fee(f.code, f.name, rng.randint(0, f.amount_fen)) for f in parent.fees),
            form=rng.choice(self.forms[id(parent)]),
        )


CRITICAL_PATH = {"plain": 7, "escalating": 13, "instant": 0}  # the longest pooled flow's
DEVIATIONS = [
    "name",
    "material_added",
    "material_missing",
    "copies",
    "waive_unwaivable",
    "promised",
    "legal",
    "fee",
    "field_missing",
    "required_added",
    "steps",
    "flow",
    "receiver",
]


def deviate(rng: random.Random, parent: MatterSpec, spec: MatterSpec, kind: str) -> MatterSpec:
    if kind == "name":
        return dataclasses.replace(spec, name=spec.name + "（试行）")
    if kind == "material_added":
        extra = Material("M009", "营业执照复印件", copies=1)
        return dataclasses.replace(spec, materials=(*spec.materials, extra))
    if kind == "material_missing":
        return dataclasses.replace(spec, materials=spec.materials[1:])
    if kind == "copies":
        first, *rest = spec.materials
        return dataclasses.replace(
            spec, materials=(dataclasses.replace(first, copies=first.copies + 2), *rest)
        )
    if kind == "waive_unwaivable":
        first, *rest = spec.materials
        return dataclasses.replace(spec, materials=(dataclasses.replace(first, waived=True), *rest))
    if kind == "promised":
        return dataclasses.replace(spec, promised_days=parent.promised_days + rng.randint(1, 5))
    if kind == "legal":
        return dataclasses.replace(spec, legal_days=parent.legal_days + 10)
    if kind == "fee":
        return dataclasses.replace(spec, fees=(Fee("F001", "许可证工本费", 5000),))
    if kind == "field_missing":
        form = dict(spec.form)
        form["properties"] = {k: v for k, v in form["properties"].items() if k != "remarks"}
        return dataclasses.replace(spec, form=form)
    if kind == "required_added":
        form = dict(spec.form)
        form["required"] = [*form["required"], "remarks"]
        return dataclasses.replace(spec, form=form)
    if kind == "steps":
        procedure = Procedure(spec.procedure.steps, spec.procedure.max_human_steps + 1)
        return dataclasses.replace(spec, procedure=procedure)
    raise AssertionError(kind)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_N
    pin_to_one_core()
    rng = random.Random(SEED)
    generator = Generator(rng)
    context = FlowContext(departments=DEPARTMENTS, known_matters=KNOWN_MATTERS)
    started = time.perf_counter()
    cases = [generator.make(i) for i in range(n)]
    print(f"generated {n} implementations in {time.perf_counter() - started:.1f} s")

    conformance._flow_cache.clear()
    results: list[list[Any]] = [[]] * n
    started = time.perf_counter()
    for i, (parent, impl, receiver) in enumerate(cases):
        results[i] = check_implementation(
            parent, impl, flow_context=context, receiving_implementation_published=receiver
        )
    elapsed = time.perf_counter() - started

    by_code: Counter[str] = Counter(v.code for found in results for v in found)
    conforming = sum(1 for found in results if not found)
    print(f"conforming: {conforming}, with violations: {n - conforming}")
    for code, count in sorted(by_code.items()):
        print(f"  {code:32s} {count:8d}")
    print(f"check_implementation: {elapsed:.2f} s for {n}, {elapsed / n * 1e6:.1f} µs each")

    sample = cases[:PEER_SAMPLE]
    started = time.perf_counter()
    for parent, impl, receiver in sample:
        conformance._flow_cache.clear()
        check_implementation(
            parent, impl, flow_context=context, receiving_implementation_published=receiver
        )
    peer = (time.perf_counter() - started) / len(sample)
    print(
        f"peer (same run): validate_flow on every call, no memo: {peer * 1e6:.1f} µs each, "
        f"{peer * n:.1f} s for {n}"
    )
    print(f"conformance: {elapsed:.2f} s vs bound {BOUND_S:.0f} s = {BOUND_S / elapsed:.1f}x")


if __name__ == "__main__":
    main()
