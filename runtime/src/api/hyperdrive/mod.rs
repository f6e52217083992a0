//! Hyperdrive bindings (hyperdrive.js): a database's connection details and `connect()` to it,
//! over the sockets API. Nothing native of its own.
