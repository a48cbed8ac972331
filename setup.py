"""Builds slotcraft._core through CMake for `pip install --no-build-isolation .`.

Metadata lives in pyproject.toml; this file only adds the compiled module:
build_ext configures the project with -DSLOTCRAFT_BUILD_PYTHON=ON (nothing
else: no tests, CLI or examples), builds the one target and copies the module
into the package. CMAKE_BUILD_PARALLEL_LEVEL sets the number of jobs;
SLOTCRAFT_BUILD_TYPE the CMake build type (Release unless set).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


class CMakeExtension(Extension):
    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        build_dir = Path(self.build_temp).resolve() / "cmake"
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir),
            f"-DCMAKE_BUILD_TYPE={os.environ.get('SLOTCRAFT_BUILD_TYPE') or 'Release'}",
            "-DSLOTCRAFT_BUILD_PYTHON=ON",
            "-DSLOTCRAFT_BUILD_TESTS=OFF",
            "-DSLOTCRAFT_BUILD_CLI=OFF",
            "-DSLOTCRAFT_BUILD_EXAMPLES=OFF",
            f"-DPython3_EXECUTABLE={sys.executable}",
        ]
        if shutil.which("ninja") and not (build_dir / "CMakeCache.txt").exists():
            configure += ["-G", "Ninja"]
        subprocess.run(configure, check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "slotcraft_python", "--parallel", jobs], check=True)
        # The browser-side libraries the server's pages load (npm ci from web/package-lock.json);
        # without npm the package installs and its pages say the libraries are missing.
        if shutil.which("npm"):
            subprocess.run(["cmake", "--build", str(build_dir), "--target", "slotcraft_web"], check=True)

        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        built = build_dir / "python" / "slotcraft" / f"_core{suffix}"
        if not built.is_file():
            raise RuntimeError(f"CMake did not produce {built}")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built, target)
        web = build_dir / "python" / "slotcraft" / "web"
        if web.is_dir():
            shutil.copytree(web, target.parent / "web", dirs_exist_ok=True)


setup(
    ext_modules=[CMakeExtension("slotcraft._core")],
    cmdclass={"build_ext": CMakeBuild},
    # Not build/: that is where scripts/test builds with CMake.
    options={"build": {"build_base": "build-pip"}},
)
