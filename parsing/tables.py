"""Task tables (任务分解表): which column is which, and tables whose cells arrived one per line.

A table reaches the parser as rows of cells: pipe rows "| 1 | 任务 | 市发改委 |" (parsing.readers, Markdown),
tab-separated rows (OCR), or — pasted from a web page or a PDF — one cell per line, each maybe ending in " |".
`unflatten` turns the last kind back into pipe rows; `column_roles` names the columns of a header row.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .results import SourceLine

# Column roles, told by the header cell's words (spaces removed). Support is tested before lead: "配合责任单位".
ROLE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("seq", re.compile(r"^(?:序号|编号|序)$")),
    ("leader", re.compile(r"领导|责任人|联系人|负责人")),
    ("support", re.compile(r"(?:配合|协办|参与|协助|协同)(?:责任)?(?:单位|部门)")),
    ("lead", re.compile(r"(?:牵头|责任|主责|主办|承办)(?:单位|部门|主体|科室|处室|股室)|^牵头$|^责任$")),
    # progress and remarks of a 推进情况 table: reported facts, never a deadline or the task
    # progress and remarks of a 推进情况 table: reported facts, never a deadline or the task
    ("note", re.compile(r"(?:推进|进展|完成|落实|办理|办结)情况|^(?:当前|目前|实际)进度|^截至"
                        r"|^(?:备注|说明|状态|完成率|是否\S{0,4})$")),
    ("time", re.compile(r"时限|时间|期限|节点|进度")),
    ("task", re.compile(r"任务|工作|措施|事项|内容|项目|指标|目标|举措|要求|名称|实事|工程")),
)
HEADER_CELL_MAX = 14  # a header cell is a few words; a longer cell is data
_ANY_ROLE_RE = re.compile("|".join(pattern.pattern for _, pattern in ROLE_PATTERNS))


def cell_role(cell: str) -> str | None:
    """The role a header cell names (seq, task, lead, support, time, leader), or None."""
    if len(cell) > HEADER_CELL_MAX + 8:
        return None
    text = re.sub(r"\s+", "", cell).strip("|") if " " in cell or "|" in cell else cell
    if not text or len(text) > HEADER_CELL_MAX or not _ANY_ROLE_RE.search(text):
        return None  # the common case, told by one scan
    for role, pattern in ROLE_PATTERNS:
        if m := pattern.search(text):
            if role == "leader" and m.start() > 0:
                # "牵头单位及主要负责人": the unit column, its head's name beside the unit
                unit = _UNIT_ROLE_RE.search(text, 0, m.start())
                if unit is not None and _AND_RE.search(text, unit.end(), m.start()):
                    return "support" if unit.group(1) else "lead"
            return role
    return None


_AND_RE = re.compile(r"[及和与、/]")  # (not "牵头单位负责人": the person heading the unit, a leader column)
_UNIT_ROLE_RE = re.compile(r"(?:((?:配合|协办|参与|协助|协同))|牵头|责任|主责|主办|承办)(?:单位|部门)")


@dataclass(frozen=True, slots=True)
class Columns:
    """Column indexes of a task table, by role (None: the table has no such column)."""

    lead: int
    task: int | None = None
    seq: int | None = None
    support: int | None = None
    time: int | None = None

    @classmethod
    def from_header(cls, cells: Sequence[str]) -> Columns | None:
        """The columns of a header row; None when it names no unit column (not a task table's header)."""
        roles = [cell_role(c) for c in cells]
        if "lead" not in roles or sum(r is not None for r in roles) < 2:
            return None

        def first(role: str, after: int = -1) -> int | None:
            return next((i for i, r in enumerate(roles) if r == role and i > after), None)

        seq = first("seq")
        # a task column before the 序号 is a category spanning rows; the row's own task comes after the 序号
        task = first("task", -1 if seq is None else seq) or first("task")
        lead = roles.index("lead")
        support = first("support")
        if support is None and "牵头" in re.sub(r"\s", "", cells[lead]):
            support = first("lead", lead)  # "牵头责任单位 | 责任单位": beside the lead, the responsible units support
        elif support is None and (later := first("lead", lead)) is not None and "牵头" in re.sub(
                r"\s", "", cells[later]):
            lead, support = later, lead  # "责任单位 | 牵头单位": the 牵头 column leads wherever it stands
        return cls(lead=lead, task=task, seq=seq, support=support, time=first("time"))

    @classmethod
    def from_numbered_row(cls, cells: Sequence[str]) -> Columns | None:
        """The columns of a table stored without its header, told by a numbered row's cells: "1 | task | unit |
        …" — the 序号, then the task, then the first cell that holds only unit names (the responsible units).
        None when the row has no such shape."""
        if len(cells) < 3 or not _SEQ_RE.match(cells[0]) or len(cells[1]) < TASK_CELL_MIN \
                or _UNIT_CELL_RE.match(cells[1]):
            return None
        lead = next((k for k in range(2, len(cells)) if is_unit_cell(cells[k])), None)
        return None if lead is None else cls(lead=lead, task=1, seq=0)


TASK_CELL_MIN = 6  # a task cell says what is to be done: a few words at least


def is_unit_cell(cell: str) -> bool:
    """A cell naming one or more units and nothing else ("县教育局", "市政局、相关街道")."""
    parts = re.split(r"[、,，;；]", cell.strip())
    return 0 < len(parts) <= 12 and all(_UNIT_CELL_RE.match(part) for part in parts)


_CELL_END_RE = re.compile(r"\s*\|\s*$")
# (a header may space its characters out: "责 任 单 位")
UNIT_HEADER_LINE_RE = _HEADER_LINE_RE = re.compile(
    r"^[^\n|。,;:]{0,3}(?:牵 ?头|责 ?任|主 ?责|主 ?办|承 ?办)[ \u3000]?(?:单 ?位|部 ?门|主 ?体|科 ?室|处 ?室)[^\n|。,;:]{0,5}\s*\|?\s*$",
    re.MULTILINE)
UNIT_HEADER_MAX = _HEADER_MAX = 30  # longer than any line _HEADER_LINE_RE accepts but for runs of spaces
_SEPARATOR_RE = re.compile(r"^\s*\|\s*$")  # a line holding only a cell border
_SEQ_RE = re.compile(r"^\d{1,3}$")
FLAT_CELL_MAX = 400  # longer lines are paragraphs, not table cells


def _cell(text: str) -> str:
    return _CELL_END_RE.sub("", text).strip().lstrip("|").strip()


def unflatten(lines: Sequence[SourceLine]) -> list[SourceLine]:
    """Tables flattened to one cell per line, turned back into pipe rows (one SourceLine per row, numbered by its
    task cell's line, else its first). A flattened table starts with a header of three or more header cells on
    consecutive lines, one naming a unit column; its rows start at the next 序号 when the first column is 序号, else
    every N cells. Other lines are returned as they are."""
    if not any(len(line.text) <= _HEADER_MAX and _HEADER_LINE_RE.match(line.text) for line in lines):
        return list(lines)  # the common case: no unit column header on a line of its own (short lines only)

    lines = [line for line in lines if not _SEPARATOR_RE.match(line.text)]
    out: list[SourceLine] = []
    i = 0
    while i < len(lines):
        header_end = i
        while header_end < len(lines) and len(lines[header_end].text) <= HEADER_CELL_MAX + 4 \
                and cell_role(_cell(lines[header_end].text)) is not None \
                and "|" not in lines[header_end].text.strip().rstrip("|"):
            header_end += 1
        cells = [_cell(line.text) for line in lines[i:header_end]]
        columns = Columns.from_header(cells) if header_end - i >= 3 else None
        if columns is None:
            out.append(lines[i])
            i += 1
            continue
        start = header_end
        if columns.seq is None and _anchored(lines, start):
            # numbered rows under a header without 序号: the number follows the first column (a category that
            # spans rows), so the table is read as category | 序号 | the other columns
            cells = [cells[0], "序号", *cells[1:]]
            out.append(SourceLine(lines[i].number, "| " + " | ".join(cells) + " |"))
            rows, i = _anchored_rows(lines, start, cells)
        else:
            if columns.seq == 0 and start < len(lines) and not _SEQ_RE.match(_cell(lines[start].text)) \
                    and not _section_row_at(lines, start) and (unnumbered := Columns.from_header(cells[1:])) \
                    and _aligned(lines, start, len(cells) - 1, unnumbered.lead):
                # a 序号 column whose numbers were not stored (a list's automatic numbering): rows of the other cells
                cells, columns = cells[1:], unnumbered
            if columns.seq and start < len(lines) and _cell(lines[start].text) == "1" \
                    and (numbered := Columns.from_header(cells[columns.seq:])) is not None:
                # a category column before the 序号 that the rows leave out ("目标 | 序号 | 任务 | …" then "1 | …"):
                # the rows start at their number
                cells, columns = cells[columns.seq:], numbered
            if columns.seq == 0:
                cells, columns = _unfilled_columns_dropped(lines, start, cells, columns)
            header = SourceLine(lines[i].number, "| " + " | ".join(cells) + " |")
            out.append(header)
            rows, i = _flat_rows(lines, start, len(cells), columns, header)
        out.extend(rows)
    return out


def _aligned(lines: Sequence[SourceLine], start: int, width: int, lead: int, rows: int = 3) -> bool:
    """Whether the first rows read every `width` cells hold a unit in their unit column (no cell ran over lines)."""
    cells = [_cell(line.text) for line in lines[start:start + width * rows]]
    return len(cells) == width * rows and all(is_unit_cell(cells[k * width + lead]) for k in range(rows))


def _unfilled_columns_dropped(lines: Sequence[SourceLine], start: int, cells: list[str], columns: Columns
                              ) -> tuple[list[str], Columns]:
    """A header naming a second task column ("主要任务 | 全年目标任务") that no row fills: when every numbered row
    holds as many cells fewer as there are such columns, the rows leave them out (a cell merged across both), so they
    are dropped from the header rather than every later cell read one column off."""
    extra = [k for k, cell in enumerate(cells) if k != columns.task and cell_role(cell) == "task"
             and columns.task is not None and k > columns.task]
    if not extra:
        return cells, columns
    lengths: list[int] = []
    seq: int | None = None
    count = 0
    for k in range(start, min(len(lines), start + 40 * len(cells))):
        text = _cell(lines[k].text)
        if seq is None or text == str(seq + 1):
            if seq is not None:
                lengths.append(count)
            if not _SEQ_RE.match(text) or len(lengths) >= 8:
                break
            seq, count = int(text), 0
        count += 1
    short = {len(cells) - n for n in lengths}
    if len(lengths) < 2 or len(short) != 1 or not 1 <= (missing := short.pop()) <= len(extra):
        return cells, columns
    kept = [cell for k, cell in enumerate(cells) if k not in extra[:missing]]
    return kept, Columns.from_header(kept) or columns


def _anchored(lines: Sequence[SourceLine], start: int) -> bool:
    """Whether the cells after a header hold the numbers 1 and 2 alone on their lines, in order, early on."""
    cells = [_cell(line.text) for line in lines[start:start + 16]]
    return "1" in cells and "2" in cells and cells.index("1") < cells.index("2") and cells.index("1") <= 1


def _anchored_rows(lines: Sequence[SourceLine], i: int, header: list[str]) -> tuple[list[SourceLine], int]:
    """Rows of a flattened table whose 序号 follows a category cell: a row runs from its number to the cell before
    the next number; a cell left over at its end is the next row's category."""
    columns = Columns.from_header(header)
    assert columns is not None
    width = len(header)
    rows: list[SourceLine] = []
    category = ""
    if _cell(lines[i].text) != "1":
        category, i = _cell(lines[i].text), i + 1
    seq = 1
    while i < len(lines) and _cell(lines[i].text) == str(seq) and len(lines[i].text) <= FLAT_CELL_MAX:
        end = i + 1
        while end < len(lines) and _cell(lines[end].text) != str(seq + 1) and end - i <= width \
                and len(lines[end].text) <= FLAT_CELL_MAX:
            end += 1
        own = [(_cell(line.text), line.number) for line in lines[i + 1:end]]
        following = ""
        if end < len(lines) and _cell(lines[end].text) == str(seq + 1) and len(own) > width - 2:
            following = own.pop()[0]  # the next row's category stands before its number
        cells = [category, str(seq), *(text for text, _ in own)]
        cells = (cells + [""] * width)[:width]
        task_at = (columns.task or 2) - 2
        number = own[task_at][1] if 0 <= task_at < len(own) else lines[i].number
        rows.append(SourceLine(number, "| " + " | ".join(cells) + " |"))
        category = following or category
        i, seq = end, seq + 1
    return rows, i


def _flat_rows(lines: Sequence[SourceLine], i: int, width: int, columns: Columns, header: SourceLine
               ) -> tuple[list[SourceLine], int]:
    """Rows of a flattened table from line i on, and the index of the first line after the table."""
    rows: list[SourceLine] = []
    first = _cell(lines[i].text) if i < len(lines) else ""
    expected_seq = int(first) if _SEQ_RE.match(first) else 1  # (a table stored from its 80th row on)
    while i < len(lines):
        if len(lines[i].text) > FLAT_CELL_MAX:
            break
        if columns.seq == 0:
            if _cell(lines[i].text) != str(expected_seq):
                if _section_row_at(lines, i) and _cell(lines[i + 1].text) in (str(expected_seq), "1"):
                    # a section row spanning the table ("一、民生保障类"): a heading over the rows below it, which
                    # are read under the header again; a section may number its rows from 1
                    rows.extend((lines[i], header))
                    expected_seq = int(_cell(lines[i + 1].text))
                    i += 1
                    continue
                break
            end = i + 1
            while end < len(lines) and end - i < width + 2 and _cell(lines[end].text) != str(expected_seq + 1) \
                    and len(lines[end].text) <= FLAT_CELL_MAX and not _section_row_at(lines, end):
                end += 1
            limit = end
            if columns.time is None and end - i == width + 2:  # maybe rows of requirements below: read on
                while end < len(lines) and end - i < 4 * width and _cell(lines[end].text) != str(expected_seq + 1) \
                        and len(lines[end].text) <= FLAT_CELL_MAX and not _section_row_at(lines, end):
                    end += 1
            expected_seq += 1
        else:
            end = limit = min(len(lines), i + width)
        row = [(_cell(line.text), line.number) for line in lines[i:end]]
        more: list[list[tuple[str, int]]] = []
        if columns.seq == 0 and len(row) > width:
            row, more, used = _continuations(row, width, columns)
            if not more and end > limit:  # no rows of requirements: the row as read before
                row, used = row[:limit - i], limit - i
            end = i + used  # what no row takes (a page's buttons after the table) is no cell
        cells = _fit(row, width, columns)
        task_at = columns.task if columns.task is not None and columns.task < len(row) else 0
        number = row[task_at][1] if row else lines[i].number
        rows.append(SourceLine(number, "| " + " | ".join(cells) + " |"))
        for extra in more:  # continuation rows: no 序号, the unit cell merged with the row above
            cells = ["" for _ in range(width)]
            if columns.time is None:  # (requirement, units): the task cell above is merged over them
                cells[width - 2] = extra[0][0]
                # a requirement the end of the text cut before its unit cell names no unit ("—", a cell left blank
                # on purpose), not the units of the row above
                cells[columns.lead] = extra[1][0] if len(extra) > 1 else "" if end < len(lines) else "—"
            else:
                cells[columns.task or 1] = extra[0][0]
                cells[columns.time] = extra[-1][0]
            rows.append(SourceLine(extra[0][1], "| " + " | ".join(cells) + " |"))
        i = end
    return rows, i


_SECTION_ROW_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）])")



def _section_row_at(lines: Sequence[SourceLine], i: int) -> bool:
    """Whether line i is a section row of a table: a numbered heading followed by a row's 序号."""
    return i + 1 < len(lines) and _SECTION_ROW_RE.match(lines[i].text) is not None \
        and _SEQ_RE.match(_cell(lines[i + 1].text)) is not None


# A time-limit cell: "5月底前动工", "12月底前", "2021年", "长期", "全年".
_TIME_CELL_RE = re.compile(r"^[^。,;:]{0,12}(?:前|底|末|内|年|月|季度|长期|持续|全年|常态化)(?:动工|开工|完成|建成|投用|投入使用)?$")


def _continuations(row: list[tuple[str, int]], width: int, columns: Columns
                   ) -> tuple[list[tuple[str, int]], list[list[tuple[str, int]]], int]:
    """A numbered row with cells left over after its time limit: rows below it without 序号 (task, time limit) whose
    unit cell is merged with the row's ("5 | 开工建设县老年养护楼。| 县民政局 | 5月底前动工" + "开工建设老年大学。| 12月底前").
    Or, in a table whose units come last after a task and its requirements ("1 | 加强预期引导 | 要求… | 单位A" +
    "要求… | 单位B"), rows below it of a requirement and its units whose task cell is merged with the row's.
    Returns the row, the continuation rows and how many cells they use; a row without that shape comes back whole."""
    if columns.time is None and columns.support is None and columns.task is not None \
            and columns.task < width - 2 == columns.lead - 1 and is_unit_cell(row[width - 1][0]):
        subrows: list[list[tuple[str, int]]] = []
        k = width
        while k < len(row) and len(row[k][0]) >= TASK_CELL_MIN and not is_unit_cell(row[k][0]):
            if k + 1 < len(row) and is_unit_cell(row[k + 1][0]):
                subrows.append(row[k:k + 2])
                k += 2
            elif k + 1 == len(row):
                subrows.append(row[k:k + 1])  # a requirement no unit cell follows (the table cut short)
                k += 1
            else:
                break
        if subrows:
            return row[:width], subrows, k
    if columns.time != width - 1 or columns.task is None or not _TIME_CELL_RE.match(row[width - 1][0]):
        return row, [], len(row)
    more: list[list[tuple[str, int]]] = []
    k = width
    while k + 1 < len(row) and not _TIME_CELL_RE.match(row[k][0]) and _TIME_CELL_RE.match(row[k + 1][0]):
        more.append(row[k:k + 2])
        k += 2
    return row[:width], more, k


def _fit(row: list[tuple[str, int]], width: int, columns: Columns) -> list[str]:
    """A row's cells in the table's columns: extra lines belong to the task cell (a long cell wrapped), missing
    trailing cells stay empty (a row cut short)."""
    cells = [text for text, _ in row]
    if len(cells) > width and any(c.endswith("、") for c in cells):
        cells = _lists_rejoined(cells)
    lead = columns.lead
    if len(cells) > width and lead == width - 1 and _is_unit_list(cells[lead]) \
            and not all(_is_unit_list(c) for c in cells[width:]):
        return cells[:width]  # cells after the last column's units: a note cell that ran on (another unit's progress)
    if len(cells) > width:
        surplus = len(cells) - width
        # the cell that ran over several lines: a unit column listing one unit per line, else the task text
        if _UNIT_CELL_RE.match(cells[lead]) and all(_UNIT_CELL_RE.match(c) for c in cells[lead:lead + surplus + 1]):
            cells[lead:lead + surplus + 1] = ["、".join(cells[lead:lead + surplus + 1])]
        elif columns.task is not None:
            task = columns.task
            cells[task:task + surplus + 1] = ["".join(cells[task:task + surplus + 1])]
    return (cells + [""] * width)[:width]


# A cell holding one unit's name: short, no sentence, ends like a body ("县水务局", "县护城河指挥部").
_UNIT_CELL_RE = re.compile(r"^[^。,;:\s]{2,20}(?:局|委|办|厅|府|会|中心|指挥部|小组|室|队|所|站|院|部|公司|集团|镇|乡|街道|处)$")


def _lists_rejoined(cells: list[str]) -> list[str]:
    """A unit list wrapped after its separator ("区投促局、" + "大观园街道办事处"): one cell again."""
    out: list[str] = []
    for cell in cells:
        if out and out[-1].endswith("、") and _UNIT_CELL_RE.match(cell.rstrip("、")):
            out[-1] += cell
        else:
            out.append(cell)
    return out


def _is_unit_list(cell: str) -> bool:
    return all(_UNIT_CELL_RE.match(part) for part in cell.split("、"))


_SPACE_SPLIT_RE = re.compile(r"[ \u3000]+")
# A unit alone on a line below a row's unit cell: a place's body ("区供销联社", "区畜牧业发展中心").
_RUN_ON_UNIT_RE = re.compile(r"^[省市县区镇乡][^。,;:\s%]{1,14}(?:社|馆|所|站|中心|队|院|局|委|办|会|公司)$")
_SPACED_ROW_RE = re.compile(r"^(\d{1,3})[ \u3000]*(?=[\u4e00-\u9fff])")  # (the text's spaces after a number may be gone)


def respaced(lines: Sequence[SourceLine]) -> list[SourceLine]:
    """Tables whose cells a web page separated by spaces ("序号 目标任务 责任单位 推进情况" then "1 任务。 区发改委
    进展。"), turned into pipe rows. A unit cell listing one unit per line runs on over the lines below its row (each
    line one unit), and the row's later cells follow them; a section row ("一、…") heads the rows below it."""
    if not any(line.text.startswith("序号") for line in lines):
        return list(lines)  # the common case: no header row starting with 序号
    out: list[SourceLine] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        columns = None
        if line.text.startswith("序号") and "|" not in line.text and "\t" not in line.text:
            cells = _SPACE_SPLIT_RE.split(line.text.strip())
            if len(cells) >= 3 and all(cell_role(c) for c in cells):
                columns = Columns.from_header(cells)
        if columns is None or columns.seq != 0:
            out.append(line)
            continue
        width = len(cells)
        header = SourceLine(line.number, "| " + " | ".join(cells) + " |")
        out.append(header)
        row: list[str] = []
        row_line = line
        sections = False
        while i < len(lines):
            text = lines[i].text.strip()
            if not text:
                i += 1
                continue
            numbered = _SPACED_ROW_RE.match(text)
            if numbered is not None:
                cells_of_row = [numbered.group(1), *_SPACE_SPLIT_RE.split(text[numbered.end():])]
                if len(cells_of_row) > width:  # spaces inside the task's text
                    surplus = len(cells_of_row) - width
                    cells_of_row[1:2 + surplus] = ["".join(cells_of_row[1:2 + surplus])]
                if len(cells_of_row) <= columns.lead or not is_unit_cell(cells_of_row[columns.lead]):
                    break
                if row:
                    out.append(_pipe_row(row_line, row, width))
                if sections:
                    out.append(header)  # rows under section rows: read under the header again
                    sections = False
                row, row_line = cells_of_row, lines[i]
            elif _SECTION_ROW_RE.match(text) and len(text) <= FLAT_CELL_MAX and " " not in text:
                if row:
                    out.append(_pipe_row(row_line, row, width))
                row = []
                out.append(lines[i])  # a section row over the rows below it
                sections = True
            elif row and len(row) == columns.lead + 1 and (is_unit_cell(text) or _RUN_ON_UNIT_RE.match(text)):
                row[columns.lead] += "、" + text  # the unit cell ran on, one unit per line
            elif row and len(row) < width and " " not in text and len(text) <= FLAT_CELL_MAX:
                row.append(text)  # the row's next cell, after its units
            else:
                break
            i += 1
        if row:
            out.append(_pipe_row(row_line, row, width))
    return out


def _pipe_row(line: SourceLine, cells: list[str], width: int) -> SourceLine:
    return SourceLine(line.number, "| " + " | ".join((cells + [""] * width)[:width]) + " |")
