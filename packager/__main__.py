"""The process entry point: `python -m packager` and the `packager` command.

Loading the command line allocates a few hundred thousand objects (modules, functions, click's
types), none of them garbage, and Python's cyclic collector walks them again and again while
they load: a fifth of the start-up time, which is most of the time of a `packager validate` on
a small feed. The collector is paused while the command line loads; what loaded is then set
aside for good (`gc.freeze`, so later collections do not walk it) and the collector runs again
for the command itself, however long it takes.
"""

from __future__ import annotations

import gc


def main() -> None:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        from packager.cli import main as command_line

        gc.freeze()
    finally:
        if was_enabled:
            gc.enable()
    command_line()


if __name__ == "__main__":
    main()
