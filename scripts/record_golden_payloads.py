"""Records what the Python SDK's default payload converter produces for a fixed set of values.

The output, tests/data/golden_payloads.json, is committed; tests/behaviour/golden_payloads.rs checks that
activity-runtime encodes the same values with the same metadata and equal data, and decodes
Python's payloads back into the same values. The test itself needs no Python.

Re-record (only when the value set changes) with the pinned SDK from scripts/setup:

    scripts/setup && .venv/bin/python scripts/record_golden_payloads.py
"""

import base64
import dataclasses
import json
import pathlib
import sys
from typing import Any, Dict, List, Optional

import temporalio
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.converter import DataConverter


@dataclasses.dataclass
class Address:
    street: str
    city: str


@dataclasses.dataclass
class Customer:
    name: str
    age: int
    tags: List[str]
    address: Address
    nickname: Optional[str]


CASES: List[tuple] = [
    ("string", "Hello, World!"),
    ("empty_string", ""),
    ("int", 42),
    ("negative_int", -7),
    ("big_int", 9007199254740993),
    ("float", 3.25),
    ("bool_true", True),
    ("bool_false", False),
    ("none", None),
    (
        "nested_struct",
        Customer(
            name="Ada",
            age=36,
            tags=["vip", "early"],
            address=Address(street="1 Analytical Way", city="London"),
            nickname=None,
        ),
    ),
    ("list", [1, "two", 3.5, None, True]),
    ("map", {"zeta": 1, "alpha": [1, 2], "mid": {"k": "v"}}),
    ("bytes", b"\x00\x01\xfe\xff raw"),
    ("empty_bytes", b""),
    ("unicode", "héllo ✓ 日本語 🎉"),
    (
        "protobuf",
        WorkflowExecution(workflow_id="order-42", run_id="run-1"),
    ),
]


def record() -> Dict[str, Any]:
    converter = DataConverter.default.payload_converter
    cases = []
    for name, value in CASES:
        (payload,) = converter.to_payloads([value])
        case = {
            "name": name,
            "metadata": {
                key: value.decode("utf-8") for key, value in sorted(payload.metadata.items())
            },
            "data_base64": base64.b64encode(payload.data).decode("ascii"),
        }
        # For the reader only; the test uses data_base64.
        try:
            case["data_text"] = payload.data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        cases.append(case)
    return {
        "recorded_with": f"temporalio {temporalio.__version__} (Python {sys.version.split()[0]}), "
        "DataConverter.default.payload_converter",
        "cases": cases,
    }


if __name__ == "__main__":
    out = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "golden_payloads.json"
    out.write_text(json.dumps(record(), indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {out}")
