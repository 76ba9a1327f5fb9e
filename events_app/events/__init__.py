"""Events: the model, the rules for finding them, and their pages."""
