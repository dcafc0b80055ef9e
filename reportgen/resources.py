"""Where templates, layout profiles, fonts and the bundled example are found.

The package ships its templates (reportgen/templates), layout profiles (reportgen/profiles) and the
example data set (reportgen/examples) as package data, located with importlib.resources, so an
installed wheel works from any folder. A project (reportgen.yaml, see project.py) may override a
template or a profile by placing a file of the same name in its own templates/ or profiles/ folder,
and names the folders its font files are in.

The overrides in force are process-wide (set once by the command line, or by a test through `use`):
writers run in forked worker processes, which inherit them.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path


def _package_dir(name: str) -> Path:
    # the package is installed as plain files (wheel or editable), never zipped
    return Path(str(files("reportgen").joinpath(name)))


TEMPLATES_DIR = _package_dir("templates")        # the package's templates
PROFILES_DIR = _package_dir("profiles")          # the package's layout profiles
EXAMPLES_DIR = _package_dir("examples")          # the bundled example data set(s)
STANDARD_PROFILE = PROFILES_DIR / "gbt9704.yaml"  # GB/T 9704-2012: the base of every profile


@dataclass(frozen=True)
class Overrides:
    """A project's own templates and profiles folders (searched before the package's) and its font folders."""

    templates: Path | None = None
    profiles: Path | None = None
    fonts: tuple[Path, ...] = ()


_current = Overrides()


def use(overrides: Overrides) -> None:
    """Make `overrides` the ones in force in this process (and the workers it forks)."""
    global _current
    if overrides == _current:
        return
    _current = overrides   # render.py keys its template environments by template_dirs()


def current() -> Overrides:
    return _current


def template_dirs() -> tuple[Path, ...]:
    """Folders templates are looked up in, the project's first."""
    own = _current.templates
    return ((own,) if own is not None and own.is_dir() else ()) + (TEMPLATES_DIR,)


def template_path(name: str) -> Path:
    """The template file in use for `name`: the project's own if it has one, else the package's."""
    for folder in template_dirs():
        if (folder / name).is_file():
            return folder / name
    return TEMPLATES_DIR / name


def profile_dirs() -> tuple[Path, ...]:
    own = _current.profiles
    return ((own,) if own is not None and own.is_dir() else ()) + (PROFILES_DIR,)


def profile_by_name(name: str, skip: tuple[Path, ...] = ()) -> Path:
    """The profile file called `name` (without .yaml): the project's own first, then the package's.
    Files in `skip` (a profile naming a base of its own name) are passed over."""
    skipped = {p.resolve() for p in skip}
    for folder in profile_dirs():
        path = folder / f"{name}.yaml"
        if path.is_file() and path.resolve() not in skipped:
            return path
    return PROFILES_DIR / f"{name}.yaml"


def default_profile() -> Path:
    """The profile used when none is given: the project's profiles/gbt9704.yaml if it has one."""
    return profile_by_name(STANDARD_PROFILE.stem)


def font_dirs() -> tuple[Path, ...]:
    return _current.fonts


# Where a font file the profile names is also looked for, after the project's font folders: Debian's
# texlive-lang-chinese (which holds FandolFang), and the usual system and user font folders.
SYSTEM_FONT_DIRS = (
    Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"),
    Path("/usr/local/share/fonts"),
    Path("/usr/share/fonts/opentype"),
    Path("/usr/share/fonts/truetype"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)


def font_path(name: str) -> Path:
    """The font file `name` from the first font folder that has it: the project's, then the system's
    (else where the project would expect it)."""
    for folder in _current.fonts:
        if (folder / name).is_file():
            return folder / name
    for folder in SYSTEM_FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    return (_current.fonts[0] if _current.fonts else Path("fonts").resolve()) / name


def example_dir(name: str = "jiangsu-2021") -> Path:
    return EXAMPLES_DIR / name
