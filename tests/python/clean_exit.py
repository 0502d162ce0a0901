"""Ends a Python helper of the tests once its work is done.

The SDK can crash while the interpreter finalizes (`Fatal Python error:
PyGILState_Release`) after all its work is done, which would fail a test that already has its
answer. So the answer is printed and flushed, and the process ends at once, without
finalizing; a failure prints its traceback and ends with status 1.
"""

import asyncio
import os
import sys
import traceback


def run_and_exit(main) -> None:
    """Runs the coroutine function `main`, then ends the process with its status."""
    status = 0
    try:
        asyncio.run(main())
    except BaseException:  # noqa: BLE001 - reported, then the exit status says it
        traceback.print_exc()
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
