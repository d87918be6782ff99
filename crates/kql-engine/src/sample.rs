//! The sample logs bundled into the binary, so that `kql query '…'` with no data
//! source answers from realistic data on the first try.

/// (label, JSON Lines bytes). The records are Log Analytics exports with a
/// `Type` column, so they are routed to their tables like any export.
pub(crate) const SAMPLE_FILES: &[(&str, &[u8])] = &[
    (
        "testdata/ApiManagementGatewayLogs.json",
        include_bytes!("../../../testdata/ApiManagementGatewayLogs.json"),
    ),
    (
        "testdata/ApiManagementGatewayLlmLog.json",
        include_bytes!("../../../testdata/ApiManagementGatewayLlmLog.json"),
    ),
];
