// fabric-shim and fabric-contract-api log every rejected transaction at
// error level; the tests provoke hundreds of rejections on purpose. Must be
// imported before either package is loaded (loggers read the level once).
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
export {};
