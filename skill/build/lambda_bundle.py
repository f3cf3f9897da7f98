"""The AWS Lambda bundle, for the `aftercare` CLI and `deploy/hooks/build.sh` (which
`ask deploy` runs):

  build_lambda_bundle(out)       the zip Lambda runs: skill/ and content/ side by side at the
                                 root, with the runtime dependencies and their bytecode

(The skill package's copy of the interaction model is skill/build/skill_package.py.)

What goes in is read from the code: the skill modules the handler's imports reach, and the
declared dependencies those modules import, with theirs, at the versions installed here (the
ones the tests ran against), less the few lazy imports Lambda never runs (NOT_ON_LAMBDA:
PyYAML, the SQLite store). The bundle is built for the Lambda runtime, whatever Python runs
the build: pip fetches those exact versions as wheels for the runtime's Python and platform
(`--python-version`, `--platform`, `--only-binary=:all:`), and the bytecode is compiled by
that Python when it is on PATH (python3.13 for the python3.13 runtime; without it the bundle
carries sources only and Lambda compiles them at cold start).
"""
from __future__ import annotations

# Modules only a build needs are imported inside the functions that use them: the CLI imports
# this module to set up its parsers, and `aftercare --help` should stay instant.
import argparse
import ast
import functools
import importlib.util
import json
import marshal
import platform
import re
import shutil
import stat
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Sequence

REPO_ROOT = Path(__file__).resolve().parents[2]  # skill/build/lambda_bundle.py
MODEL_DIR = REPO_ROOT / "interaction_model"
ASK_RESOURCES = REPO_ROOT / "deploy" / "ask-resources.json"

LAMBDA_ENTRY = REPO_ROOT / "skill" / "lambda_function.py"
# Lambda's Python runtime ships these; a copy would only add megabytes.
PROVIDED_BY_RUNTIME = frozenset({"boto3", "botocore", "s3transfer", "jmespath"})
# Install bookkeeping for this machine; in the bundle it would describe files that are not there.
_INSTALL_RECORDS = frozenset({"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"})
_BINARY_SUFFIXES = (".so", ".pyd", ".dylib")
# Lambda's runtimes and the newest glibc each one has: python3.11 runs on Amazon Linux 2 (past
# its end of life), python3.12 and python3.13 on Amazon Linux 2023. A compiled module needing a
# newer glibc would not load.
LAMBDA_GLIBC = {"python3.11": (2, 26), "python3.12": (2, 34), "python3.13": (2, 34)}
DEFAULT_RUNTIME = "python3.13"
_LEGACY_MANYLINUX = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
# A fixed timestamp makes two builds of the same tree byte-identical.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# Lambda runs the code as a user other than the owner: files must be world-readable.
_ZIP_FILE_MODE = (stat.S_IFREG | 0o644) << 16


class BundleError(RuntimeError):
    """The bundle cannot be built as asked; the message says what to change."""


@dataclass(frozen=True)
class Target:
    """The Lambda runtime and architecture a bundle built by this interpreter is for."""

    runtime: str        # "python3.11": the bytecode only serves this Python
    architecture: str   # "x86_64" or "arm64": compiled modules only load on this one

    @classmethod
    def of_this_interpreter(cls) -> "Target":
        return cls(f"python{sys.version_info.major}.{sys.version_info.minor}", _this_machine())

    @classmethod
    def declared(cls, ask_resources: "Path | None" = None) -> "Target":
        """The runtime and architecture deploy/ask-resources.json deploys (python3.13 on
        x86_64 when it names none)."""
        path = ask_resources or ASK_RESOURCES
        runtimes = declared_runtimes(path)
        if len(runtimes) > 1:
            raise BundleError(f"deploy/ask-resources.json names several runtimes: "
                              f"{', '.join(sorted(runtimes))}")
        architectures = {
            p.get("skillInfrastructure", {}).get("userConfig", {}).get("cfn", {})
             .get("parameters", {}).get("LambdaArchitecture") or "x86_64"
            for p in (json.loads(path.read_text(encoding="utf-8")).get("profiles", {}).values()
                      if path.is_file() else ())}
        if len(architectures) > 1:
            raise BundleError("deploy/ask-resources.json names several architectures")
        return cls(runtimes.pop() if runtimes else DEFAULT_RUNTIME,
                   architectures.pop() if architectures else "x86_64")

    @property
    def wheel_arch(self) -> str:
        return "aarch64" if self.architecture == "arm64" else self.architecture

    @property
    def python_version(self) -> str:
        return self.runtime.removeprefix("python")

    @property
    def cache_tag(self) -> str:
        return "cpython-" + self.python_version.replace(".", "")

    @property
    def platform_tags(self) -> list[str]:
        """Every manylinux tag the runtime loads, newest first (pip takes them as given)."""
        major, newest = LAMBDA_GLIBC[self.runtime]
        tags = [f"manylinux_{major}_{minor}_{self.wheel_arch}" for minor in range(newest, 4, -1)]
        return tags + [f"{legacy}_{self.wheel_arch}" for legacy in _LEGACY_MANYLINUX]

    def interpreter(self) -> str | None:
        """This runtime's Python on this machine, to compile the bytecode with."""
        if self.runtime == Target.of_this_interpreter().runtime:
            return sys.executable
        return _find_python(self.python_version)

    def check(self) -> None:
        if self.runtime not in LAMBDA_GLIBC:
            supported = ", ".join(sorted(LAMBDA_GLIBC))
            raise BundleError(f"{self.runtime} is not a Lambda runtime this bundle supports "
                              f"({supported})")
        if self.architecture not in ("x86_64", "arm64"):
            raise BundleError(f"Lambda has no {self.architecture} architecture (x86_64 or arm64)")


@functools.cache
def _find_python(version: str) -> str | None:
    """The path of a working Python `version` here: on PATH, else one pyenv installed (its
    shims answer only for the versions pyenv has selected)."""
    import glob
    import os
    import subprocess

    pyenv = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    candidates = [shutil.which(f"python{version}"),
                  *sorted(glob.glob(os.path.join(pyenv, "versions", f"{version}*", "bin",
                                                 f"python{version}")), reverse=True)]
    probe = "import sys; print(sys.version_info[0], sys.version_info[1], sys.executable)"
    for candidate in filter(None, candidates):
        try:
            done = subprocess.run([candidate, "-I", "-S", "-c", probe], capture_output=True,
                                  text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            continue
        fields = done.stdout.split(maxsplit=2)
        if done.returncode == 0 and len(fields) == 3 and ".".join(fields[:2]) == version:
            return fields[2].strip()
    return None


def _this_machine() -> str:
    machine = platform.machine().lower()
    return "arm64" if machine in {"aarch64", "arm64"} else machine


# ---------------------------------------------------------------- what goes in

# Extras the Lambda function may use: the DynamoDB store, when a clinic turns memory on.
LAMBDA_EXTRAS = ("dynamodb",)


def project_requirements(pyproject: Path = REPO_ROOT / "pyproject.toml") -> list[str]:
    """The project's declared dependencies, with the extras the Lambda function may use."""
    import tomllib

    with pyproject.open("rb") as fh:
        project = tomllib.load(fh)["project"]
    extras = project.get("optional-dependencies", {})
    return [*project["dependencies"], *(r for name in LAMBDA_EXTRAS for r in extras.get(name, ()))]


def _packaging():
    """packaging's Requirement and canonicalize_name. Imported late because the bytecode
    worker runs this module without site-packages."""
    try:
        from packaging.requirements import Requirement
        from packaging.utils import canonicalize_name
    except ImportError:  # pragma: no cover - every pip carries a copy
        from pip._vendor.packaging.requirements import Requirement
        from pip._vendor.packaging.utils import canonicalize_name
    return Requirement, canonicalize_name


def runtime_distributions(requirements: Iterable[str]) -> list[importlib.metadata.Distribution]:
    """The installed distributions that `requirements` need, dependencies included."""
    import importlib.metadata

    Requirement, canonicalize_name = _packaging()
    found: dict[str, importlib.metadata.Distribution] = {}
    todo = list(requirements)
    while todo:
        req = Requirement(todo.pop())
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        key = canonicalize_name(req.name)
        if key in found or key in PROVIDED_BY_RUNTIME:
            continue
        try:
            dist = importlib.metadata.distribution(req.name)
        except importlib.metadata.PackageNotFoundError:
            raise BundleError(f"{req.name} is not installed here; run `pip install -e .` "
                              "in the environment that builds the bundle") from None
        if req.specifier and not req.specifier.contains(dist.version, prereleases=True):
            raise BundleError(f"{req.name} {dist.version} is installed but {req} is required")
        found[key] = dist
        todo.extend(dist.requires or [])
    return [found[key] for key in sorted(found)]


def _glibc_of(platform_tag: str, arch: str) -> tuple[int, int] | None:
    """The glibc a manylinux platform tag for `arch` needs, or None if the tag is not one."""
    match = re.fullmatch(rf"manylinux_(\d+)_(\d+)_{arch}", platform_tag)
    if match:
        return int(match[1]), int(match[2])
    legacy, _, tag_arch = platform_tag.partition("_")
    return _LEGACY_MANYLINUX.get(legacy) if tag_arch == arch else None


def binaries_load_on(dist: importlib.metadata.Distribution, target: Target) -> bool:
    """True when the distribution's compiled modules were built for the Lambda target.

    A wheel built on this machine (tag linux_x86_64) or for macOS may need a newer glibc or
    another OS; without its compiled modules a package such as charset-normalizer falls
    back to its pure-Python code, slower but working.
    """
    limit = LAMBDA_GLIBC.get(target.runtime, (0, 0))
    for line in (dist.read_text("WHEEL") or "").splitlines():
        if not line.startswith("Tag:"):
            continue
        for platform_tag in line.split("-")[-1].strip().split("."):
            glibc = _glibc_of(platform_tag, target.wheel_arch)
            if glibc is not None and glibc <= limit:
                return True
    return False


def _distribution_files(dist: importlib.metadata.Distribution, target: Target) -> dict[str, Path]:
    keep_binaries = binaries_load_on(dist, target)
    files = {}
    for rel in dist.files or ():
        parts = PurePosixPath(str(rel)).parts
        if parts[0] == ".." or "__pycache__" in parts or rel.suffix == ".pyc":
            continue  # console scripts outside site-packages; bytecode is compiled afresh
        if parts[0].endswith(".dist-info") and parts[-1] in _INSTALL_RECORDS:
            continue
        if rel.suffix in _BINARY_SUFFIXES and not keep_binaries:
            continue
        files[PurePosixPath(*parts).as_posix()] = Path(dist.locate_file(rel))
    return files


def _tree_files(root: Path, prefix: str, suffixes: Sequence[str]) -> dict[str, Path]:
    files = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or path.suffix not in suffixes or "__pycache__" in rel.parts:
            continue
        if any(part.startswith(".") for part in rel.parts):
            continue  # editor backups and swap files are no content
        files[f"{prefix}/{rel.as_posix()}"] = path
    return files


_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(k is None or (isinstance(k, ast.Name) and k.id in _IMPORT_ERRORS) for k in kinds)


@dataclass(frozen=True)
class _Import:
    parts: tuple[str, ...]  # the module, absolute: ("skill", "stores", "sqlite")
    optional: bool          # an enclosing try catches ImportError
    lazy: bool              # inside a function: runs when it is called, not on import


class _Imports(ast.NodeVisitor):
    """The modules one file's import statements name. Imports inside functions count too."""

    def __init__(self, package: tuple[str, ...]):
        self.package = package  # the package the file belongs to, for relative imports
        self.found: list[_Import] = []
        self._guarded = 0
        self._functions = 0

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._functions += 1
        self.generic_visit(node)
        self._functions -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def _add(self, parts: tuple[str, ...]) -> None:
        self.found.append(_Import(parts, self._guarded > 0, self._functions > 0))

    def visit_Try(self, node: ast.Try) -> None:
        guarded = any(_catches_import_error(h) for h in node.handlers)
        self._guarded += guarded
        for stmt in node.body:
            self.visit(stmt)
        self._guarded -= guarded
        for part in (*node.handlers, *node.orelse, *node.finalbody):
            self.visit(part)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(tuple(alias.name.split(".")))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self.package[:len(self.package) - node.level + 1] if node.level else ()
        module = base + tuple(node.module.split(".") if node.module else ())
        # `from .x import y` may name a submodule y as well as an attribute of x
        for parts in [module] + [module + (alias.name,) for alias in node.names]:
            self._add(parts)


# Imports on the Lambda path that Lambda never runs, left out of the bundle: importing module
# (zip name) -> {module it imports: why Lambda never gets there}. Each must stay inside a
# function; one run on import would fail the cold start, so the scan refuses it. Another
# module importing the same thing is not covered, and brings it into the bundle.
NOT_ON_LAMBDA: dict[str, dict[str, str]] = {
    "skill/content.py": {
        "yaml": "YAML is parsed only from .yaml files; the bundle's content is JSON"},
    "skill/stores/__init__.py": {
        "skill.stores.sqlite": "the SQLite store is refused on Lambda at start-up"},
}


def _left_out(imported: tuple[str, ...], skipped: dict[str, str]) -> str | None:
    name = ".".join(imported)
    return next((m for m in skipped if name == m or name.startswith(m + ".")), None)


def scan_lambda_path(entry: Path = LAMBDA_ENTRY,
                     not_on_lambda: dict[str, dict[str, str]] = NOT_ON_LAMBDA,
                     ) -> tuple[dict[str, Path], dict[str, bool]]:
    """What the Lambda handler can import, read from the import statements.

    Returns the skill's own modules (zip name -> file) and the other top-level modules they
    import (name -> True when every import of it is optional). The other ways in (CLI, web
    service, local language understanding, this build) stay out, and with them Flask and
    rapidfuzz; so do the imports `not_on_lambda` names.
    """
    root = entry.parent.parent  # the folder holding the package
    package = entry.parent.name

    def files_of(parts: tuple[str, ...]) -> list[Path]:
        """The module `parts` names and every package above it (importing it runs them all)."""
        files = []
        for depth in range(1, len(parts) + 1):
            base = root.joinpath(*parts[:depth])
            files += [p for p in (base / "__init__.py", base.with_suffix(".py")) if p.is_file()]
        return files

    modules: dict[str, Path] = {}
    others: dict[str, bool] = {}
    todo = [entry]
    while todo:
        path = todo.pop()
        rel = path.relative_to(root)
        if rel.as_posix() in modules:
            continue
        modules[rel.as_posix()] = path
        todo.extend(files_of(rel.parts[:-1]))
        imports = _Imports(rel.parts[:-1])
        imports.visit(ast.parse(path.read_bytes(), str(path)))
        skipped = not_on_lambda.get(rel.as_posix(), {})
        for found in imports.found:
            parts = found.parts
            left_out = _left_out(parts, skipped)
            if left_out and not found.lazy:
                raise BundleError(f"{rel.as_posix()} imports {left_out} on import, but the "
                                  f"bundle leaves it out ({skipped[left_out]}): import it in "
                                  "the function that needs it")
            if left_out or not parts:
                continue
            if parts[0] == package:
                todo.extend(files_of(parts))
            elif parts[0] != "__future__" and parts[0] not in sys.stdlib_module_names:
                others[parts[0]] = others.get(parts[0], True) and found.optional
    return dict(sorted(modules.items())), others


def lambda_requirements(pyproject: Path = REPO_ROOT / "pyproject.toml") -> list[str]:
    """The project's declared dependencies that the Lambda path imports.

    rapidfuzz, say, is a dependency of the console script but never imported on Lambda, so
    it stays out. A Lambda-path import the project does not declare is an error here, not
    an ImportError on the first cold start.
    """
    import importlib.metadata

    Requirement, canonicalize_name = _packaging()
    owners = importlib.metadata.packages_distributions()
    declared = {canonicalize_name(Requirement(r).name): r for r in project_requirements(pyproject)}
    needed = set()
    for name, optional in scan_lambda_path()[1].items():
        dists = {canonicalize_name(d) for d in owners.get(name, ())}
        if not dists and not optional:
            raise BundleError(f"the Lambda handler imports {name}, "
                              "which nothing installed provides")
        if dists and not dists & declared.keys():
            raise BundleError(f"the Lambda handler imports {name} ({', '.join(sorted(dists))}) "
                              "but pyproject.toml does not declare it as a dependency")
        needed |= dists & declared.keys()
    return [declared[name] for name in sorted(needed)]


def _content_dir() -> Path:
    # The skill's own rule (AFTERCARE_CONTENT_DIR, else content/ beside the package), so the
    # bundle carries the content the skill would speak here.
    from skill.content import default_content_dir

    return Path(default_content_dir())


def _pins(dists: Iterable[importlib.metadata.Distribution]) -> tuple[str, ...]:
    return tuple(sorted(f"{d.metadata['Name']}=={d.version}" for d in dists))


@functools.cache
def fetch_for_target(pins: tuple[str, ...], target: Target) -> Path:
    """A folder holding exactly `pins`, as wheels built for the Lambda target (once per
    process: the pip run takes seconds, and the tests build several bundles)."""
    import atexit
    import subprocess
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="aftercare-lambda-deps-"))
    atexit.register(shutil.rmtree, folder, True)
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--no-deps", "--no-compile", "--no-warn-script-location", "--target", str(folder),
               "--only-binary=:all:", "--implementation", "cp",
               "--python-version", target.python_version,
               *(option for tag in target.platform_tags for option in ("--platform", tag)),
               *pins]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-3:])
        raise BundleError(f"pip could not fetch the dependencies for Lambda {target.runtime} "
                          f"on {target.architecture}: {tail}")
    return folder


def _folder_files(folder: Path) -> dict[str, Path]:
    """What pip installed into `folder`, as zip names, without its own bookkeeping."""
    files = {}
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if not path.is_file() or parts[0] == "bin" or "__pycache__" in parts or path.suffix == ".pyc":
            continue
        if parts[0].endswith(".dist-info") and parts[-1] in _INSTALL_RECORDS:
            continue
        files[PurePosixPath(*parts).as_posix()] = path
    return files


def plan_bundle(content_dir: Path | None = None, target: Target | None = None) -> dict[str, Path]:
    """Every file of the bundle: its name in the zip -> where it comes from."""
    target = target or Target.declared()
    target.check()
    content_dir = Path(content_dir) if content_dir else _content_dir()
    if not content_dir.is_dir():
        raise BundleError(f"no content folder at {content_dir}")
    dependencies = _folder_files(fetch_for_target(
        _pins(runtime_distributions(lambda_requirements())), target))
    clash = sorted(n for n in dependencies if n.split("/")[0] in {"skill", "content"})
    if clash:  # the zip root is shared; the skill must not shadow a dependency or vice versa
        raise BundleError(f"a dependency installs {clash[0]}, which the skill owns")
    plan = dict(dependencies)
    plan.update(scan_lambda_path()[0])
    plan.update(_tree_files(content_dir, "content", (".yaml", ".yml")))
    return plan


# ---------------------------------------------------------------- writing the zip

def unchecked_pyc(source: bytes, filename: str) -> bytes:
    """Bytecode Python uses without comparing it with the source (PEP 552, unchecked hash).

    Lambda unpacks the zip with new timestamps onto a read-only disk: timestamp-checked
    bytecode would look stale there and be recompiled in memory on every cold start.
    `filename` is the name inside the zip, so no build path leaks into the bytes.
    """
    code = compile(source, filename, "exec", dont_inherit=True, optimize=0)
    flags = (0b01).to_bytes(4, "little")  # hash-based, source not checked
    header = importlib.util.MAGIC_NUMBER + flags + importlib.util.source_hash(source)
    return header + marshal.dumps(code)


def _compile_worker() -> None:
    """Runs in the child process `_with_bytecode` starts: sources in, bytecode out."""
    out_dir = Path(sys.argv[2])
    for index, (name, path) in enumerate(json.load(sys.stdin)):
        try:
            pyc = unchecked_pyc(Path(path).read_bytes(), name)
        except SyntaxError:
            continue  # code for another Python version, never imported here
        (out_dir / f"{index}.pyc").write_bytes(pyc)


def _with_bytecode(plan: dict[str, Path], target: Target) -> dict[str, bytes]:
    """The plan's files read in, each Python source joined by its bytecode for the target.

    Compiled by the target's Python, in a fresh interpreter: bytecode serves one Python
    version only, and marshal's output depends on which objects the process already holds,
    so compiling here would make builds differ with their caller. Without that Python on
    PATH, the bundle carries sources only and says so.
    """
    import subprocess
    import tempfile

    entries = {name: path.read_bytes() for name, path in plan.items()}
    python = target.interpreter()
    if python is None:
        print(f"warning: no {target.runtime} on PATH to compile the bundle's bytecode with; "
              "Lambda will compile the sources at each cold start", file=sys.stderr)
        return entries
    sources = sorted((name, str(path)) for name, path in plan.items() if name.endswith(".py"))
    with tempfile.TemporaryDirectory() as out_dir:
        worker = ("import sys; sys.path.insert(0, sys.argv[1]); import warnings; "
                  "warnings.simplefilter('ignore'); "
                  "from skill.build.lambda_bundle import _compile_worker; _compile_worker()")
        subprocess.run([python, "-I", "-S", "-c", worker, str(REPO_ROOT), out_dir],
                       input=json.dumps(sources), text=True, check=True)
        for index, (name, _) in enumerate(sources):
            pyc = Path(out_dir, f"{index}.pyc")
            if pyc.is_file():
                entries[cached_name(name, target)] = pyc.read_bytes()
    return entries


def cached_name(source: str, target: Target) -> str:
    """Where the target's Python looks for a source file's bytecode."""
    folder, _, file = source.rpartition("/")
    cached = f"__pycache__/{file.removesuffix('.py')}.{target.cache_tag}.pyc"
    return f"{folder}/{cached}" if folder else cached


def _write_zip(out: Path, entries: dict[str, bytes]) -> None:
    import zipfile

    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.create_system = 3  # Unix, so the permission bits below are honoured
            info.external_attr = _ZIP_FILE_MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, entries[name])
    partial.replace(out)  # a failed build never leaves a half-written bundle to deploy


def _content_as_json(entries: dict[str, bytes]) -> dict[str, bytes]:
    """content/**/*.yaml -> the same data as .json: the skill reads either, and JSON parses
    without importing a YAML library on the cold-start path."""
    from skill.content import parse_yaml

    out = {}
    for name, data in entries.items():
        if name.startswith("content/") and name.endswith((".yaml", ".yml")):
            parsed = parse_yaml(data.decode("utf-8"), Path(name))
            name = name.rsplit(".", 1)[0] + ".json"
            data = json.dumps(parsed, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
        out[name] = data
    return out


def _packed_locales(entries: dict[str, bytes], content_dir: Path,
                    locales: Iterable[str]) -> dict[str, bytes]:
    """Each locale's files, laid over its base here, as one content/<locale>/packed.json: the
    cold start reads one file per locale, not the base's and the overlay's for every topic.
    The shared base folders (content/en/) then have nothing left to serve and stay out."""
    from skill.content import PACKED, pack_locale

    kept = {name: data for name, data in entries.items()
            if not name.startswith("content/") or name.count("/") == 1
            or name.startswith("content/apl/")}
    for locale in sorted(locales):
        kept[f"content/{locale}/{PACKED}.json"] = json.dumps(
            pack_locale(content_dir, locale), ensure_ascii=False, sort_keys=True,
            separators=(",", ":")).encode("utf-8")
    return kept


def _resolver_indexes(locales: Iterable[str]) -> dict[str, bytes]:
    """The free-speech resolver's index per locale, computed here so a request on Lambda
    only reads it (skill/understanding/resolver.py)."""
    from skill.understanding.red_flags import language_of
    from skill.understanding.resolver import INDEX_STEM, build_index, model_path

    out = {}
    for locale in sorted(locales):
        path = model_path(locale, MODEL_DIR)
        if path.is_file():
            index = build_index(json.loads(path.read_text(encoding="utf-8")), language_of(locale))
            out[f"content/{locale}/{INDEX_STEM}.json"] = json.dumps(
                index, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return out


def build_lambda_bundle(out: Path, *, content_dir: Path | None = None,
                        target: Target | None = None) -> int:
    """Write the Lambda bundle for `target` (default: the runtime ask-resources.json deploys)
    to `out`; returns its size in bytes.

    The content is validated first: a broken YAML file fails the build, not the skill.
    """
    target = target or Target.declared()
    target.check()
    from skill.content import load_content

    content_dir = Path(content_dir) if content_dir else _content_dir()
    locales = load_content(content_dir)
    entries = _packed_locales(_content_as_json(_with_bytecode(plan_bundle(content_dir, target),
                                                               target)), content_dir, locales)
    entries.update(_resolver_indexes(locales))
    _write_zip(Path(out), entries)
    return Path(out).stat().st_size


def declared_runtimes(ask_resources: Path = ASK_RESOURCES) -> set[str]:
    """The Lambda runtimes deploy/ask-resources.json asks for, over all profiles."""
    if not ask_resources.is_file():
        return set()
    profiles = json.loads(ask_resources.read_text(encoding="utf-8")).get("profiles", {})
    return {
        p["skillInfrastructure"]["userConfig"]["runtime"]
        for p in profiles.values()
        if "runtime" in p.get("skillInfrastructure", {}).get("userConfig", {})
    }


# ---------------------------------------------------------------- CLI glue

def add_build_lambda_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="where to write the zip")
    parser.add_argument("--content-dir", type=Path, default=None,
                        help="content to bundle (default: AFTERCARE_CONTENT_DIR, else content/)")
    parser.add_argument("--runtime", choices=sorted(LAMBDA_GLIBC), default=None,
                        help="Lambda runtime to build for (default: deploy/ask-resources.json's)")
    parser.add_argument("--architecture", choices=("x86_64", "arm64"), default=None,
                        help="Lambda architecture (default: deploy/ask-resources.json's)")
    parser.add_argument("--strict-runtime", action="store_true",
                        help="fail unless the runtime's Python is here to compile the bytecode")


def run_build_lambda(args: argparse.Namespace) -> int:
    try:
        declared = Target.declared()
        target = Target(args.runtime or declared.runtime, args.architecture or declared.architecture)
        target.check()
        if args.strict_runtime and target.interpreter() is None:
            raise BundleError(f"no {target.runtime} on PATH to compile the bytecode with "
                              "(install it, or drop --strict-runtime to ship sources only)")
        size = build_lambda_bundle(args.out, content_dir=args.content_dir, target=target)
    except BundleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.out}: {size:,} bytes ({size / 2**20:.1f} MiB), "
          f"for Lambda {target.runtime} on {target.architecture}")
    return 0
