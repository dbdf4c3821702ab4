"""Built-in rules, one folder per Well-Architected pillar, one rule per module."""
