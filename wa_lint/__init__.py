"""wa-lint: an architecture linter for AWS Well-Architected practice.

The pipeline, one module per stage: ``load`` (bytes -> Document) -> ``graph``
(Documents -> Model) -> ``engine`` (Model + rules -> Results) -> ``report``
(Results -> bytes). ``cli`` wires them together.
"""

__version__ = "0.1.0"
