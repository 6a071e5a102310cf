"""The groups pytest-xdist workers take (tests/parallel.py): one module on one stack, the fault tests together."""

from __future__ import annotations

from tests.parallel import SERIAL_GROUP, group_of


def test_a_module_is_one_group_per_stack() -> None:
    sqlite = group_of("tests/service/news/test_items.py::test_list[sqlite-local]")
    assert sqlite == group_of("tests/service/news/test_items.py::test_other[sqlite-local]")
    assert sqlite != group_of("tests/service/news/test_items.py::test_list[postgres-s3]")
    assert sqlite != group_of("tests/service/news/test_feeds.py::test_list[sqlite-local]")


def test_the_stack_is_found_among_other_parameters() -> None:
    assert group_of("tests/fuzz/test_schemathesis.py::test_operation[postgres-s3-GET /api/v1/assets]") == (
        "tests/fuzz/test_schemathesis.py [postgres-s3]")
    assert group_of("tests/web/test_pages.py::test_page[vi-sqlite-local]") == "tests/web/test_pages.py [sqlite-local]"


def test_tests_without_a_stack_group_by_module() -> None:
    assert group_of("tests/transcoding/test_ffmpeg_run.py::test_timeout") == "tests/transcoding/test_ffmpeg_run.py"
    assert group_of("tests/test_parallel.py::test_x") == "tests/test_parallel.py"


def test_fault_and_host_tests_share_one_group() -> None:
    assert group_of("tests/faults/test_worker_kill.py::test_kill") == SERIAL_GROUP
    assert group_of("tests/scale/test_many_hosts.py::test_hosts") == SERIAL_GROUP
    assert group_of("tests/faults/test_startup.py::test_x[sqlite-local]") == SERIAL_GROUP
