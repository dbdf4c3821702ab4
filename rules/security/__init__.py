"""Built-in rules: security pillar (one rule per module)."""
