"""Приборы учёта (issue 15): meters' verification due dates (``due``); readings' validation rules, lifecycle and
routes to come. Reading meters over a line is ``drivers.meters`` (``bcenter.app.meters.read_meter``)."""
