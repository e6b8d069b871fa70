"""Builds the extension module with the repository's CMake build (the same
one the README's commands use) and puts it in the package. Offline: CMake
finds Debian's pybind11 and the libraries scripts/install-deps.sh installs.

Environment: CONVSENT_BUILD_DIR (default: <repository>/build)."""
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = Path(os.environ.get("CONVSENT_BUILD_DIR", ROOT / "build"))
        if not (build / "CMakeCache.txt").exists():
            subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                            f"-DPython_EXECUTABLE={sys.executable}"], check=True)
        subprocess.run(["cmake", "--build", str(build), "--target", "convsent_python", "-j2"], check=True)
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        built = build / "python" / "convsent" / ("_convsent" + suffix)
        if not built.exists():
            sys.exit(f"convsent: {built} was not built: is pybind11-dev installed (scripts/install-deps.sh)?")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


setup(ext_modules=[Extension("convsent._convsent", sources=[])], cmdclass={"build_ext": CMakeBuild})
