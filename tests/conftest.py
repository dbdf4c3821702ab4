import pytest


def pytest_addoption(parser):
    parser.addoption("--update-expected", action="store_true", default=False,
                     help="rewrite fixtures/*/expected.txt from the current findings")


@pytest.fixture
def update_expected(request):
    return request.config.getoption("--update-expected")
