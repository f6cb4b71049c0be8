#!/usr/bin/env bash
# Run tests with the process clock faked (libfaketime) to each of FAKETIME_DATES, 09:00
# Beijing time, the clock then running on: the platform must work on any date, including
# years the bundled national calendar does not cover (issue 9; docs/testing.md).
#
#   scripts/test-faketime.sh [pytest arguments…]      (default: FAKETIME_TESTS below)
#   FAKETIME_DATES="2027-01-04" scripts/test-faketime.sh tests/e2e
#
# Every date runs even when an earlier one fails; the exit status is non-zero if any failed.
# Only the processes' clocks are faked: PostgreSQL's now() is the server's real time.
# Without the faketime command it warns and exits 0, or fails when
# TONGBAN_REQUIRE_SERVICES=1 (as in CI).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

DATES="${FAKETIME_DATES:-2027-01-04 2027-10-08 2031-06-01}"
PYTHON="${PYTHON:-.venv/bin/python}"
if [[ $# -eq 0 ]]; then
    # shellcheck disable=SC2206  # a list of paths, split on purpose
    set -- ${FAKETIME_TESTS:-tests/e2e tests/integration/test_cases.py tests/integration/test_tasks.py}
    if [[ -z "${FAKETIME_TESTS:-}" ]]; then
        # the 5,000-request schemathesis run checks inputs, not dates (its regression cases
        # still run here); once, in `make test`, is enough
        set -- "$@" --deselect tests/e2e/test_graphql_fuzz.py::test_no_500s_and_no_broken_responses_over_5000_requests
    fi
fi

if ! command -v faketime >/dev/null 2>&1; then
    echo "test-faketime: the faketime command is missing (Debian package faketime; scripts/system-deps.sh installs it as root)" >&2
    [[ "${TONGBAN_REQUIRE_SERVICES:-}" == "1" ]] && exit 1
    echo "test-faketime: SKIPPED the runs on ${DATES}" >&2
    exit 0
fi

failed=()
summary=()
for day in $DATES; do
    target=$(date -d "$day 09:00:00 +0800" +%s) || exit 2
    offset=$((target - $(date +%s)))
    echo "== faketime ${day} 09:00 +08:00 (offset ${offset}s): pytest $*"
    started=$(date +%s)
    # -m: the thread-safe libfaketime; --exclude-monotonic: a faked monotonic clock hangs
    # Python threads that wait with a timeout; tests/faketime/sitecustomize.py mends
    # time.sleep, which libfaketime 0.9.10 breaks in that mode. Child processes inherit all
    # of it (LD_PRELOAD, FAKETIME, PYTHONPATH) and share the one offset.
    PYTHONPATH="tests/faketime${PYTHONPATH:+:$PYTHONPATH}" \
        faketime -m --exclude-monotonic -f "+${offset}s" \
        "$PYTHON" -m pytest -q -p no:cacheprovider "$@"
    status=$?
    took=$(($(date +%s) - started))
    summary+=("${day}: exit ${status} in ${took}s")
    [[ $status -ne 0 ]] && failed+=("$day")
done

echo "== faketime summary"
printf '   %s\n' "${summary[@]}"
if [[ ${#failed[@]} -ne 0 ]]; then
    echo "test-faketime: failed on ${failed[*]}" >&2
    exit 1
fi
