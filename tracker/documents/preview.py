"""Sample printables to look at: `python -m tracker.documents.preview OUT_DIR`.

Writes each sample document as .docx, and, where LibreOffice (soffice) and poppler (pdftoppm) are installed,
as PDF and one PNG per page. Not part of the test suite (the tests read the .docx with python-docx); the
sample data below is shared with the tests. The PDF is drawn with the faces this machine has: a private
fontconfig file maps the 公文 faces to the nearest installed ones (Noto CJK or AR PL 明体/楷体, 文泉驿黑体).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from tracker.documents.bulletin import bulletin_docx
from tracker.documents.inputs import (
    BulletinData,
    BulletinTotals,
    LateUnit,
    NoticeData,
    OverdueItem,
    Ratings,
    UnitRow,
    UrgedUnit,
    UrgeNoticeData,
)
from tracker.documents.notices import notice_docx, urge_notice_docx

OFFICE = "南山市人民政府督查室"


def sample_notice() -> NoticeData:
    return NoticeData(
        number="督办〔2026〕12号",
        issued_on=date(2026, 3, 12),
        office_name=OFFICE,
        task_ref="南政发〔2026〕3号第五项",
        task_title="推进城区老旧小区改造",
        task_text="2026年完成城区老旧小区改造42个，同步实施雨污分流、加装电梯和充电设施建设，"
        "改造完成后移交物业管理。",
        lead_units=("市住房和城乡建设局",),
        support_units=("市财政局", "市自然资源和规划局", "南城区人民政府"),
        source="《南山市人民政府关于印发2026年重点工作任务分解方案的通知》（南政发〔2026〕3号）",
        due=date(2026, 6, 30),
        requirements=(
            "牵头单位于3月20日前制定工作方案，明确责任人和时间节点，报市政府督查室备案。",
            "每月28日前通过督查督办系统报送工作进展，附相关佐证材料。",
            "确需延期的，应在办理时限届满前提出书面申请，说明理由和新的完成时间。",
        ),
        leader_in_charge="王建国副市长",
        contact_name="李明",
        contact_phone="0351-7654321",
    )


def sample_urge_notice() -> UrgeNoticeData:
    return UrgeNoticeData(
        number="催办〔2026〕7号",
        issued_on=date(2026, 7, 10),
        office_name=OFFICE,
        task_ref="南政发〔2026〕3号第五项",
        task_title="推进城区老旧小区改造",
        task_text="2026年完成城区老旧小区改造42个，同步实施雨污分流、加装电梯和充电设施建设。",
        source="《南山市人民政府关于印发2026年重点工作任务分解方案的通知》（南政发〔2026〕3号）",
        notice_number="督办〔2026〕12号",
        assigned_on=date(2026, 3, 12),
        original_due=date(2026, 6, 30),
        units=(
            UrgedUnit(
                name="市住房和城乡建设局",
                due=date(2026, 6, 30),
                days_overdue=10,
                latest_report="已完成改造31个，其余11个因管线迁改滞后正在施工。",
                latest_report_on=date(2026, 6, 28),
            ),
            UrgedUnit(name="南城区人民政府", due=date(2026, 7, 5), days_overdue=5),
        ),
        urge_round=2,
        urge_note="该事项已两次超过办理时限，群众反映较多，请主要负责同志亲自过问。",
        reply_by=date(2026, 7, 17),
        leader_in_charge="王建国副市长",
        contact_name="李明",
        contact_phone="0351-7654321",
    )


def sample_bulletin() -> BulletinData:
    return BulletinData(
        number="督通〔2026〕11号",
        period_label="2026年11月",
        period_end=date(2026, 11, 30),
        issued_on=date(2026, 12, 4),
        office_name=OFFICE,
        recipients="各县（区）人民政府，市政府各部门",
        totals=BulletinTotals(
            tasks=86,
            tasks_completed=52,
            assignments=128,
            completed=91,
            completed_on_time=82,
            overdue=9,
            on_time_rate=0.9011,
        ),
        units=(
            UnitRow("市财政局", 18, 16, 16, 0, 1.0, None, Ratings(excellent=5, good=9, adequate=2)),
            UnitRow("市住房和城乡建设局", 24, 17, 15, 3, 0.8824, 12.3, Ratings(excellent=2, good=10, adequate=4, poor=1)),
            UnitRow("市交通运输局", 15, 10, 8, 2, 0.8, 6.5, Ratings(good=6, adequate=4)),
            UnitRow("市生态环境局", 11, 8, 8, 0, 1.0, None),
            UnitRow("南城区人民政府", 31, 22, 19, 4, 0.8636, 18.75, Ratings(excellent=3, good=12, adequate=7)),
            UnitRow("市自然资源和规划局", 29, 18, 16, 0, 0.8889, None),
        ),
        overdue_items=(
            OverdueItem("推进城区老旧小区改造", "市住房和城乡建设局", date(2026, 6, 30), 153, "南政发〔2026〕3号第五项"),
            OverdueItem("南城区雨污分流改造二期", "南城区人民政府", date(2026, 9, 30), 61),
            OverdueItem("公交场站建设", "市交通运输局", date(2026, 10, 31), 30, "市政府第12次常务会议纪要"),
        ),
        late_units=(LateUnit("南城区人民政府", 4), LateUnit("市住房和城乡建设局", 3), LateUnit("市交通运输局", 2)),
        typical_cases=(
            "市财政局对11月到期的16件督办事项逐项建立台账，实行周调度、月通报，全部按期办结，"
            "其中“惠企资金直达”事项提前15天完成。",
        ),
        requirements=(
            "各逾期单位要在12月15日前向市政府督查室书面说明逾期原因，提出整改措施和完成时限。",
            "各单位要加强对督办事项的跟踪调度，严格落实每月反馈制度，杜绝“只报不办”。",
        ),
        contact_name="李明",
        contact_phone="0351-7654321",
    )


def empty_bulletin() -> BulletinData:
    """A quiet quarter: nothing in hand, no units, nothing overdue."""
    return BulletinData(
        number="督通〔2027〕1号",
        period_label="2026年第四季度",
        period_end=date(2026, 12, 31),
        issued_on=date(2027, 1, 6),
        office_name=OFFICE,
        totals=BulletinTotals(0, 0, 0, 0, 0, 0, None),
    )


SAMPLES: dict[str, Callable[[], bytes]] = {
    "notice": lambda: notice_docx(sample_notice()),
    "urge-notice": lambda: urge_notice_docx(sample_urge_notice()),
    "bulletin": lambda: bulletin_docx(sample_bulletin()),
    "bulletin-empty": lambda: bulletin_docx(empty_bulletin()),
}

# The 公文 faces mapped to faces a Linux machine may have (first installed one wins).
FONT_ALIASES = {
    "方正小标宋简体": ("Noto Serif CJK SC", "AR PL UMing CN"),
    "宋体": ("Noto Serif CJK SC", "AR PL UMing CN"),
    "仿宋_GB2312": ("Noto Serif CJK SC", "AR PL UMing CN"),
    "仿宋": ("Noto Serif CJK SC", "AR PL UMing CN"),
    "楷体_GB2312": ("AR PL UKai CN", "Noto Serif CJK SC"),
    "楷体": ("AR PL UKai CN", "Noto Serif CJK SC"),
    "黑体": ("Noto Sans CJK SC", "WenQuanYi Micro Hei"),
}


def _fontconfig(directory: Path) -> Path:
    aliases = "".join(
        f"<alias binding='same'><family>{face}</family><prefer>"
        + "".join(f"<family>{family}</family>" for family in families)
        + "</prefer></alias>"
        for face, families in FONT_ALIASES.items()
    )
    path = directory / "fonts.conf"
    path.write_text(
        "<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'fonts.dtd'><fontconfig>"
        f"<include ignore_missing='yes'>/etc/fonts/fonts.conf</include>{aliases}</fontconfig>",
        encoding="utf-8",
    )
    return path


def render(paths: list[Path], out_dir: Path) -> None:
    """PDF through LibreOffice, then PNG pages through pdftoppm, where they are installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("soffice not found (apt-get install libreoffice-writer-nogui): wrote .docx only")
        return
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        env = {"FONTCONFIG_FILE": str(_fontconfig(work)), "HOME": str(work), "PATH": "/usr/bin:/bin"}
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to", "pdf",
             "--outdir", str(out_dir), *map(str, paths)],
            check=True, env=env, capture_output=True, timeout=300,
        )
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found (apt-get install poppler-utils): wrote .docx and .pdf")
        return
    for path in paths:
        pdf = out_dir / f"{path.stem}.pdf"
        subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(out_dir / path.stem)], check=True)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tracker.documents.preview OUT_DIR", file=sys.stderr)
        return 2
    out_dir = Path(argv[0])
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, build in SAMPLES.items():
        path = out_dir / f"{name}.docx"
        path.write_bytes(build())
        paths.append(path)
    render(paths, out_dir)
    for path in sorted(out_dir.iterdir()):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
