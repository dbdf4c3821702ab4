"""JUnit XML for Jenkins, Azure Pipelines and other CI test views.

One test suite per template file; each finding is a failed test case named
after its rule and resource; a suppressed finding is a skipped case with its
reason; a template without findings is one passing case, so the CI's test
count shows what was checked. Load errors are test errors.
"""

from __future__ import annotations

from collections import defaultdict
from xml.sax.saxutils import escape, quoteattr

from .. import __version__
from ..engine import Results


def _case(name: str, classname: str, body: str = "") -> str:
    return (f'    <testcase name={quoteattr(name)} classname={quoteattr(classname)}'
            + (f">\n{body}    </testcase>\n" if body else "/>\n"))


def render_junit(results: Results) -> str:
    by_file: dict[str, list] = defaultdict(list)
    for result in results.results:
        by_file[result.file].append(result)
    files = sorted({document.path for document in results.documents} | set(by_file))
    errors_by_file: dict[str, list] = defaultdict(list)
    for error in results.errors:
        errors_by_file[error.file or "(run)"].append(error)
    suites = []
    total_tests = total_failures = total_errors = total_skipped = 0
    for file in sorted(set(files) | set(errors_by_file)):
        cases, failures, skipped = [], 0, 0
        for result in by_file.get(file, []):
            name = f"{result.rule.id} {result.rule.name}: {result.resource}"
            text = (f"{result.file}:{result.line}:{result.column}: {result.message}\n"
                    f"pillar: {result.rule.pillar}; best practice: "
                    f"{', '.join(result.rule.best_practices)}")
            if result.suppression is not None:
                skipped += 1
                body = (f"      <skipped message={quoteattr(result.suppression.reason)}/>\n")
            else:
                failures += 1
                body = (f"      <failure message={quoteattr(result.message)} "
                        f"type={quoteattr(result.severity)}>{escape(text)}</failure>\n")
            cases.append(_case(name, file, body))
        for error in errors_by_file.get(file, []):
            cases.append(_case("wa-lint could not check this file", file,
                               f"      <error message={quoteattr(error.message)}>"
                               f"{escape(str(error))}</error>\n"))
        if not cases:
            cases.append(_case("no findings", file))
        tests = len(cases)
        suite_errors = len(errors_by_file.get(file, []))
        total_tests += tests
        total_failures += failures
        total_errors += suite_errors
        total_skipped += skipped
        suites.append(f'  <testsuite name={quoteattr(file)} tests="{tests}" '
                      f'failures="{failures}" errors="{suite_errors}" skipped="{skipped}">\n'
                      + "".join(cases) + "  </testsuite>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuites name="wa-lint {__version__}" tests="{total_tests}" '
            f'failures="{total_failures}" errors="{total_errors}" skipped="{total_skipped}">\n'
            + "".join(suites) + "</testsuites>\n")
