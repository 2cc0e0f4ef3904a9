#!/usr/bin/env python3
"""Independent FHIR R4 validator for resources produced by our server.

Validation is done entirely by the models of the PyPI package
fhir.resources==6.4.0 (FHIR 4.0.1, pydantic v1); this file holds no schema.

Usage: validate.py FILE...   (each FILE: one resource or a JSON array of them)
A Bundle is validated as a Bundle (its model also validates the entries), and
each entry[].resource is validated again on its own so errors name it.
Prints `ok T/id` or `FAIL T/id: errors` per resource, then `N passed, M failed`.
Exit: 0 if all passed (and N > 0), 1 on any failure, 2 on bad input/missing package.
"""
import json
import sys

try:
    import fhir.resources
    from fhir.resources import get_fhir_model_class
    from pydantic import ValidationError
except ImportError as e:
    print(
        f"validate.py: cannot import fhir.resources ({e}).\n"
        "Install it with scripts/install-test-deps (creates .venv-test) and run\n"
        "this script with .venv-test/bin/python, or:\n"
        "  python3 -m pip install 'fhir.resources==6.4.0' 'pydantic<2'",
        file=sys.stderr,
    )
    sys.exit(2)
if fhir.resources.__fhir_version__ != "4.0.1":
    print(f"validate.py: fhir.resources {fhir.resources.__version__} models FHIR "
          f"{fhir.resources.__fhir_version__}, need 4.0.1 (fhir.resources==6.4.0)",
          file=sys.stderr)
    sys.exit(2)

counts = {"passed": 0, "failed": 0}


def summarize(err):
    """One-line summary of a pydantic ValidationError: 'path: message; ...'."""
    parts = []
    for e in err.errors():
        loc = "".join(
            f"[{p}]" if isinstance(p, int) else f".{p}"
            for p in e["loc"] if p != "__root__"
        ).lstrip(".")
        parts.append(f"{loc or '(resource)'}: {e['msg']}")
    return "; ".join(parts)


def check(obj, where):
    """Validate one resource with its own model; recurse into Bundle entries."""
    if not isinstance(obj, dict):
        report("?/?", f"not a JSON object ({where})")
        return
    rtype = obj.get("resourceType")
    label = f"{rtype or '?'}/{obj.get('id', '(no id)')}"
    try:
        if not rtype:
            raise ValueError("missing resourceType")
        get_fhir_model_class(rtype).parse_obj(obj)
        report(label, None)
    except ValidationError as e:
        report(label, f"{summarize(e)} ({where})")
    except Exception as e:  # unknown resourceType, etc.
        report(label, f"{e} ({where})")
    if rtype == "Bundle":
        for i, entry in enumerate(obj.get("entry") or []):
            if isinstance(entry, dict) and "resource" in entry:
                check(entry["resource"], f"{where} entry[{i}]")


def report(label, error):
    if error is None:
        counts["passed"] += 1
        print(f"ok {label}")
    else:
        counts["failed"] += 1
        print(f"FAIL {label}: {error}")


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            print(f"validate.py: cannot read {path}: {e}", file=sys.stderr)
            return 2
        for i, obj in enumerate(data if isinstance(data, list) else [data]):
            check(obj, path if not isinstance(data, list) else f"{path}[{i}]")
    print(f"{counts['passed']} passed, {counts['failed']} failed")
    return 0 if counts["failed"] == 0 and counts["passed"] > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
