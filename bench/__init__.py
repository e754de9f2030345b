"""Benchmarks: each ``bench/bench_*.py`` has ``main()`` printing figures as ratios to a baseline
measured in the same run, each next to its goal. Run all with ``make bench`` (python -m bench) or
one with ``python -m bench NAME``. They are not part of the test suite."""
