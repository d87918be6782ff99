//! The sample logs bundled into the binary, so that `kql query '…'` with no data
//! source answers from realistic data on the first try.

/// (table name, label, JSON Lines bytes)
pub(crate) const SAMPLE_FILES: &[(&str, &str, &[u8])] = &[
    (
        "ApiManagementGatewayLogs",
        "testdata/ApiManagementGatewayLogs.json",
        include_bytes!("../../../testdata/ApiManagementGatewayLogs.json"),
    ),
    (
        "ApiManagementGatewayLlmLog",
        "testdata/ApiManagementGatewayLlmLog.json",
        include_bytes!("../../../testdata/ApiManagementGatewayLlmLog.json"),
    ),
];
