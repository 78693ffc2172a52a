"""What templates see: a context built from the validated model, never raw YAML."""
