"""Inference: compile a scenario to arrays, the sampling kernels, and the factor
algebra and junction tree behind exact answers. Imports only :mod:`pactsim.language`."""
