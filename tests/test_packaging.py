"""Build the wheel, install it in a fresh virtual environment, load every dataset offline.

The fresh environment borrows only third-party packages (NumPy, Keras, ...) from the
test environment through a .pth file; lstmkit itself and its data must come from the
wheel. The child process runs outside the repository with sockets disabled.
"""

import shutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    # setuptools copies the package into build/lib and never deletes what is there: a module
    # removed or turned into a package would ship again from an earlier build.
    shutil.rmtree(ROOT / "build" / "lib", ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--quiet", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("lstmkit-*.whl")
    return path


def test_wheel_carries_the_data_and_the_layers(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "lstmkit/_data/README.md" in names
    data_files = [
        n for n in names if n.startswith("lstmkit/_data/") and n.endswith((".npz", ".gz"))
    ]
    assert len(data_files) >= 8, data_files
    # Every data file of the repository's data/ folder, and nothing else, is in lstmkit/_data.
    bundled = {p.name for p in (ROOT / "data").iterdir() if p.suffix in (".npz", ".gz")}
    assert {n.rsplit("/", 1)[1] for n in data_files} == bundled
    assert "lstmkit/layers/__init__.py" in names
    assert "lstmkit/datasets/__init__.py" in names and "lstmkit/datasets/_files.py" in names
    assert "lstmkit/_validation/__init__.py" in names
    # The build script stays in the repository: it is not part of the installed package.
    assert not any(n.endswith(("build.py", "build_data.py")) for n in names), names
    # Every module in the wheel is one in the source tree (no leftovers of an earlier build).
    modules = {n for n in names if n.startswith("lstmkit/") and n.endswith(".py")}
    assert modules == {p.relative_to(ROOT).as_posix() for p in (ROOT / "lstmkit").rglob("*.py")}
    assert not any(
        n.startswith(("tests/", "notebooks/", "benchmarks/", "scripts/", "data/", "datasets/"))
        for n in names
    )


def test_installed_wheel_loads_every_dataset_without_network(wheel, tmp_path):
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
    )
    child_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    borrowed = sysconfig.get_paths()["purelib"] + "\n"
    Path(child_site, "borrowed_dependencies.pth").write_text(borrowed)
    script = textwrap.dedent(
        f"""
        import socket

        def refuse(*args, **kwargs):
            raise OSError("network disabled in this test")

        socket.socket.connect = refuse
        socket.create_connection = refuse

        import inspect
        import lstmkit
        import lstmkit.datasets as datasets

        assert lstmkit.__file__.startswith({str(environment)!r}), lstmkit.__file__
        loaders = [name for name, f in inspect.getmembers(datasets, inspect.isfunction)
                   if name.startswith("load_")
                   and f.__module__.startswith(datasets.__name__ + ".")]
        assert len(loaders) >= 8, loaders
        for name in loaders:
            getattr(datasets, name)()
            print("loaded", name)
        """
    )
    result = subprocess.run(
        [str(python), "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False,
        env={"PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("loaded ") >= 8


def test_every_package_folder_is_listed_in_pyproject():
    tomllib = pytest.importorskip("tomllib")
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(settings["packages"])
    folders = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "lstmkit").rglob("__init__.py")
    }
    assert folders | {"lstmkit._data"} == listed
