"""Command line: thin wrappers over the library. Messages for the office staff are in Chinese."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from .build import KINDS, FontFilesMissing, IncompleteData, UnknownUnit, build, incomplete_units
from .load.plan import load_plan
from .problems import DataError, Severity
from .profile import PROJECT_ROOT, Profile, ProfileError
from .writers.pdf import harfbuzz_subset_available

DEFAULT_DATA = PROJECT_ROOT / "data" / "jiangsu-2021"
DEFAULT_OUTPUT = PROJECT_ROOT / "output"

data_option = click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA,
                           show_default=True, help="数据目录（计划数据：notice.yaml、workplan.yaml、units.csv、annexes/）")


def _show_problems(problems, limit_gaps: int | None = None) -> None:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    gaps = [p for p in problems if p.severity is Severity.GAP]
    for p in errors:
        click.echo(str(p), err=True)
    shown = gaps if limit_gaps is None else gaps[:limit_gaps]
    for p in shown:
        click.echo(str(p), err=True)
    if len(shown) < len(gaps):
        click.echo(f"……另有{len(gaps) - len(shown)}处缺失，运行 reportgen validate 查看全部。", err=True)


@click.group(help="reportgen：由计划数据和各市报送数据生成公文（通知、附件表格等），输出PDF和DOCX，版式符合GB/T 9704-2012。")
def main() -> None:
    pass


@main.command(help="检查数据目录，一次列出全部问题（文件、行、列和应有的内容）。有错误时退出码为2。")
@data_option
def validate(data_dir: Path) -> None:
    try:
        plan, problems = load_plan(data_dir)
    except DataError as exc:
        _show_problems(exc.problems)
        n = sum(p.severity is Severity.ERROR for p in exc.problems)
        click.echo(f"数据有{n}处错误，不能生成文件。", err=True)
        sys.exit(2)
    _show_problems(problems.items)
    incomplete = incomplete_units(plan, plan.units.all)
    if incomplete:
        click.echo(f"[缺失] 以下单位的目标责任书含缺失数值，生成时需加 --allow-incomplete（缺失处显示“（待补充）”）："
                   f"{'、'.join(incomplete)}", err=True)
    gaps = len(problems.gaps)
    click.echo(f"数据检查通过。{f'有{gaps}处数值缺失，生成的文件中以灰底空白格标出，不作估算。' if gaps else ''}")


def _load_profile(profile_path: Path | None) -> Profile:
    try:
        profile = Profile.load(profile_path)
    except ProfileError as exc:
        click.echo(f"[错误] {exc}。未生成任何文件。", err=True)
        sys.exit(2)
    for key, standard, value in profile.deviations():
        click.echo(f"[版式] 与 GB/T 9704-2012 的取值不同：{key}：标准 {standard}，本配置 {value}", err=True)
    return profile


def _progress(i: int, total: int, doc) -> None:
    if sys.stderr.isatty():
        click.echo(f"\r[{i + 1}/{total}] {doc.folder}/{doc.name}\033[K", err=True, nl=False)


def _run_build(data_dir: Path, out_dir: Path, profile_path: Path | None, **options) -> None:
    if not harfbuzz_subset_available():
        click.echo("提示：未找到 libharfbuzz-subset0，生成PDF会慢很多（约25倍）。请安装：apt-get install libharfbuzz-subset0",
                   err=True)
    profile = _load_profile(profile_path)
    start = time.perf_counter()
    try:
        result = build(data_dir, out_dir, profile, progress=_progress, **options)
    except DataError as exc:
        _show_problems(exc.problems, limit_gaps=5)
        click.echo("数据有错误，未生成任何文件。请修改后重试（reportgen validate 可列出全部问题）。", err=True)
        sys.exit(2)
    except UnknownUnit as exc:
        click.echo(f"[错误] {exc} 未生成任何文件。", err=True)
        sys.exit(2)
    except IncompleteData as exc:
        click.echo("[错误] 以下单位的目标责任书或附件数据中有缺失的数值：", err=True)
        click.echo(str(exc), err=True)
        click.echo("未生成任何文件。补齐数据后重试；如确需先印发，加 --allow-incomplete，缺失处将显示为“（待补充）”。",
                   err=True)
        sys.exit(2)
    except FontFilesMissing as exc:
        for role, what, _ in exc.missing:
            kind = "字体文件不存在" if isinstance(what, Path) else "字体未安装"
            click.echo(f"[错误] 版式配置 {profile.path.name} 要求的{profile.fonts[role].get('label', role)}{kind}：{what}"
                       "。请运行 make install 安装字体，或在版式配置中改用已安装的字体。未生成任何文件。", err=True)
        sys.exit(2)
    except Exception as exc:  # a bug, not a data problem: say so plainly, keep the details for developers
        click.echo(f"程序内部错误，未生成任何文件：{type(exc).__name__}: {exc}。请把此信息和数据目录报告给开发人员。", err=True)
        sys.exit(1)
    if sys.stderr.isatty():
        click.echo("\r\033[K", err=True, nl=False)
    _show_problems(result.problems.items, limit_gaps=5)
    for note in result.font_notes:
        click.echo(f"[字体] {note}", err=True)
    verbose = len(result.written) <= 12
    for w in result.written:
        if verbose:
            pages = f"，{w.pages}页" if w.pages else ""
            click.echo(f"已生成 {w.path}{pages}（{w.seconds:.1f}秒）")
    pages = sum(w.pages or 0 for w in result.written)
    click.echo(f"完成：{len(result.written)}个文件（PDF共{pages}页），写入 {out_dir}，用时{time.perf_counter() - start:.1f}秒。")


out_option = click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUTPUT,
                          show_default=True, help="输出目录")
profile_option = click.option("--profile", "profile_path", type=click.Path(path_type=Path, exists=True), default=None,
                              help="版式配置文件（默认 profiles/gbt9704.yaml）")
incomplete_option = click.option("--allow-incomplete", is_flag=True,
                                 help="允许生成含缺失数值的目标责任书和附件数据（缺失处显示“（待补充）”）")


@main.command(help="生成数据集的全部文件：通知（含工作计划和附件1–8）、各设区市和县（市、区）的目标责任书、"
                   "各部门任务分工（PDF和DOCX），以及各单位附件数据（XLSX）。")
@data_option
@out_option
@profile_option
@incomplete_option
@click.option("--only", "kinds", multiple=True, type=click.Choice(KINDS),
              help="只生成某类文件：notice（通知）、letters（目标责任书）、tasks（任务分工）、tables（附件数据）；可重复")
def build_command(data_dir: Path, out_dir: Path, profile_path: Path | None, allow_incomplete: bool, kinds) -> None:
    _run_build(data_dir, out_dir, profile_path, allow_incomplete=allow_incomplete, kinds=tuple(kinds) or KINDS)


@main.command(help="生成目标责任书（每个单位PDF和DOCX各一份）和各单位附件数据（XLSX）；"
                   "不指定 --unit 时生成全部67个单位及各部门任务分工。")
@data_option
@out_option
@profile_option
@incomplete_option
@click.option("--unit", "units", multiple=True, help="只生成某个单位，可写“南京”“南京市”“江宁”“江宁区”；可重复")
def letters(data_dir: Path, out_dir: Path, profile_path: Path | None, allow_incomplete: bool, units) -> None:
    kinds = ("letters", "tables") if units else ("letters", "tasks", "tables")
    _run_build(data_dir, out_dir, profile_path, kinds=kinds, unit_names=list(units) or None,
               allow_incomplete=allow_incomplete)


@main.command(help="按 GB/T 9704-2012 测量已生成的 PDF 或 DOCX（DOCX 先用 LibreOffice 转成 PDF），逐项列出实测值、"
                   "要求和是否通过。有硬性检查不通过时退出码为1。")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@profile_option
@click.option("--details", is_flag=True, help="列出不通过的具体页和行")
def check(files, profile_path: Path | None, details: bool) -> None:
    import tempfile

    from .check import check_docx, check_pdf, exit_code, format_report

    profile = _load_profile(profile_path)
    worst = 0
    for path in files:
        click.echo(f"== {path}")
        if path.suffix.lower() == ".docx":
            with tempfile.TemporaryDirectory(prefix="reportgen-check-") as work:
                results = check_docx(path, Path(work), profile)
        elif path.suffix.lower() == ".pdf":
            results = check_pdf(path, profile)
        else:
            click.echo(f"[错误] {path}：只能检查 .pdf 或 .docx 文件", err=True)
            sys.exit(2)
        click.echo(format_report(results, details=details))
        worst = max(worst, exit_code(results))
    sys.exit(worst)


main.add_command(build_command, name="build")

if __name__ == "__main__":
    main()
