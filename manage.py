#!/usr/bin/env python
from okrs.cli import main

if __name__ == "__main__":
    main()
