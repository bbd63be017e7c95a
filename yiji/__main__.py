"""The `yiji` command: Django's management commands with Yiji's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiji.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yiji", *sys.argv[1:]])


if __name__ == "__main__":
    main()
