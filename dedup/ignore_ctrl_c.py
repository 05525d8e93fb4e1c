"""Imported first by the forkserver that extracts pages (:func:`dedup.parallel.preload`)
and by nothing else: the server ignores Ctrl-C from its start.

The terminal sends Ctrl-C to the whole process group, the server among them. The server
ignores it by itself only once it has imported the modules it preloads (trafilatura, most
of a second), so a Ctrl-C meanwhile printed its KeyboardInterrupt traceback under the
command's one line. Its workers ignore Ctrl-C too (:func:`dedup.interrupt.in_child`): the
parent stops them. Reads and leaves no table.
"""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
