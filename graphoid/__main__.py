"""python -m graphoid: the same entry as the `graphoid` command."""
from ._entry import main

main()
