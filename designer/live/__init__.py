"""Live views of the engine: start runs, watch and operate them, work the inbox, replay history."""
