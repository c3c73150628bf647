"""The scenario recorder: a DX leader does the job once in Chromium, kyodo writes the YAML.

``recording_browser`` opens Chromium with the capture script; ``compose`` turns the events into
steps, parameters and secret names; ``write_scenario`` writes the YAML; ``replay`` runs it and
compares what it downloads with what the recording downloaded.
"""

from kyodo.runner.recorder.compose import Composed, Options, compose
from kyodo.runner.recorder.emit import scenario_yaml, write_scenario
from kyodo.runner.recorder.events import Event, EventKind
from kyodo.runner.recorder.session import Recorder, recording_browser

__all__ = ["Composed", "Event", "EventKind", "Options", "Recorder", "compose", "recording_browser", "scenario_yaml",
           "write_scenario"]
