"""The evidence locker: files per case, hashed and timestamped, checklists and bundles.

Modules, from the bottom up: ``kinds`` (the vocabulary), ``names`` (safe file names),
``source`` (the bytes of a file, however the adapter fetches them), ``store`` (the
content-addressed files on disk), ``metadata`` (when the original was made), ``checklist`` and
``unboxing`` (rules as data), ``numbering``, ``cleanup`` (files follow the transaction),
``services`` (the use-cases) and ``bundle`` (the ZIP export).

Kept free of re-exports on purpose: ``shopguard.cases`` imports ``cleanup`` and must not pull in
``services`` (which imports ``shopguard.cases``).
"""
