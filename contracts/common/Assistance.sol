// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @dev The programmes of urban and rural social assistance. Dibao and Tekun are paid monthly;
/// the others once per case.
enum Programme {
    Dibao,
    Tekun,
    Temporary,
    Medical,
    Education,
    Housing
}

/// @dev Standards differ between urban and rural households.
enum Area {
    Urban,
    Rural
}

/// @dev Whether `programme` pays every month (period `YYYYMM`) rather than once (period 0).
function isMonthly(Programme programme) pure returns (bool) {
    return programme == Programme.Dibao || programme == Programme.Tekun;
}
