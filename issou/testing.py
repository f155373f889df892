"""A pytest plugin loaded before Django is set up (pyproject: ``-p issou.testing``): the suite's files
— evidence, uploads, imports, transfer files, screenshots — go to a temporary directory that is
removed at the end, never into the real var/."""

import atexit
import os
import shutil
import tempfile

_VAR = tempfile.mkdtemp(prefix="issou-test-var-")
os.environ["ISSOU_VAR_DIR"] = _VAR
atexit.register(shutil.rmtree, _VAR, ignore_errors=True)
