"""For `scrapyd-deploy` (scrapyd-client), which builds its egg with `python setup.py bdist_egg`: the project
is configured in pyproject.toml; this file keeps that build out of the checkout. Without it scrapyd-deploy
writes a setup.py of its own (which it leaves behind), and the build leaves `build/` and
`finnews.egg-info/`. Run as a script to build, the build's folders go to a temporary folder and the
egg's metadata folder is removed at exit unless it was there before (an editable install's); pip and
the build backends, which import this file, are not affected.
"""

import atexit
import os
import shutil
import sys
import tempfile

from setuptools import setup

options = {}
if __name__ == "__main__" and sys.argv[1:2] in (["bdist_egg"], ["clean"]):
    scratch = tempfile.mkdtemp(prefix="finnews-build-")
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    if not os.path.exists("finnews.egg-info"):
        atexit.register(shutil.rmtree, "finnews.egg-info", ignore_errors=True)
    options = {"build": {"build_base": scratch}, "bdist": {"bdist_base": scratch}}
setup(options=options)
