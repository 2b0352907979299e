"""Handlers of the control API (`openapi/control.yaml`): the simulator's knobs, apart from the emulated API."""
