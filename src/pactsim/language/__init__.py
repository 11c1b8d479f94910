"""The scenario language: YAML reading, the data model, validation, expressions,
dates, distributions, variants and the JSON Schema. Imports only :mod:`pactsim.errors`."""
