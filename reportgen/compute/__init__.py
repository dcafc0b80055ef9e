"""Pure computations on the model: no I/O, no formatting beyond the published number text."""
