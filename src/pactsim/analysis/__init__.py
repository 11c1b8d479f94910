"""Analyses over scenarios and results (the lint ``check``; later evidence,
sensitivity, diff and scoring). Imports the layers below, never the views."""
