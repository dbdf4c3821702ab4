"""Built-in rules: reliability pillar (one rule per module)."""
