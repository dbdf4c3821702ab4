"""Built-in rules: operational excellence pillar (one rule per module)."""
