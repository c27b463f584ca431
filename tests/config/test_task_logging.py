import logging

from config.celery import app


@app.task(bind=True, name="tests.flaky", max_retries=1)
def flaky(self, fail_times: int):
    if self.request.retries < fail_times:
        raise self.retry(countdown=0, exc=ConnectionError("smtp down"))
    return "sent"


def outcomes(caplog) -> list[tuple[str, str, str]]:
    return [(r.outcome, r.task, r.levelname) for r in caplog.records if r.name == "rapport.tasks"]


def test_it_logs_one_line_per_outcome_with_name_id_and_duration(caplog):
    caplog.set_level(logging.INFO, logger="rapport.tasks")
    result = flaky.apply(args=[1])
    assert result.get() == "sent"
    assert outcomes(caplog) == [
        ("retry", "tests.flaky", "WARNING"),
        ("success", "tests.flaky", "INFO"),
    ]
    retry = next(r for r in caplog.records if getattr(r, "outcome", "") == "retry")
    assert retry.task_id == result.id
    assert "smtp down" in retry.reason
    assert retry.duration_ms >= 0


def test_it_logs_a_failure_once_retries_run_out(caplog):
    caplog.set_level(logging.INFO, logger="rapport.tasks")
    flaky.apply(args=[5])
    failure = [r for r in caplog.records if getattr(r, "outcome", "") == "failure"]
    assert len(failure) == 1
    assert failure[0].task == "tests.flaky"
    assert "ConnectionError: smtp down" in failure[0].error
