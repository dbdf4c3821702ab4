"""Built-in rules: performance efficiency pillar (one rule per module)."""
