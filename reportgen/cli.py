"""Command line: thin wrappers over the library. Messages for the office staff are in Chinese."""

from __future__ import annotations

import errno
import os
import sys
import time
from pathlib import Path

import click

from . import cli_messages
from .files import atomic_target, environment_problem
from .kinds import KINDS
from .load.plan import load_plan
from .problems import DataError, Severity
from .profile import Profile, ProfileError
from .project import NOT_FOUND, PROJECT_FILE, Project, ProjectNotFound, load_project, locate

# The build (views, templates, writers, WeasyPrint's wrapper) is imported by the commands that build, not
# here: `reportgen submit`, `validate` or `submissions` start in about half the time.


def _project(required: bool = False) -> Project | None:
    """The project (reportgen.yaml) the command runs in, read once per command; its templates, profiles
    and fonts are put in force. Exits 2 with a located message when the file is wrong, and when
    `required` and there is no project."""
    ctx = click.get_current_context()
    state = ctx.find_root().ensure_object(dict)
    if "project" not in state:
        try:
            file = locate(state.get("project_option"))
        except ProjectNotFound as exc:
            click.echo(f"[错误] {exc}。", err=True)
            sys.exit(2)
        project = None
        if file is not None:
            try:
                project = load_project(file)
            except DataError as exc:
                _show_problems(exc.problems)
                click.echo(f"[错误] 项目文件 {file} 有错误，请修改后重试。", err=True)
                sys.exit(2)
            project.activate()
        state["project"] = project
    project = state["project"]
    if project is None and required:
        click.echo(f"[错误] {NOT_FOUND.format(cwd=Path.cwd())}。", err=True)
        sys.exit(2)
    return project


def _resolve_data(ctx, param, value: Path | None) -> Path:
    """--data: a folder, or the name of one of the project's data sets; absent: the project's default."""
    if value is not None:
        project = _project(required=False)
        if project is not None and len(value.parts) == 1 and str(value) in project.datasets:
            return _dataset_or_exit(project, str(value))
        return value
    project = _project(required=True)
    if project.default is None:
        click.echo(f"[错误] {project.file} 中没有写默认数据集（default）。请写明 default，或用 --data 指定数据集"
                   f"（{'、'.join(project.datasets)}）。", err=True)
        sys.exit(2)
    return _dataset_or_exit(project, project.default)


def _dataset_or_exit(project: Project, name: str) -> Path:
    folder = project.dataset(name)
    if not folder.is_dir():
        click.echo(f"[错误] {project.file}，第{project.lines.get(name, 1)}行，字段“datasets.{name}”："
                   f"数据集“{name}”的文件夹 {folder} 不存在。请检查路径。", err=True)
        sys.exit(2)
    return folder


def _resolve_out(ctx, param, value: Path | None) -> Path:
    """--out: as given; absent: the project's output folder (without a project: ./output)."""
    if value is not None:
        return value
    project = _project(required=False)
    return project.output if project is not None else Path("output").resolve()


data_option = click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None, metavar="目录",
                           callback=_resolve_data,
                           help="数据目录，或项目文件 reportgen.yaml 中数据集的名称（默认：项目的默认数据集）")


MAX_ERRORS_SHOWN = 50


def _show_problems(problems, limit_gaps: int | None = None) -> None:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    gaps = [p for p in problems if p.severity is Severity.GAP]
    for p in errors[:MAX_ERRORS_SHOWN]:
        click.echo(str(p), err=True)
    if len(errors) > MAX_ERRORS_SHOWN:
        click.echo(f"……另有{len(errors) - MAX_ERRORS_SHOWN}处错误未列出（共{len(errors)}处）。", err=True)
    for p in problems:
        if p.severity is Severity.WARNING:
            click.echo(str(p), err=True)
    shown = gaps if limit_gaps is None else gaps[:limit_gaps]
    for p in shown:
        click.echo(str(p), err=True)
    if len(shown) < len(gaps):
        click.echo(f"……另有{len(gaps) - len(shown)}处缺失，运行 reportgen validate 查看全部。", err=True)


def _debug_requested() -> bool:
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx else None
    return bool((root and root.params.get("debug")) or os.environ.get("REPORTGEN_DEBUG"))


class Command(click.Command):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class Group(click.Group):
    """The command group: Chinese usage lines, and one place that turns what escapes a command into a
    plain message (exit 1) instead of a traceback, unless --debug is given."""

    command_class = Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Abort, click.exceptions.Exit, SystemExit,
                KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - last line of defence, worded for the user
            if _debug_requested() or (isinstance(exc, OSError) and exc.errno == errno.EPIPE):
                raise   # a closed pipe (… | head) is click's to handle quietly
            if (problem := environment_problem(exc)):
                click.echo(f"[错误] {problem}。操作未完成，已有的文件保持原样。请解决后重试（加 --debug 可显示详细信息）。",
                           err=True)
            else:
                click.echo(f"程序内部错误：{type(exc).__name__}: {exc}。请把此信息和所用的数据报告给开发人员"
                           "（加 --debug 可显示详细信息）。", err=True)
            sys.exit(1)


cli_messages.install()


def _quiet_environment_unraisable(unraisable) -> None:
    """A file object closed during garbage collection after a failed write (disk full) fails again;
    that failure was already reported as one plain message, so it is not printed a second time as a
    traceback. Anything else is shown as Python would."""
    if environment_problem(unraisable.exc_value) is None:
        sys.__unraisablehook__(unraisable)


sys.unraisablehook = _quiet_environment_unraisable


@click.group(cls=Group, help="reportgen：由计划数据和各市报送数据生成公文（通知、附件表格等），输出PDF和DOCX，版式符合GB/T 9704-2012。")
@click.option("--debug", is_flag=True, help="出错时显示程序的详细信息（供开发人员排查）")
@click.option("--project", "project_path", type=click.Path(path_type=Path), default=None, metavar="目录",
              help=f"项目文件夹（含 {PROJECT_FILE}）；默认从当前文件夹向上查找，也可用环境变量 REPORTGEN_PROJECT 指定")
@click.pass_context
def main(ctx, debug: bool, project_path: Path | None) -> None:
    ctx.ensure_object(dict)["project_option"] = project_path


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
    from .build import incomplete_units, plan_year_months
    from .load.submissions import load_submissions

    archive = load_submissions(data_dir, plan.units, plan.annex_for_role("projects"), problems)
    _show_problems(problems.items)
    if problems.errors:
        click.echo(f"报送数据有{len(problems.errors)}处错误，不能生成通报。", err=True)
        sys.exit(2)
    if archive.months:
        own = plan_year_months(archive, plan.year)
        other = len(archive.months) - len(own)
        click.echo(f"报送数据：{archive.months[0]}至{archive.months[-1]}共{len(archive.months)}个月"
                   f"{'（示例数据）' if archive.sample else ''}"
                   f"{f'；其中{other}个月不在计划年度（{plan.year}年）内，只用于同比比较，不生成通报' if other else ''}。")
    incomplete = incomplete_units(plan, plan.units.all)
    if incomplete:
        click.echo(f"[缺失] 以下单位的目标责任书含缺失数值，生成时需加 --allow-incomplete（缺失处显示“（待补充）”）："
                   f"{'、'.join(incomplete)}", err=True)
    gaps = len(problems.gaps)
    click.echo(f"数据检查通过。{f'有{gaps}处数值缺失，生成的文件中以灰底空白格标出，不作估算。' if gaps else ''}")


def _load_profile(profile_path: Path | None) -> Profile:
    project = _project(required=False)
    if profile_path is None and project is not None:
        profile_path = project.profile
    try:
        profile = Profile.load(profile_path)
    except ProfileError as exc:
        click.echo(f"[错误] {exc}。未生成任何文件。", err=True)
        sys.exit(2)
    for key, standard, value in profile.deviations():
        click.echo(f"[版式] 与 GB/T 9704-2012 的取值不同：{key}：标准 {standard}，本配置 {value}", err=True)
    return profile


def _progress(i: int, total: int, doc, elapsed: float) -> None:
    """One status line, rewritten in place; nothing when stderr is not a terminal (logs, CI)."""
    if sys.stderr.isatty():
        click.echo(f"\r[{i + 1}/{total}] {elapsed:5.1f}秒  {doc.folder}/{doc.name}\033[K", err=True, nl=False)


def _run_build(data_dir: Path, out_dir: Path, profile_path: Path | None, gap_filter=None, **options) -> None:
    """gap_filter: which data gaps (缺失) concern the documents built (default: all are shown)."""
    from .build import ENVIRONMENT_MARK, FontFilesMissing, NoSubmissions, UnknownUnit, build
    from .writers.pdf import harfbuzz_subset_available

    if not harfbuzz_subset_available():
        click.echo("提示：未找到 libharfbuzz-subset0，生成PDF会慢很多（约25倍）。请安装：apt-get install libharfbuzz-subset0",
                   err=True)
    profile = _load_profile(profile_path)
    start = time.perf_counter()

    def waiting(holder: str) -> None:
        click.echo(f"输出目录 {out_dir} 正被另一个生成任务使用（{holder or '进程信息不详'}），等待其完成……", err=True)

    try:
        result = build(data_dir, out_dir, profile, progress=_progress, on_wait=waiting, **options)
    except DataError as exc:
        _show_problems([p for p in exc.problems if gap_filter is None or p.severity is not Severity.GAP or gap_filter(p)],
                       limit_gaps=5)
        click.echo("数据有错误，未生成任何文件。请修改后重试（reportgen validate 可列出全部问题）。", err=True)
        sys.exit(2)
    except (UnknownUnit, NoSubmissions) as exc:
        click.echo(f"[错误] {exc}。未生成任何文件。", err=True)
        sys.exit(2)
    except FontFilesMissing as exc:
        for role, what, _ in exc.missing:
            kind = "字体文件不存在" if isinstance(what, Path) else "字体未安装"
            click.echo(f"[错误] 版式配置 {profile.path.name} 要求的{profile.fonts[role].get('label', role)}{kind}：{what}"
                       "。请把字体文件放到项目的字体文件夹（reportgen.yaml 中的 fonts）；FandolFang 也可通过安装 Debian 的 "
                       "texlive-lang-chinese 取得（sudo apt-get install texlive-lang-chinese），程序会自动找到；"
                       "或在版式配置中改用已安装的字体。未生成任何文件。", err=True)
        sys.exit(2)
    except Exception as exc:  # the machine or a bug, not the data: say so plainly, details with --debug
        if _debug_requested():
            raise
        if (problem := environment_problem(exc)):
            click.echo(f"[错误] {problem}。生成中断：此前已完成的文件完整可用，其余文件未生成，原有版本保持不变。"
                       "请解决后重新运行。", err=True)
        else:
            click.echo(f"程序内部错误，生成中断：{type(exc).__name__}: {exc}。此前已完成的文件完整可用，其余文件未生成。"
                       "请把此信息和数据目录报告给开发人员（加 --debug 可显示详细信息）。", err=True)
        sys.exit(1)
    if sys.stderr.isatty():
        click.echo("\r\033[K", err=True, nl=False)
    _show_problems([p for p in result.problems.items
                    if gap_filter is None or p.severity is not Severity.GAP or gap_filter(p)], limit_gaps=5)
    for note in result.font_notes:
        click.echo(f"[字体] {note}", err=True)
    for note in result.skipped:
        click.echo(f"[未生成] {note}。", err=True)
    if not (result.written or result.unchanged or result.failed or result.held_back or result.issued):
        click.echo("没有可生成的文件。", err=True)
        sys.exit(2)
    _report_written(result)
    for c in result.contradicted:
        r = c.record
        click.echo(f"[已印发] 《{r.title}》（{r.doc_number}，成文日期{r.date.year}年{r.date.month}月{r.date.day}日）印发后数据有变化："
                   f"{'；'.join(c.reasons)}。已印发的文件保持原样，未重新生成；如需更正，请印发更正通知或修订说明"
                   "（reportgen revision-note）。", err=True)
    pages = sum(w.pages or 0 for w in result.written)
    seconds = time.perf_counter() - start
    if result.written and not result.failed:
        unchanged = f"；另有{result.unchanged}份文档的输入未变，未重新生成" if result.unchanged else ""
        done = "已生成其余文件" if result.held_back else "完成"
        counted = f"（PDF共{pages}页）" if pages else ""
        click.echo(f"{done}：生成{len(result.written)}个文件{counted}，写入 {out_dir}，用时{seconds:.1f}秒{unchanged}。")
    elif not result.failed and (result.unchanged or result.issued):
        kept = f"（其中{result.issued}份已印发，保持印发时的样子）" if result.issued else ""
        click.echo(f"全部{result.unchanged + result.issued}份文档都是最新的{kept}，没有写入任何文件（用时{seconds:.1f}秒）。"
                   "如需全部重新生成，加 --force。")
    if result.held_back:
        click.echo("[未生成] 以下单位的目标责任书和附件数据含缺失的数值，暂不生成：", err=True)
        for unit, gaps in result.held_back.items():
            click.echo(f"  {unit}：" + "；".join(f"附件{n}“{col}”" for n, col in gaps), err=True)
        click.echo("补齐数据后重新运行即可生成；如确需先印发，加 --allow-incomplete，缺失处将显示为“（待补充）”。", err=True)
    if result.failed:
        environment = [e for _, e in result.failed if e.startswith(ENVIRONMENT_MARK)]
        for name, error in result.failed:
            click.echo(f"[失败] {name}：{error.removeprefix(ENVIRONMENT_MARK)}", err=True)
        others = f"其余{len(result.written)}个文件已生成" if result.written else "没有生成任何文件"
        if environment:
            click.echo(f"有{len(result.failed)}份文档未能生成（原因见上，如磁盘空间不足、目录只读）；{others}；"
                       "未能生成的文件原有版本保持不变。请解决后重新运行。", err=True)
        else:
            click.echo(f"有{len(result.failed)}份文件生成失败（见上），{others}；失败文件的原有版本保持不变。"
                       "请把以上信息报告给开发人员。", err=True)
        sys.exit(1)
    if result.held_back:
        sys.exit(2)


def _report_written(result) -> None:
    """Which files were (re)built and why; every one when few, grouped by reason when many."""
    restored = [w for w in result.written if w.restored]
    for w in restored:
        click.echo(f"已恢复 {w.path}（已印发的文件，取自存档，未重新生成）")
    if len(result.written) - len(restored) <= 12:
        for w in result.written:
            if w.restored:
                continue
            pages = f"，{w.pages}页" if w.pages else ""
            why = f"；原因：{'、'.join(w.reasons)}" if w.reasons else ""
            click.echo(f"已生成 {w.path}{pages}（{w.seconds:.1f}秒{why}）")
        return
    by_reason: dict[str, list] = {}
    for w in result.written:
        if w.restored:
            continue
        by_reason.setdefault("、".join(w.reasons), []).append(w)
    for reason, items in by_reason.items():
        names = "、".join(sorted({w.path.stem for w in items}))
        if len(names) > 120:
            names = names[:120] + "……"
        click.echo(f"已生成{len(items)}个文件（原因：{reason}）：{names}")


out_option = click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None, metavar="目录",
                          callback=_resolve_out, help="输出目录（默认：项目文件 reportgen.yaml 中的 output）")
profile_option = click.option("--profile", "profile_path", type=click.Path(path_type=Path, exists=True), default=None, metavar="文件",
                              help="版式配置文件（默认：reportgen.yaml 中的 profile；未写时为 GB/T 9704-2012）")
incomplete_option = click.option("--allow-incomplete", is_flag=True,
                                 help="允许生成含缺失数值的目标责任书和附件数据（缺失处显示“（待补充）”）")
force_option = click.option("--force", is_flag=True,
                            help="全部重新生成（默认只生成数据、模板、版式或字体有变化的文件）")


@main.command(short_help="生成数据集的全部文件（通知、目标责任书、任务分工、附件数据、月度通报）。", help="生成数据集的全部文件：通知（含工作计划和各附件）、各设区市和县（市、区）的目标责任书、"
                   "各部门任务分工、计划年度内有报送数据的每个月的排名通报（PDF和DOCX，通报另有网页版HTML；上年的报送数据只用于同比比较），"
                   "以及各单位附件数据（XLSX）。")
@data_option
@out_option
@profile_option
@incomplete_option
@click.option("--only", "kinds", multiple=True, type=click.Choice(KINDS),
              help="只生成某类文件：notice（通知）、letters（目标责任书）、tasks（任务分工）、tables（附件数据）、"
                   "bulletins（月度排名通报）；可重复")
@force_option
def build_command(data_dir: Path, out_dir: Path, profile_path: Path | None, allow_incomplete: bool, kinds,
                  force: bool) -> None:
    _run_build(data_dir, out_dir, profile_path, allow_incomplete=allow_incomplete, kinds=tuple(kinds) or KINDS,
               force=force)


@main.command(short_help="生成目标责任书和各单位附件数据。", help="生成目标责任书（每个单位PDF和DOCX各一份）和各单位附件数据（XLSX）；"
                   "不指定 --unit 时生成全部单位（units.csv 中的设区市和县（市、区））及各部门任务分工。")
@data_option
@out_option
@profile_option
@incomplete_option
@click.option("--unit", "units", multiple=True, metavar="单位", help="只生成某个单位，可写“南京”“南京市”“江宁”“江宁区”；可重复")
@force_option
def letters(data_dir: Path, out_dir: Path, profile_path: Path | None, allow_incomplete: bool, units,
            force: bool) -> None:
    kinds = ("letters", "tables") if units else ("letters", "tasks", "tables")
    _run_build(data_dir, out_dir, profile_path, kinds=kinds, unit_names=list(units) or None,
               allow_incomplete=allow_incomplete, force=force)


@main.command(short_help="按 GB/T 9704-2012 检查已生成的 PDF 或 DOCX 的版式。", help="按 GB/T 9704-2012 测量已生成的 PDF 或 DOCX（DOCX 先用 LibreOffice 转成 PDF），逐项列出实测值、"
                   "要求和是否通过。有硬性检查不通过时退出码为1。")
@click.argument("files", nargs=-1, required=True, metavar="文件...", type=click.Path(exists=True, dir_okay=False, path_type=Path))
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


month_option = click.option("--month", required=True, metavar="年-月", help="月份，如 2021-05")


def _month_or_exit(month: str) -> str:
    from .load.submissions import check_month

    month = month.strip()
    if complaint := check_month(month):
        click.echo(f"[错误] {complaint}。", err=True)
        sys.exit(2)
    return month


def _plan_or_exit(data_dir: Path):
    try:
        plan, _ = load_plan(data_dir)
    except DataError as exc:
        _show_problems(exc.problems, limit_gaps=0)
        click.echo("数据有错误，请先修改（reportgen validate 可列出全部问题）。", err=True)
        sys.exit(2)
    return plan


@main.command(help="生成某月的空气质量排名通报：PDF、DOCX 和网页版 HTML（写入 output/<年>/通报/）。")
@data_option
@out_option
@profile_option
@click.option("--month", "months", multiple=True, required=True, metavar="年-月", help="月份，如 2021-05；可重复")
@force_option
def bulletin(data_dir: Path, out_dir: Path, profile_path: Path | None, months, force: bool) -> None:
    from .annex_roles import BULLETIN_ROLES
    from .load.annexes import files_of_roles
    from .load.submissions import stored_revisions
    from .load.units import load_units
    from .problems import Problems
    from .views.bulletin_view import month_label

    months = [_month_or_exit(m) for m in months]
    # which cities have not submitted: said on screen, not only in the document
    units = load_units(Path(data_dir) / "units.csv", Problems())
    if units is not None:
        stored = {(s.month, s.city) for s in stored_revisions(Path(data_dir), Problems())}
        for m in months:
            absent = [c.name for c in units.cities if (m, c.name) not in stored]
            if absent and len(absent) < len(units.cities):
                click.echo(f"[未报送] {month_label(m)}：{len(units.cities)}个设区市中{len(absent)}个未报送："
                           f"{'、'.join(absent)}。通报中写明未报送，其所辖县（市、区）不参加排名。", err=True)
    # only the gaps of the annexes a bulletin reads (targets, projects) concern it
    wanted = files_of_roles(Path(data_dir) / "annexes", BULLETIN_ROLES)
    _run_build(data_dir, out_dir, profile_path, gap_filter=lambda p: Path(p.file).name in wanted,
               kinds=("bulletins",), months=months, force=force)


@main.command(short_help="导入某市某月的报送表，检查无误后保存为新版本。", help="导入某市某月的报送表（XLSX，或 UTF-8/GBK 编码的 CSV）。检查无误后保存为该市该月的新版本，"
                   "原有版本全部保留；有错误时列出文件、行、列和原因，退出码为2，不保存。")
@data_option
@click.argument("file", metavar="报送表文件", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@month_option
@click.option("--city", default=None, metavar="设区市", help="报送的设区市（可省略，按表中设区市本级的行确定）")
def submit(data_dir: Path, file: Path, month: str, city: str | None) -> None:
    from .load.submissions import after_plan_year, store_submission

    month = _month_or_exit(month)
    plan = _plan_or_exit(data_dir)
    if (complaint := after_plan_year(month, plan.year)):
        click.echo(f"[错误] {complaint}。未导入。", err=True)
        sys.exit(2)
    try:
        stored = store_submission(data_dir, file, month, plan.units, plan.annex_for_role("projects"), city)
    except DataError as exc:
        _show_problems(exc.problems)
        click.echo(f"报送表有{len(exc.problems)}处错误，未导入。请修改后重新导入。", err=True)
        sys.exit(2)
    if stored.unchanged:
        click.echo(f"与{stored.city} {stored.month} 现行的第{stored.revision}版（接收时间 {stored.received:%Y-%m-%d %H:%M:%S}）"
                   "是同一个文件，内容完全相同，未另存新版本。")
        return
    click.echo(f"已导入 {stored.city} {stored.month} 第{stored.revision}版（接收时间 {stored.received:%Y-%m-%d %H:%M:%S}），"
               f"保存为 {stored.path}")
    if stored.revision > 1:
        click.echo(f"此前的{stored.revision - 1}个版本均保留；生成通报时使用第{stored.revision}版（最新版）。")
        from .load.submissions import emptied_since_previous

        previous, emptied = emptied_since_previous(data_dir, stored, plan.units, plan.annex_for_role("projects"))
        if emptied:
            click.echo(f"[提醒] 第{previous}版填了、本版空着的数值（{len(emptied)}项），通报中将按未填报处理，请核对是否漏填：")
            for unit, header in emptied[:30]:
                click.echo(f"  {unit} {header}")
            if len(emptied) > 30:
                click.echo(f"  ……共{len(emptied)}项")
    from .load.issued import bulletin_records, load_issue_records
    from .problems import Problems

    if (record := bulletin_records(load_issue_records(data_dir, Problems())).get(month)) is not None:
        click.echo(f"[提醒] {int(month[:4])}年{int(month[5:])}月的通报已于{record.issued_at:%Y-%m-%d}印发（{record.doc_number}），"
                   "印发的文件不会改动；生成时会列出它与新数据不符之处，需要时请印发修订说明（reportgen revision-note）。")


@main.command(help="列出某月各设区市的报送情况：每个版本的接收时间，哪一版是现行版本，哪些市尚未报送。")
@data_option
@month_option
def submissions(data_dir: Path, month: str) -> None:
    from .load.submissions import current_revisions, load_submissions
    from .problems import Problems

    month = _month_or_exit(month)
    plan = _plan_or_exit(data_dir)
    problems = Problems(data_dir)
    archive = load_submissions(data_dir, plan.units, plan.annex_for_role("projects"), problems, months={month})
    click.echo(f"{month} 报送情况{'（示例数据）' if archive.sample else ''}：")
    for city in plan.units.cities:
        revisions = sorted((s for s in archive.stored if s.month == month and s.city == city.name),
                           key=lambda s: s.revision)
        if not revisions:
            click.echo(f"  {city.name}：未报送")
            continue
        current = archive.current.get(month, {}).get(city.name)
        in_force = current_revisions(revisions)[(month, city.name)]   # the rule the bulletin uses
        for s in revisions:
            mark = ""
            if s is in_force:
                mark = "  ← 现行版本" if current is not None else "  ← 最新版本有错误，见下方"
            click.echo(f"  {city.name}：第{s.revision}版  接收于 {s.received:%Y-%m-%d %H:%M:%S}  {s.path.name}{mark}")
    if problems.errors:
        _show_problems(problems.items)
        sys.exit(2)
    n = len(archive.current.get(month, {}))
    click.echo(f"共{len(plan.units.cities)}个设区市，已报送{n}个。")


@main.command(short_help="为逾期未报送某月数据的设区市生成催报通知。", help="为逾期未报送某月数据的设区市各生成一份催报通知（PDF和DOCX，写入输出目录的 <年>/催报通知/）。"
                   "报送截止日为次月的 bulletin.yaml 中 submission_due_day 日（默认10日）；未到截止日或各市都已报送时不生成，退出码为2。")
@data_option
@out_option
@profile_option
@month_option
@click.option("--date", "date_text", default=None, metavar="年-月-日", help="通知的日期，如 2021-06-15（默认今天）")
def remind(data_dir: Path, out_dir: Path, profile_path: Path | None, month: str, date_text: str | None) -> None:
    import datetime as dt

    from .reminders import ReminderRefused, missing_cities, write_reminders

    month = _month_or_exit(month)
    try:
        date = dt.date.fromisoformat(date_text.strip()) if date_text else dt.date.today()
    except ValueError:
        click.echo(f"[错误] 日期“{date_text}”格式不对，应为 年-月-日，如 2021-06-15。未生成。", err=True)
        sys.exit(2)
    plan = _plan_or_exit(data_dir)
    try:
        written = write_reminders(plan, data_dir, out_dir, month, date, _load_profile(profile_path))
    except ReminderRefused as exc:
        click.echo(f"[错误] {exc}。未生成催报通知。", err=True)
        sys.exit(2)
    names = "、".join(c.name for c in missing_cities(plan, data_dir, month))
    click.echo(f"逾期未报送{month[:4]}年{int(month[5:])}月数据的设区市：{names}")
    for path in written:
        click.echo(f"已生成 {path}")


@main.command(short_help="为某市某月的一次报送生成报送回执。", help="为某市某月的一次报送生成报送回执（PDF和DOCX，写入输出目录的 <年>/报送回执/）："
                   "写明收到的版本和接收时间，按原样列出读入的全部数值，未填报的数值列为“（未填报）”。"
                   "设区市未报送该月、或没有所写的版本时不生成，退出码为2。")
@data_option
@out_option
@profile_option
@click.option("--city", required=True, metavar="设区市", help="设区市，如 南京 或 南京市")
@month_option
@click.option("--revision", type=int, default=None, metavar="版本", help="报送的版本号，如 1（默认为现行版本，即最新的一版）")
def receipt(data_dir: Path, out_dir: Path, profile_path: Path | None, city: str, month: str,
            revision: int | None) -> None:
    from .receipts import ReceiptRefused, write_receipt

    month = _month_or_exit(month)
    plan = _plan_or_exit(data_dir)
    try:
        written = write_receipt(plan, data_dir, out_dir, city, month, _load_profile(profile_path), revision)
    except ReceiptRefused as exc:
        click.echo(f"[错误] {exc}。未生成报送回执。", err=True)
        sys.exit(2)
    for path in written:
        click.echo(f"已生成 {path}")


@main.command(help="生成某市某月的空白报送表（XLSX）：本市及所辖县（市、区）已填好并锁定，每个数值格有数据有效性检查，另附填报说明。")
@data_option
@month_option
@click.option("--city", required=True, metavar="设区市", help="设区市，如 南京 或 南京市")
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=None, metavar="文件",
              help="保存位置（默认：项目输出文件夹中的 报送表/<月份>/<市>报送表.xlsx）")
def form(data_dir: Path, month: str, city: str, out_path: Path | None) -> None:
    from .load.submissions import after_plan_year
    from .writers.submission_form import write_form

    month = _month_or_exit(month)
    plan = _plan_or_exit(data_dir)
    if (complaint := after_plan_year(month, plan.year)):
        click.echo(f"[错误] {complaint}。未生成。", err=True)
        sys.exit(2)
    unit = plan.units.find_city(city)
    if unit is None:
        names = "、".join(c.short_name for c in plan.units.cities)
        click.echo(f"[错误] “{city}”不是设区市。可选：{names}", err=True)
        sys.exit(2)
    target = out_path or _resolve_out(None, None, None) / "报送表" / month / f"{unit.name}{month}报送表.xlsx"
    with atomic_target(target) as temp:
        write_form(plan, month, unit, temp)
    click.echo(f"已生成 {target}")


def _compare_or_exit(old: str, new: str, data_dir: Path, profile):
    from .revision import VersionNotFound, compare_versions

    try:
        return compare_versions(old, new, data_dir, profile)
    except VersionNotFound as exc:
        click.echo(f"[错误] {exc}。", err=True)
        sys.exit(2)
    except DataError as exc:
        _show_problems(exc.problems, limit_gaps=0)
        click.echo("[错误] 上面的版本数据有错误，无法比较。", err=True)
        sys.exit(2)


VERSIONS_HELP = "OLD、NEW 可以是两个数据文件夹，也可以是 --data 所在 git 仓库的两个版本（提交号、分支、标签，如 HEAD~1 HEAD）。"


@main.command(short_help="比较数据的两个版本：修改的数值、随之变化的合计和排名、受影响的文件。", help="比较数据的两个版本：列出每一处修改的数值（单位、附件或报送月份、项目、原值 → 新值）、"
                   "随之变化的合计和排名，以及受影响的文件。" + VERSIONS_HELP)
@data_option
@profile_option
@click.argument("old")
@click.argument("new")
def diff(data_dir: Path, profile_path: Path | None, old: str, new: str) -> None:
    from .views.revision_view import change_rows, document_names, rank_rows, sentence_rows, stated_totals_note

    report = _compare_or_exit(old, new, data_dir, _load_profile(profile_path))
    click.echo(f"比较 {old} → {new}")
    click.echo(f"修改的数值（{len(report.changes)}项）：")
    for where, unit, field, a, b in change_rows(report.changes):
        click.echo(f"  {where} {unit} {field}：{a} → {b}")
    click.echo(f"随之变化的合计（{len(report.moved)}项）：")
    for where, unit, field, a, b in change_rows(report.moved):
        click.echo(f"  {where} {unit} {field}：{a} → {b}")
    for note in stated_totals_note(report):
        click.echo(f"  {note}")
    if report.sentences:
        click.echo(f"随之修改的文字（{len(report.sentences)}句）：")
        for where, a, b in sentence_rows(report):
            click.echo(f"  {where}：{a} → {b}")
    if report.ranks:
        click.echo(f"随之变化的排名（{len(report.ranks)}处）：")
        for month, ranking, unit, a, b in rank_rows(report.ranks):
            click.echo(f"  {month} {ranking} {unit}：{a} → {b}")
    names = document_names(report.documents_changed)
    click.echo(f"受影响的文件（{len(names)}份）：")
    for name in names:
        click.echo(f"  {name}")
    for label, items in (("新增的文件", report.documents_added), ("不再生成的文件", report.documents_removed)):
        if items:
            click.echo(f"{label}（{len(document_names(items))}份）：")
            for name in document_names(items):
                click.echo(f"  {name}")


@main.command(name="revision-note", short_help="把两个数据版本之间的修改写成《修订说明》（PDF和DOCX）。", help="把两个数据版本之间的修改写成《修订说明》（PDF和DOCX），可随重新生成的文件一并印发。"
                                         + VERSIONS_HELP)
@data_option
@out_option
@profile_option
@click.option("--date", "date_text", default=None, metavar="年-月-日", help="成文日期，如 2021-06-20（默认今天）")
@click.option("--old-label", default=None, metavar="文字",
              help="说明中对原版本的称呼，如“2021年3月7日印发时的数据”（OLD 是 git 版本时默认用其提交日期）")
@click.option("--new-label", default=None, metavar="文字",
              help="说明中对修订后版本的称呼，如“2021年6月18日核实后的数据”（NEW 是 git 版本时默认用其提交日期）")
@click.argument("old")
@click.argument("new")
def revision_note(data_dir: Path, out_dir: Path, profile_path: Path | None, date_text: str | None,
                  old_label: str | None, new_label: str | None, old: str, new: str) -> None:
    import datetime as dt

    from .revision import version_date, write_revision_note

    try:
        date = dt.date.fromisoformat(date_text) if date_text else dt.date.today()
    except ValueError:
        click.echo(f"[错误] 日期“{date_text}”格式不对，应为 年-月-日，如 2021-06-20。", err=True)
        sys.exit(2)
    labels = {}
    for side, spec, given in (("old", old, old_label), ("new", new, new_label)):
        when = version_date(spec, data_dir)
        label = (given or "").strip() or (f"{when.year}年{when.month}月{when.day}日的数据" if when else "")
        if not label:
            click.echo(f"[错误] {spec} 是文件夹，说明中不能写文件夹的路径：请用 --{side}-label 写明它是哪个版本"
                       f"（如“2021年3月7日印发时的数据”）。", err=True)
            sys.exit(2)
        labels[side] = label
    profile = _load_profile(profile_path)
    report = _compare_or_exit(old, new, data_dir, profile)
    if not (report.changes or report.moved or report.sentences):
        click.echo(f"[错误] {old} 与 {new} 之间数据没有任何修改，不需要修订说明；未生成。", err=True)
        sys.exit(2)
    for path in write_revision_note(report, profile, out_dir, date, labels["old"], labels["new"]):
        click.echo(f"已生成 {path}")
    if report.documents_changed:
        click.echo("说明中列出的重新制作的文件，请用 reportgen build 按修订后的数据生成，与说明一并印发。")


@main.group(cls=Group, short_help="印发文件：给出文号和成文日期，生成正式文件并存档。", help="印发文件：由办公室给出文号和成文日期，生成正式文件并存档（数据目录的 issued/ 中）。"
                            "已印发的文件以后不再重新生成；数据有变化时，生成时会指出哪些已印发文件与数据不符。")
def issue() -> None:
    pass


@issue.command(name="bulletin", help="印发某月的排名通报：用给出的文号和成文日期生成PDF、DOCX和网页版，存档并放到输出目录。"
                                     "同一月份只能印发一次，同一文号只能用一次。")
@data_option
@out_option
@profile_option
@click.option("--month", required=True, metavar="年-月", help="通报月份，如 2021-05")
@click.option("--number", required=True, metavar="文号", help="发文字号，如 苏大气办〔2021〕105号")
@click.option("--date", "date_text", required=True, metavar="年-月-日", help="成文日期，如 2021-06-10")
def issue_bulletin_command(data_dir: Path, out_dir: Path, profile_path: Path | None, month: str, number: str,
                           date_text: str) -> None:
    import datetime as dt

    from .issuing import IssueRefused, issue_bulletin

    month = _month_or_exit(month)
    try:
        date = dt.date.fromisoformat(date_text.strip())
    except ValueError:
        click.echo(f"[错误] 成文日期“{date_text}”格式不对，应为 年-月-日，如 2021-06-10。未印发。", err=True)
        sys.exit(2)
    profile = _load_profile(profile_path)
    try:
        record = issue_bulletin(data_dir, month, number, date, profile)
    except DataError as exc:
        _show_problems(exc.problems, limit_gaps=0)
        click.echo("数据有错误，未印发。请修改后重试（reportgen validate 可列出全部问题）。", err=True)
        sys.exit(2)
    except IssueRefused as exc:
        click.echo(f"[错误] {exc}。未印发。", err=True)
        sys.exit(2)
    click.echo(f"已印发《{record.title}》（{record.doc_number}，成文日期{date.year}年{date.month}月{date.day}日）；"
               f"印发的文件存档于 {record.path.parent}。")
    _run_build(data_dir, out_dir, profile_path, kinds=("bulletins",), months=[month])


@main.command(short_help="新建项目文件夹（reportgen.yaml 和示例数据集）。", help="新建项目文件夹：用程序自带的示例（江苏省2021年工作计划及示例报送数据）生成 reportgen.yaml、"
                   "data/jiangsu-2021/、fonts/、templates/、profiles/。目录须不存在或为空（默认为当前文件夹）。")
@click.argument("folder", metavar="[目录]", required=False, type=click.Path(path_type=Path))
def init(folder: Path | None) -> None:
    from .scaffold import ScaffoldRefused, init_project

    target = (folder or Path.cwd()).absolute()
    try:
        made = init_project(target)
    except ScaffoldRefused as exc:
        click.echo(f"[错误] {exc}。未新建任何文件。", err=True)
        sys.exit(2)
    click.echo(f"已新建项目 {target}：")
    for path, what in made:
        click.echo(f"  {path}：{what}")
    cd = f"cd {target}" if target != Path.cwd().absolute() else None
    click.echo("下一步：")
    for line in filter(None, [cd, "（把 FandolFang-Regular.otf 复制到 fonts/）",
                              "reportgen validate                      # 检查数据",
                              "reportgen build --allow-incomplete      # 生成全部文件到 output/",
                              "reportgen new-plan 2022 --from jiangsu-2021   # 以2021年的数据新建2022年计划"]):
        click.echo(f"  {line}")


@main.command(name="new-plan", short_help="以某年的数据集新建下一年度的计划数据集，列出清空的内容。", help="以某年的数据集新建下一年度的计划数据集：复制单位、工作计划结构、附件表结构和部门名单，"
                                     "清空须重新确定的内容（成文日期、附件中的目标和任务数等）并逐项列出，"
                                     "然后把新数据集登记到 reportgen.yaml。")
@click.argument("year", metavar="年度", type=int)
@click.option("--from", "source", required=True, metavar="数据集", help="作为基础的数据集名称（reportgen.yaml 中的），如 jiangsu-2021")
@click.option("--name", default=None, metavar="名称", help="新数据集的名称（默认把原名称中的年份换成新年度，如 jiangsu-2022）")
def new_plan_command(year: int, source: str, name: str | None) -> None:
    from .scaffold import ScaffoldRefused, new_plan

    project = _project(required=True)
    try:
        plan = new_plan(project, year, source, name)
    except ScaffoldRefused as exc:
        click.echo(f"[错误] {exc}。未新建任何文件。", err=True)
        sys.exit(2)
    click.echo(f"已新建数据集 {plan.name}（{plan.folder}），并登记到 {project.file}。")
    click.echo("已修改或清空（须重新确定）：")
    for c in plan.changes:
        click.echo(f"  {c.file}{f' 第{c.line}行' if c.line else ''}：{c.what}")
    click.echo(f"照搬{plan.old_year}年、请核对（共{len(plan.to_review)}处）：")
    for c in plan.to_review:
        click.echo(f"  {c.file}{f' 第{c.line}行' if c.line else ''}：{c.what}")
    for note in plan.notes:
        click.echo(f"说明：{note}")
    click.echo(f"以上清单也写在 {plan.name}/README.md 中。下一步：reportgen validate --data {plan.name} 列出尚未填写的每一项；"
               f"默认数据集仍为 {project.default}，改用新数据集时加 --data {plan.name}，或修改 reportgen.yaml 中的 default。")


def _web_database(project: Project, data_dir: Path, database: str | None):
    """The web application's database (accounts, sessions, audit log) and the data set's plan."""
    from .web.db import SchemaTooNew, default_url, open_database

    try:
        return open_database(database or os.environ.get("REPORTGEN_WEB_DATABASE") or default_url(project.root))
    except SchemaTooNew as exc:
        click.echo(f"[错误] {exc}", err=True)
        sys.exit(2)


database_option = click.option("--database", default=None, metavar="URL",
                               help="网页版数据库的 SQLAlchemy 地址（默认：项目文件夹中的 reportgen-web.sqlite3；"
                                    "也可用环境变量 REPORTGEN_WEB_DATABASE 指定，如 postgresql://…）")


@main.command(short_help="启动网页版（各市上传报送表，省大气办审核、印发和下载）。", help="启动网页版：各设区市填报员在网页上下载空白报送表、上传报送表、查看报送记录、下载本市的目标责任书和已印发的通报；"
                   "省大气办查看各月报送情况、比较修订、预览和印发通报、生成目标责任书、下载生成的文件。账号先用 reportgen users add 建立。")
@data_option
@database_option
@click.option("--host", default="127.0.0.1", show_default=True, metavar="地址", help="监听的地址（只在本机使用时为 127.0.0.1）")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), metavar="端口", help="监听的端口")
def serve(data_dir: Path, database: str | None, host: str, port: int) -> None:
    import uvicorn

    from .web.app import create_app

    project = _project(required=True)
    name = next((n for n, folder in project.datasets.items() if folder == Path(data_dir).resolve()), None)
    if name is None:
        click.echo(f"[错误] 网页版只能使用项目文件中登记的数据集（{'、'.join(project.datasets)}）。", err=True)
        sys.exit(2)
    sessions = _web_database(project, data_dir, database)
    from .web.accounts import list_accounts

    if not list_accounts(sessions):
        click.echo("提示：还没有任何账号。请先用 reportgen users add 名称 --role office 建立省大气办账号。", err=True)
    app = create_app(project, database or os.environ.get("REPORTGEN_WEB_DATABASE"), dataset=name)
    click.echo(f"网页版：http://{host}:{port}/  （数据集 {name}，按 Ctrl+C 停止）")
    uvicorn.run(app, host=host, port=port, log_level="warning")


@main.group(cls=Group, help="网页版的账号：建立、列出、停用、启用、重设密码。")
def users() -> None:
    pass


@users.command(name="add", help="建立网页版账号。角色 office 为省大气办，city 为设区市填报员（须用 --city 指明设区市）。"
                                "密码在提示时输入两次（不显示），或用 --password-stdin 从标准输入读入；没有默认密码。")
@data_option
@database_option
@click.argument("name", metavar="账号")
@click.option("--role", required=True, type=click.Choice(["office", "city"]), help="角色：office（省大气办）或 city（设区市填报员）")
@click.option("--city", default=None, metavar="设区市", help="设区市填报员所属的设区市，如 南京市")
@click.option("--password-stdin", is_flag=True, help="从标准输入读入密码（一行），用于脚本")
def users_add(data_dir: Path, database: str | None, name: str, role: str, city: str | None, password_stdin: bool) -> None:
    from .web.accounts import AccountRefused, add_account

    project = _project(required=True)
    plan = _plan_or_exit(data_dir)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("密码", hide_input=True, confirmation_prompt=True)
    sessions = _web_database(project, data_dir, database)
    try:
        account = add_account(sessions, name, role, city, password, plan.units)
    except AccountRefused as exc:
        click.echo(f"[错误] {exc}。未建立账号。", err=True)
        sys.exit(2)
    what = f"{account.city}填报员" if account.role == "city" else "省大气办"
    click.echo(f"已建立账号 {account.name}（{what}）。")


@users.command(name="list", help="列出网页版的全部账号（不显示密码）。")
@data_option
@database_option
def users_list(data_dir: Path, database: str | None) -> None:
    from .web.accounts import list_accounts

    project = _project(required=True)
    accounts = list_accounts(_web_database(project, data_dir, database))
    if not accounts:
        click.echo("还没有任何账号。用 reportgen users add 建立。")
        return
    for a in accounts:
        what = f"{a.city}填报员" if a.role == "city" else "省大气办"
        click.echo(f"  {a.name}  {what}  建立于 {a.created:%Y-%m-%d %H:%M}{'  已停用' if a.disabled else ''}")


def _account_change(change) -> None:
    """Run an account change; a refusal (no such account, bad password) is an [错误] and exit code 2."""
    from .web.accounts import AccountRefused

    try:
        return change()
    except AccountRefused as exc:
        click.echo(f"[错误] {exc}。未做改动。", err=True)
        sys.exit(2)


@users.command(name="disable", help="停用网页版账号：该账号不能再登录，已登录的会话立即失效（如填报员离职）。"
                                    "账号和审计日志保留，可用 reportgen users enable 重新启用。")
@data_option
@database_option
@click.argument("name", metavar="账号")
def users_disable(data_dir: Path, database: str | None, name: str) -> None:
    from .web.accounts import set_disabled

    project = _project(required=True)
    sessions = _web_database(project, data_dir, database)
    account, changed, ended = _account_change(lambda: set_disabled(sessions, name, True))
    if not changed:
        click.echo(f"账号 {account.name} 本来就已停用。")
    else:
        click.echo(f"已停用账号 {account.name}" + (f"，结束了{ended}个登录会话" if ended else "") + "。")


@users.command(name="enable", help="重新启用已停用的网页版账号。")
@data_option
@database_option
@click.argument("name", metavar="账号")
def users_enable(data_dir: Path, database: str | None, name: str) -> None:
    from .web.accounts import set_disabled

    project = _project(required=True)
    sessions = _web_database(project, data_dir, database)
    account, changed, _ = _account_change(lambda: set_disabled(sessions, name, False))
    click.echo(f"已启用账号 {account.name}。" if changed else f"账号 {account.name} 本来就是启用的。")


@users.command(name="reset-password", help="重设网页版账号的密码：该账号已登录的会话全部失效，须用新密码重新登录。"
                                           "新密码在提示时输入两次（不显示），或用 --password-stdin 从标准输入读入。")
@data_option
@database_option
@click.argument("name", metavar="账号")
@click.option("--password-stdin", is_flag=True, help="从标准输入读入新密码（一行），用于脚本")
def users_reset_password(data_dir: Path, database: str | None, name: str, password_stdin: bool) -> None:
    from .web.accounts import reset_password
    from .web.db import find_account

    project = _project(required=True)
    sessions = _web_database(project, data_dir, database)
    with sessions() as db:
        if find_account(db, name.strip()) is None:      # said before the password is asked for
            click.echo(f"[错误] 没有账号“{name.strip()[:64]}”（reportgen users list 列出全部账号）。未做改动。", err=True)
            sys.exit(2)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("新密码", hide_input=True, confirmation_prompt=True)
    account, ended = _account_change(lambda: reset_password(sessions, name, password))
    click.echo(f"已重设账号 {account.name} 的密码" + (f"，结束了{ended}个登录会话" if ended else "") + "。")


main.add_command(build_command, name="build")

if __name__ == "__main__":
    main()
