"""Build the wheel, install it in a fresh virtual environment, load every dataset offline.

The fresh environment borrows only third-party packages (NumPy, Keras, ...) from the
test environment through a .pth file; lstmkit itself and its data must come from the
wheel. The child process runs outside the repository with sockets disabled.
"""

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
    data_files = [n for n in names if n.startswith("lstmkit/_data/") and n.endswith((".npz", ".gz"))]
    assert len(data_files) >= 8, data_files
    assert "lstmkit/layers/__init__.py" in names
    assert not any(n.startswith(("tests/", "notebooks/", "benchmarks/")) for n in names)


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
    Path(child_site, "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
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
                   if name.startswith("load_") and f.__module__ == datasets.__name__]
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
