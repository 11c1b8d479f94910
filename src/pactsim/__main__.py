"""``python -m pactsim``: the same as the ``pactsim`` command."""

from pactsim.cli import console

if __name__ == "__main__":
    console()
