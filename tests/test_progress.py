import io
import sys

from spacy_tkre.progress import LOG_REFRESH_SECONDS, progress


def test_progress_is_written_to_a_log_file(monkeypatch):
    log = io.StringIO()  # not a terminal, like nohup or CI output
    monkeypatch.setattr(sys, "stderr", log)
    bar = progress(range(3), desc="Synthesizing", file=log)
    assert bar.mininterval == LOG_REFRESH_SECONDS
    assert list(bar) == [0, 1, 2]
    assert "Synthesizing" in log.getvalue() and "3/3" in log.getvalue()


def test_progress_can_still_be_switched_off(monkeypatch):
    log = io.StringIO()
    monkeypatch.setattr(sys, "stderr", log)
    assert list(progress(range(3), disable=True, file=log)) == [0, 1, 2]
    assert log.getvalue() == ""


def test_the_stream_written_to_decides_the_refresh_rate():
    log = io.StringIO()  # stderr may be a terminal while the bar goes to a log file
    assert progress(range(1), file=log).mininterval == LOG_REFRESH_SECONDS
