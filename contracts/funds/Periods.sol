// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/**
 * @dev Payout periods are calendar months `YYYYMM` of China Standard Time (UTC+8, no daylight
 * saving), judged by the chain's clock. Dates by Howard Hinnant's days-from-civil algorithms,
 * for years 2000 to 2999 (the periods the ledger takes). Unchecked: in that range nothing
 * overflows or goes below zero, and every payout computes both.
 */
library Periods {
    uint256 internal constant CST_OFFSET = 8 hours;

    /// @dev The month `timestamp` falls in, in China Standard Time.
    function periodAt(uint256 timestamp) internal pure returns (uint32) {
        unchecked {
            uint256 z = (timestamp + CST_OFFSET) / 1 days + 719_468;
            uint256 era = z / 146_097;
            uint256 doe = z - era * 146_097;
            uint256 yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
            uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            uint256 mp = (5 * doy + 2) / 153;
            uint256 month = mp < 10 ? mp + 3 : mp - 9;
            uint256 year = yoe + era * 400 + (month <= 2 ? 1 : 0);
            return uint32(year * 100 + month);
        }
    }

    /// @dev The first second of month `period` (valid `YYYYMM`), in China Standard Time.
    function startOf(uint32 period) internal pure returns (uint256) {
        unchecked {
            return _firstSecond(period / 100, period % 100);
        }
    }

    /// @dev The first second of the month after `period` (valid `YYYYMM`), in China Standard Time.
    function endOf(uint32 period) internal pure returns (uint256) {
        unchecked {
            uint256 month = period % 100;
            return month == 12 ? _firstSecond(period / 100 + 1, 1) : _firstSecond(period / 100, month + 1);
        }
    }

    /// @dev The first second of `month` of `year`, in China Standard Time.
    function _firstSecond(uint256 year, uint256 month) private pure returns (uint256) {
        unchecked {
            if (month <= 2) year -= 1;
            uint256 era = year / 400;
            uint256 yoe = year - era * 400;
            uint256 doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5;
            uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
            return (era * 146_097 + doe - 719_468) * 1 days - CST_OFFSET;
        }
    }
}
