"""Field editors of the inspector, one class per kind of field."""
