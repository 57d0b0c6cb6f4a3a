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


def test_each_redraw_is_a_line_of_its_own_in_a_log():
    log = io.StringIO()
    for _ in progress(range(3), desc="Converting", file=log, mininterval=0, leave=False):
        pass
    log.write("next message\n")
    lines = log.getvalue().split("\n")
    assert "\r" not in log.getvalue() and lines[-2] == "next message"
    assert lines[0].startswith("Converting") and all(line.startswith("Converting") for line in lines[:-2])
