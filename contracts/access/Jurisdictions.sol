// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/**
 * @dev Arithmetic on administrative division codes held as 12-digit statistical codes
 * (GB/T 2260 extended with township digits): province `PP0000000000`, city `PPCC00000000`,
 * county `PPCCDD000000`, township `PPCCDDTTT000`. The nation is code 0.
 *
 * Because a child's code extends its parent's digits (the registry enforces it), whether a
 * scope covers a jurisdiction is a division, not a walk up the tree: role checks on the
 * payout path cost no storage reads beyond the role itself.
 */
library Jurisdictions {
    uint64 internal constant NATION = 0;
    uint8 internal constant LEVEL_NATION = 0;
    uint8 internal constant LEVEL_PROVINCE = 1;
    uint8 internal constant LEVEL_CITY = 2;
    uint8 internal constant LEVEL_COUNTY = 3;
    uint8 internal constant LEVEL_TOWNSHIP = 4;
    /// @dev Codes of villages (last three digits set) and codes of 13 or more digits.
    uint8 internal constant LEVEL_INVALID = 5;

    uint64 private constant _CODE_LIMIT = 1e12;

    /// @dev Level of a code, or LEVEL_INVALID for codes that name no registrable division.
    function level(uint64 code) internal pure returns (uint8) {
        if (code == NATION) return LEVEL_NATION;
        if (code >= _CODE_LIMIT) return LEVEL_INVALID;
        if (code % 1e10 == 0) return LEVEL_PROVINCE;
        if (code % 1e8 == 0) return LEVEL_CITY;
        if (code % 1e6 == 0) return LEVEL_COUNTY;
        if (code % 1e3 == 0) return LEVEL_TOWNSHIP;
        return LEVEL_INVALID;
    }

    /// @dev The place value below which a division of `lvl` leaves the digits to its children.
    function unit(uint8 lvl) internal pure returns (uint64) {
        if (lvl == LEVEL_NATION) return _CODE_LIMIT;
        if (lvl == LEVEL_PROVINCE) return 1e10;
        if (lvl == LEVEL_CITY) return 1e8;
        if (lvl == LEVEL_COUNTY) return 1e6;
        if (lvl == LEVEL_TOWNSHIP) return 1e3;
        return 1;
    }

    /// @dev Whether `code` is `scope` itself or lies beneath it.
    function covers(uint64 scope, uint64 code) internal pure returns (bool) {
        uint64 u = unit(level(scope));
        return code / u == scope / u;
    }

    /// @dev `covers` split in two, for checking many codes against one scope: the divisor and the
    /// quotient every covered code shares.
    function coverage(uint64 scope) internal pure returns (uint64 divisor, uint64 prefix) {
        divisor = unit(level(scope));
        prefix = scope / divisor;
    }

    /// @dev The ancestor of `code` at level `lvl` (the code itself when `lvl` is its own level).
    function ancestorAt(uint64 code, uint8 lvl) internal pure returns (uint64) {
        uint64 u = unit(lvl);
        return (code / u) * u;
    }
}
