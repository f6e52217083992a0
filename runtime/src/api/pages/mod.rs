//! Pages Functions' router (pages.js), which the entry module generated for a Pages project
//! (worker/pages.rs) hands the project's function files to. Nothing native of its own.
