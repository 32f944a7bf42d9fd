"""The one percentage function every chapter uses; expected values worked out by hand."""

import pytest

from analyses.shares import percent


def test_percent_of_a_whole():
    assert percent(2, 8) == 25
    # Insee 2018 labour force: 14,401 women of 29,824 thousand = 48.286 %
    assert percent(14_401, 29_824) == pytest.approx(48.286, abs=0.001)
    # 5,000 full-time equivalents over DiPLab's 266,126 casual and 14,903 very active workers
    assert percent(5_000, 266_126) == pytest.approx(1.8788, abs=1e-4)
    assert percent(5_000, 14_903) == pytest.approx(33.550, abs=1e-3)
    # 14 million of 163 million registered profiles
    assert percent(14_000_000, 163_000_000) == pytest.approx(8.589, abs=0.001)


def test_percent_needs_a_positive_whole():
    for whole in (0, -1):
        with pytest.raises(ValueError, match="positive whole"):
            percent(1, whole)
