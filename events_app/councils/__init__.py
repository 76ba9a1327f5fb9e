"""Sub-councils, themes and recommendations: the models and their pages."""
