"""Primary and complementary suppression of one indicator table (hypercube method).

A table holds the number of people `n` per cell (unit, provider, period), where unit
and provider each have a total `*` and periods are months, quarters and years. The
published cells are tied by sums: units add up to `*`, providers add up to `*`, months
add up to their quarter and quarters to their year. Cells with no people do not exist
(a reader knows they are 0).

Primary: every cell with n below the minimum group size is hidden. Complementary: every
hidden cell gets a *certificate*: a set of hidden, existing cells and a +1/-1 for each,
built as the product of one balanced move per direction (two units or a unit and `*`;
the same for providers; two months of a quarter, or a month's chain up to another
quarter or to its year). Adding the signs to the cells changes no sum a reader can see,
keeps every cell at 1 or more, and changes the hidden cell: so it has at least two
values that fit everything published. Certificates are picked to hide as few (and as
small) extra cells as possible; hiding more later never breaks an earlier certificate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

TOTAL = "*"
CANDIDATES = 4  # moves tried per direction for each hidden cell
Cell = tuple[str, str, str]  # (unit, provider, period)
Move = dict[str, int]  # category -> +1/-1 along one direction


def quarter_of(month: str) -> str:
    """`2026-05` -> `2026-Q2`."""
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def year_of(period: str) -> str:
    return period[:4]


def period_type(period: str) -> str:
    if len(period) == 4:
        return "year"
    return "quarter" if "Q" in period else "month"


def _flat_moves(category: str, members: list[str]) -> list[Move]:
    """Balanced moves through `category` in a direction whose members add up to `*`."""
    if category == TOTAL:
        return [{TOTAL: 1, m: 1} for m in members]
    moves: list[Move] = [{category: 1, other: -1} for other in members if other != category]
    moves.append({category: 1, TOTAL: 1})
    return moves


def _time_moves(period: str, months: list[str]) -> list[Move]:
    """Balanced moves through `period` along months -> quarters -> years (no total above)."""
    by_quarter: dict[str, list[str]] = {}
    for m in months:
        by_quarter.setdefault(quarter_of(m), []).append(m)
    kind = period_type(period)
    if kind == "month":
        starts = [period]
    elif kind == "quarter":
        starts = by_quarter.get(period, [])
    else:
        starts = [m for m in months if year_of(m) == period]
    moves: list[Move] = []
    for m in starts:
        q, y = quarter_of(m), year_of(m)
        if kind == "month":
            moves += [{m: 1, other: -1} for other in by_quarter[q] if other != m]
        if kind in ("month", "quarter"):
            for other_q, other_months in by_quarter.items():
                if other_q != q and year_of(other_q) == y:
                    moves += [{m: 1, q: 1, other_q: -1, o: -1} for o in other_months]
        moves.append({m: 1, q: 1, y: 1})
    return moves


@dataclass(frozen=True)
class Suppression:
    hidden: frozenset[Cell]
    primary: frozenset[Cell]


def suppress(counts: Mapping[Cell, int], min_group: int) -> Suppression:
    """Hide cells with n < min_group and enough others that none can be worked out."""
    units = sorted({u for u, _, _ in counts if u != TOTAL})
    providers = sorted({p for _, p, _ in counts if p != TOTAL})
    months = sorted({t for _, _, t in counts if period_type(t) == "month"})
    primary = {cell for cell, n in counts.items() if 0 < n < min_group}
    hidden: set[Cell] = set(primary)
    covered: set[Cell] = set()
    for target in sorted(primary, key=lambda c: (counts[c], c)):
        if target in covered:
            continue
        support = _cheapest_certificate(target, counts, hidden, units, providers, months)
        hidden.update(support)
        covered.update(support)
    return Suppression(frozenset(hidden), frozenset(primary))


def _cheapest_certificate(
    target: Cell,
    counts: Mapping[Cell, int],
    hidden: set[Cell],
    units: list[str],
    providers: list[str],
    months: list[str],
) -> list[Cell]:
    unit, provider, period = target

    def exists(cell: Cell) -> bool:
        return counts.get(cell, 0) > 0

    # Every certificate holds the target's own line in each direction: moves whose cells
    # along that line do not exist can never be part of one, so drop them first.
    time_moves = [
        m for m in _time_moves(period, months) if all(exists((unit, provider, t)) for t in m)
    ]
    unit_moves = [
        m for m in _flat_moves(unit, units) if all(exists((u, provider, period)) for u in m)
    ]
    provider_moves = [
        m for m in _flat_moves(provider, providers) if all(exists((unit, p, period)) for p in m)
    ]
    # Try only the few cheapest moves per direction along the target's own lines, and the
    # cheapest one that reaches a total (which always works): any certificate protects,
    # the very cheapest is only a nicety, and trying every combination costs the cube.
    unit_moves = _cheapest(unit_moves, lambda u: (u, provider, period), counts, hidden)
    provider_moves = _cheapest(provider_moves, lambda p: (unit, p, period), counts, hidden)
    time_lines = [
        list(m.items())
        for m in _cheapest(time_moves, lambda t: (unit, provider, t), counts, hidden)
    ]
    best: tuple[tuple[int, int], list[Cell]] | None = None
    for mu in unit_moves:
        for mp in provider_moves:
            plane = [(u, p, su * sp) for u, su in mu.items() for p, sp in mp.items()]
            # Every time move passes through the target's period: the plane must exist there,
            # and its cells not hidden yet are a lower bound of what the certificate adds.
            if any(counts.get((u, p, period), 0) <= 0 for u, p, _ in plane):
                continue
            floor = sum(1 for u, p, _ in plane if (u, p, period) not in hidden)
            if best is not None and floor > best[0][0]:
                continue
            for mt in time_lines:
                cells = _certificate(plane, mt, counts)
                if cells is None:
                    continue
                extra = [c for c in cells if c not in hidden]
                cost = (len(extra), sum(counts[c] for c in extra))
                if best is None or cost < best[0]:
                    best = (cost, cells)
                    if cost == (0, 0):
                        return cells
    # The chain to every total ({u, *} x {p, *} x {month, quarter, year}) always exists
    # and has no -1, so a certificate is always found.
    assert best is not None, f"no certificate for {target}"
    return best[1]


def _cheapest(
    moves: list[Move], cell_of: Callable[[str], Cell], counts: Mapping[Cell, int], hidden: set[Cell]
) -> list[Move]:
    """The CANDIDATES cheapest moves (cells not hidden yet, then their n), and one to a total."""

    def cost(move: Move) -> tuple[int, int]:
        extra = [cell_of(c) for c in move if cell_of(c) not in hidden]
        return (len(extra), sum(counts[c] for c in extra))

    def reaches_total(move: Move) -> bool:
        return any(c == TOTAL or period_type(c) == "year" for c in move)

    ranked = sorted(moves, key=cost)
    return ranked[:CANDIDATES] + [m for m in ranked[CANDIDATES:] if reaches_total(m)][:1]


def _certificate(
    plane: list[tuple[str, str, int]], mt: list[tuple[str, int]], counts: Mapping[Cell, int]
) -> list[Cell] | None:
    """The cells of the product move, if all exist and one sign can be taken away from them."""
    cells: list[Cell] = []
    as_given_ok = flipped_ok = True
    for u, p, sign in plane:
        for t, st in mt:
            cell = (u, p, t)
            n = counts.get(cell, 0)
            if n <= 0:
                return None
            if n < 2:
                # a cell of 1 can only grow: its sign must be the one that adds
                if sign * st < 0:
                    as_given_ok = False
                else:
                    flipped_ok = False
                if not (as_given_ok or flipped_ok):
                    return None
            cells.append(cell)
    return cells


def relations(counts: Iterable[Cell]) -> list[tuple[Cell, list[Cell]]]:
    """Every published sum: (total cell, the cells that add up to it). For auditing."""
    cells = set(counts)
    units = sorted({u for u, _, _ in cells if u != TOTAL})
    providers = sorted({p for _, p, _ in cells if p != TOTAL})
    periods = sorted({t for _, _, t in cells})
    months = [t for t in periods if period_type(t) == "month"]
    quarters = sorted({quarter_of(m) for m in months})
    years = sorted({year_of(m) for m in months})
    found: list[tuple[Cell, list[Cell]]] = []
    for t in periods:
        for p in [*providers, TOTAL]:
            found.append(((TOTAL, p, t), [(u, p, t) for u in units]))
        for u in [*units, TOTAL]:
            found.append(((u, TOTAL, t), [(u, p, t) for p in providers]))
    for u in [*units, TOTAL]:
        for p in [*providers, TOTAL]:
            for q in quarters:
                found.append(((u, p, q), [(u, p, m) for m in months if quarter_of(m) == q]))
            for y in years:
                found.append(((u, p, y), [(u, p, q) for q in quarters if year_of(q) == y]))
    return found
