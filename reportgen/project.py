"""The project folder: `reportgen.yaml` at the root of an office's folder.

Like git or Sphinx, commands find the project from the current folder upwards (or from --project /
REPORTGEN_PROJECT). The file names the office's data sets (name → folder), the default one, the output
folder, the layout profile and the folders its font files are in:

    datasets:
      jiangsu-2021: data/jiangsu-2021
    default: jiangsu-2021
    output: output
    profile: gbt9704          # a profile name (profiles/<name>.yaml, the project's own first) or a .yaml path
    fonts: [fonts]            # folders the profile's font files (pdf_file) are looked up in

Relative paths are relative to the folder of reportgen.yaml. A project may override any template or
profile of the package by placing a file of the same name in its templates/ or profiles/ folder.
The file is outside data: it is read with the same hostile-input checks as the plan files and every
problem is located (file, line, field).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import resources
from .load.yaml_file import LineDict, check_keys, describe, line_of, read_yaml, suggestion
from .problems import DataError, Problems

PROJECT_FILE = "reportgen.yaml"
PROJECT_ENV = "REPORTGEN_PROJECT"
KEYS = {"datasets", "default", "output", "profile", "fonts"}
DATASET_NAME = re.compile(r"^[^\s/\\:*?\"<>|]{1,64}$")

NOT_FOUND = ("找不到项目文件夹（reportgen.yaml）：当前文件夹 {cwd} 及其上级文件夹中都没有 reportgen.yaml。"
             "请进入项目文件夹后运行，用 reportgen init 新建，或用 --data 指定数据目录")


class ProjectNotFound(Exception):
    pass


@dataclass
class Project:
    root: Path                                 # the folder that holds reportgen.yaml
    datasets: dict[str, Path]                  # name → folder (absolute)
    default: str | None
    output: Path
    profile: Path | None                       # None: the standard profile (or the project's gbt9704.yaml)
    fonts: tuple[Path, ...]
    lines: dict[str, int] = field(default_factory=dict)   # dataset name → line in reportgen.yaml

    @property
    def file(self) -> Path:
        return self.root / PROJECT_FILE

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def profiles_dir(self) -> Path:
        return self.root / "profiles"

    def overrides(self) -> resources.Overrides:
        return resources.Overrides(templates=self.templates_dir, profiles=self.profiles_dir, fonts=self.fonts)

    def activate(self) -> None:
        """Use this project's templates, profiles and fonts in this process."""
        resources.use(self.overrides())

    def dataset(self, name: str | None = None) -> Path:
        """The folder of data set `name` (default: the project's default data set)."""
        name = name or self.default
        if name is None or name not in self.datasets:
            raise KeyError(name)
        return self.datasets[name]


def find_project_file(start: Path | None = None) -> Path | None:
    """reportgen.yaml in `start` (default: the current folder) or the nearest folder above it."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None


def locate(explicit: Path | str | None = None) -> Path | None:
    """The project file to use: --project (a folder or the file itself), else $REPORTGEN_PROJECT, else
    the nearest reportgen.yaml from the current folder upwards. An explicit project that has no
    reportgen.yaml raises ProjectNotFound."""
    given = explicit or os.environ.get(PROJECT_ENV) or None
    if given:
        path = Path(given).expanduser()
        file = path if path.name == PROJECT_FILE or path.is_file() else path / PROJECT_FILE
        if not file.is_file():
            source = "--project" if explicit else f"环境变量 {PROJECT_ENV}"
            raise ProjectNotFound(f"{source} 指定的 {path} 中没有项目文件 {PROJECT_FILE}。"
                                  "请检查路径，或用 reportgen init 新建项目")
        return file.resolve()
    return find_project_file()


def _text(mapping: LineDict, key: str, path: Path, problems: Problems) -> str | None:
    value = mapping.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.error(path, f"“{key}”应为文字（文件夹或文件的路径），实际为{describe(value) if value != '' else '空文字'}",
                       row=line_of(mapping, key), field=key)
        return None
    return value.strip()


def load_project(file: Path) -> Project:
    """Read and check reportgen.yaml; raises DataError with every located problem."""
    file = Path(file)
    root = file.parent.resolve()
    problems = Problems(root)
    data = read_yaml(file, problems)
    if data is None:
        raise DataError(problems.items)
    check_keys(data, KEYS, file, problems)

    datasets: dict[str, Path] = {}
    lines: dict[str, int] = {}
    raw = data.get("datasets")
    if raw is None:
        problems.error(file, "缺少必填字段“datasets”（数据集：名称: 文件夹，如 jiangsu-2021: data/jiangsu-2021）",
                       row=data.line, field="datasets")
    elif not isinstance(raw, dict) or not raw:
        problems.error(file, f"“datasets”应为“名称: 文件夹”形式，至少一项，实际为{describe(raw)}",
                       row=line_of(data, "datasets"), field="datasets")
    else:
        for name, folder in raw.items():
            where = f"datasets.{name}"
            if not DATASET_NAME.match(name):
                problems.error(file, f"数据集名称“{name}”不能含空格、斜杠或 :*?\"<>| 等字符（如 jiangsu-2022）",
                               row=raw.line_of(name), field=where)
                continue
            if not isinstance(folder, str) or not folder.strip():
                problems.error(file, f"数据集“{name}”的文件夹应为文字（路径，如 data/{name}），实际为"
                                     f"{describe(folder) if folder != '' else '空文字'}", row=raw.line_of(name), field=where)
                continue
            datasets[name] = (root / folder.strip()).resolve()
            lines[name] = raw.line_of(name)

    default = data.get("default")
    if default is not None:
        if not isinstance(default, str) or not default.strip():
            problems.error(file, f"“default”应为数据集的名称（文字），实际为{describe(default)}",
                           row=line_of(data, "default"), field="default")
            default = None
        elif datasets and default not in datasets:
            problems.error(file, f"默认数据集“{default}”不在 datasets 中{suggestion(default, datasets)}",
                           row=line_of(data, "default"), field="default")
            default = None
    elif len(datasets) == 1:
        default = next(iter(datasets))

    output = _text(data, "output", file, problems)
    profile = None
    profile_text = _text(data, "profile", file, problems)
    if profile_text is not None:
        if profile_text.endswith((".yaml", ".yml")):
            profile = (root / profile_text).resolve()
            if not profile.is_file():
                problems.error(file, f"版式配置文件“{profile_text}”不存在（应为相对于 {PROJECT_FILE} 所在文件夹的路径）",
                               row=line_of(data, "profile"), field="profile")
        else:
            own = root / "profiles" / f"{profile_text}.yaml"
            profile = own if own.is_file() else resources.PROFILES_DIR / f"{profile_text}.yaml"
            if not profile.is_file():
                names = sorted({p.stem for d in (root / "profiles", resources.PROFILES_DIR) if d.is_dir()
                                for p in d.glob("*.yaml")})
                problems.error(file, f"没有名为“{profile_text}”的版式配置{suggestion(profile_text, names)}"
                                     "（写配置名称，或以 .yaml 结尾的文件路径）", row=line_of(data, "profile"), field="profile")

    fonts_raw = data.get("fonts", "fonts")
    fonts: list[Path] = []
    if isinstance(fonts_raw, str) and fonts_raw.strip():
        fonts_raw = [fonts_raw]
    if not isinstance(fonts_raw, list):
        problems.error(file, f"“fonts”应为字体文件夹的路径（文字）或路径的列表，实际为{describe(fonts_raw)}",
                       row=line_of(data, "fonts"), field="fonts")
    else:
        for i, item in enumerate(fonts_raw):
            if not isinstance(item, str) or not item.strip():
                problems.error(file, f"字体文件夹应为文字（路径），实际为{describe(item)}",
                               row=line_of(fonts_raw, i) or line_of(data, "fonts"), field=f"fonts[{i}]")
            else:
                fonts.append((root / item.strip()).resolve())

    if problems.errors:
        raise DataError(problems.items)
    return Project(root=root, datasets=datasets, default=default, output=(root / (output or "output")).resolve(),
                   profile=profile, fonts=tuple(fonts), lines=lines)


def project_text(datasets: dict[str, str], default: str, output: str = "output", profile: str | None = None,
                 fonts: str = "fonts") -> str:
    """A new reportgen.yaml, commented in the users' language."""
    lines = ["# reportgen 项目文件：reportgen 的命令在本文件夹及其子文件夹中运行时，使用这里的设置。",
             "# 路径都相对于本文件所在的文件夹。说明见 README“项目文件夹”一节。",
             "datasets:                      # 数据集：名称: 数据文件夹（每年的计划一个数据集）"]
    lines += [f"  {name}: {folder}" for name, folder in datasets.items()]
    lines += [f"default: {default}            # 不加 --data 时使用的数据集",
              f"output: {output}                 # 生成的文件写在这里（--out 可临时改用别的文件夹）",
              f"profile: {profile or 'gbt9704'}               # 版式配置：名称（profiles/ 中，本项目的优先）或 .yaml 文件的路径",
              f"fonts: [{fonts}]                # 版式配置中字体文件（pdf_file，如 FandolFang-Regular.otf）所在的文件夹"]
    return "\n".join(lines) + "\n"
