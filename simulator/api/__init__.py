"""Thin handlers of the emulated Clients API, one per operationId of `openapi/clients.yaml`."""
