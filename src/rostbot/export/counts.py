"""counts.csv: how many responses each flow has, and how they split, small groups hidden.

Per flow: the number of responses (`all`), then three breakdowns: `status` (complete,
partial, unknown), `lang` and `flow_version`. The total is hidden when it is below the
minimum group, or when the flow's indicator pattern hides its all-time total (a shown
total would let a reader add up the years). A breakdown is shown whole or not at all:
when any of its parts has fewer people than the minimum group (or the total is hidden),
one row says the breakdown is hidden, and no part, not even its name, is listed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping

COLUMNS = ("flow_id", "breakdown", "value", "n", "suppressed")
BREAKDOWNS = ("status", "lang", "flow_version")


def count_rows(
    counts: Counter[tuple[str, str, str]],
    total_hidden: Mapping[str, bool],
    min_group: int,
) -> Iterator[list[str]]:
    """Rows of counts.csv from (flow, breakdown, value) -> responses, in a stable order."""
    flows = sorted({flow for flow, _, _ in counts})
    for flow in flows:
        total = sum(n for (f, b, _), n in counts.items() if f == flow and b == "status")
        hidden = total < min_group or total_hidden.get(flow, True)
        yield [flow, "all", "", "" if hidden else str(total), "true" if hidden else "false"]
        for breakdown in BREAKDOWNS:
            parts = sorted(
                ((v, n) for (f, b, v), n in counts.items() if f == flow and b == breakdown and n),
                key=lambda part: (len(part[0]), part[0]),
            )
            if hidden or any(n < min_group for _, n in parts):
                yield [flow, breakdown, "", "", "true"]
                continue
            for value, n in parts:
                yield [flow, breakdown, value, str(n), "false"]
