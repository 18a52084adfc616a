"""``python -m models.data.contrast``: item counts per functionality and split."""

from __future__ import annotations

from models.data.contrast import FUNCTIONALITIES, counts


def table() -> str:
    c = counts()
    head = ("functionality", "train", "+noise", "dev", "+noise", "total")
    rows: list[tuple[str, ...]] = []
    totals = [0, 0, 0, 0]
    for name in FUNCTIONALITIES:
        cells = [c[(name, "train", False)], c[(name, "train", True)],
                 c[(name, "dev", False)], c[(name, "dev", True)]]
        totals = [t + n for t, n in zip(totals, cells, strict=True)]
        rows.append((name, *map(str, cells), str(sum(cells))))
    rows.append(("TOTAL", *map(str, totals), str(sum(totals))))
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
             for row in (head, *rows)]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    return "\n".join(lines)


def main() -> None:
    print(table())


if __name__ == "__main__":
    main()
