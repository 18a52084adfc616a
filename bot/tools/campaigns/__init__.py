"""Measuring campaign detection on simulated communities (bench, embedders, evaluation)."""
