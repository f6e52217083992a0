//! What `edgesim test` prints: vitest's default reporter's shape, its JSON reporter's document
//! (jest-compatible), and JUnit XML. Every figure is simulated, so the same seed prints the
//! same bytes.

use std::fmt::Write as _;

use super::run_file::{Failure, FileReport, TestStatus};

/// One file's outcome, as the reporters take it.
pub struct FileOutcome {
    /// Relative to the project root.
    pub file: String,
    pub report: FileReport,
}

#[derive(Default)]
struct Counts {
    passed: usize,
    failed: usize,
    skipped: usize,
    todo: usize,
}

impl Counts {
    fn of<'a>(statuses: impl Iterator<Item = &'a TestStatus>) -> Counts {
        let mut c = Counts::default();
        for s in statuses {
            match s {
                TestStatus::Passed => c.passed += 1,
                TestStatus::Failed => c.failed += 1,
                TestStatus::Skipped => c.skipped += 1,
                TestStatus::Todo => c.todo += 1,
            }
        }
        c
    }

    fn total(&self) -> usize {
        self.passed + self.failed + self.skipped + self.todo
    }

    /// `1 failed | 3 passed | 1 skipped (5)`.
    fn summary(&self) -> String {
        let mut parts = Vec::new();
        for (n, word) in [
            (self.failed, "failed"),
            (self.passed, "passed"),
            (self.skipped, "skipped"),
            (self.todo, "todo"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {word}"));
            }
        }
        if parts.is_empty() {
            parts.push("0 passed".to_string());
        }
        format!("{} ({})", parts.join(" | "), self.total())
    }
}

const RULE: &str = "⎯⎯⎯⎯⎯⎯⎯";

/// vitest's default reporter, minus colours and wall-clock times.
pub fn default_report(files: &[FileOutcome], replay: &str) -> String {
    let mut out = String::new();
    let mut failures: Vec<(String, &Failure)> = Vec::new();
    for f in files {
        let r = &f.report;
        let counts = Counts::of(r.tests.iter().map(|t| &t.status));
        let failed_file = r.failed();
        let mark = if failed_file { "❯" } else { "✓" };
        let failed_note = match counts.failed {
            0 => String::new(),
            n => format!(" | {n} failed"),
        };
        let tests = match counts.total() {
            1 => "1 test".to_string(),
            n => format!("{n} tests"),
        };
        let _ = writeln!(
            out,
            " {mark} {} ({tests}{failed_note}) {}ms",
            f.file, r.duration_ms
        );
        for t in &r.tests {
            let symbol = match t.status {
                TestStatus::Passed => "✓",
                TestStatus::Failed => "×",
                TestStatus::Skipped => "↓",
                TestStatus::Todo => "↓",
            };
            if failed_file || t.status != TestStatus::Passed {
                let _ = writeln!(out, "   {symbol} {} {}ms", t.full_name(), t.duration_ms);
            }
            for e in &t.errors {
                if t.status == TestStatus::Failed {
                    let _ = writeln!(out, "     → {}", first_line(&e.message));
                    failures.push((format!("{} > {}", f.file, t.full_name()), e));
                }
            }
        }
        if let Some(e) = &r.load_error {
            failures.push((f.file.clone(), e));
        }
        for s in &r.suite_errors {
            for e in &s.errors {
                failures.push((format!("{} > {}", f.file, s.name), e));
            }
        }
        write_console(&mut out, f);
    }
    if !failures.is_empty() {
        let _ = writeln!(out, "\n{RULE} Failed Tests {} {RULE}\n", failures.len());
        let total = failures.len();
        for (i, (at, e)) in failures.iter().enumerate() {
            let _ = writeln!(out, " FAIL  {at}");
            let _ = writeln!(out, "{}: {}", e.name, e.message);
            if let Some(diff) = &e.diff {
                let _ = writeln!(out, "\n{diff}\n");
            }
            if let Some(frame) = user_frame(&e.stack) {
                let _ = writeln!(out, " ❯ {frame}");
            }
            let _ = writeln!(out, "\n{RULE}{RULE}{RULE}[{}/{total}]{RULE}\n", i + 1);
        }
    }
    let file_counts = Counts {
        passed: files.iter().filter(|f| !f.report.failed()).count(),
        failed: files.iter().filter(|f| f.report.failed()).count(),
        ..Default::default()
    };
    let tests = Counts::of(
        files
            .iter()
            .flat_map(|f| f.report.tests.iter().map(|t| &t.status)),
    );
    let _ = writeln!(out, "\n Test Files  {}", file_counts.summary());
    let _ = writeln!(out, "      Tests  {}", tests.summary());
    let _ = writeln!(out, "     Replay  {replay}");
    out
}

/// The console lines of a file, each under the test that wrote it, as vitest prints them:
/// `stdout | file > suite > test`.
fn write_console(out: &mut String, f: &FileOutcome) {
    let mut test = String::new();
    for line in &f.report.logs {
        if line.level == TEST_LOG_LEVEL {
            test = line.message.clone();
            continue;
        }
        let stream = match line.level.as_str() {
            "error" | "warn" => "stderr",
            _ => "stdout",
        };
        let at = match test.as_str() {
            "" => f.file.clone(),
            name => format!("{} > {name}", f.file),
        };
        let _ = writeln!(out, "{stream} | {at}\n{}\n", line.message);
    }
}

/// The console level of the lines the runner writes where a test starts and ends
/// (api/test/runner.js).
const TEST_LOG_LEVEL: &str = "edgesim-test";

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// The first stack frame in the project's own code (not edgesim's runtime).
fn user_frame(stack: &str) -> Option<&str> {
    stack
        .lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix("at "))
        .map(|l| {
            l.rsplit_once('(')
                .map(|(_, loc)| loc.trim_end_matches(')'))
                .unwrap_or(l)
        })
        .find(|loc| !loc.starts_with("edgesim:") && !loc.starts_with("<null>") && loc.contains(':'))
}

/// vitest's `--reporter json`: the jest-compatible results document.
pub fn json_report(files: &[FileOutcome], root: &std::path::Path) -> serde_json::Value {
    use serde_json::json;
    let mut results = Vec::new();
    let tests = Counts::of(
        files
            .iter()
            .flat_map(|f| f.report.tests.iter().map(|t| &t.status)),
    );
    for f in files {
        let assertions: Vec<_> = f
            .report
            .tests
            .iter()
            .map(|t| {
                let title_path: Vec<&str> = t
                    .ancestors
                    .iter()
                    .map(String::as_str)
                    .chain([t.name.as_str()])
                    .collect();
                json!({
                    "ancestorTitles": t.ancestors,
                    "fullName": title_path.join(" "),
                    "status": match t.status {
                        TestStatus::Passed => "passed",
                        TestStatus::Failed => "failed",
                        TestStatus::Skipped => "skipped",
                        TestStatus::Todo => "todo",
                    },
                    "title": t.name,
                    "duration": t.duration_ms,
                    "failureMessages": t.errors.iter().map(failure_message).collect::<Vec<_>>(),
                    "meta": {},
                })
            })
            .collect();
        let message = f
            .report
            .load_error
            .iter()
            .chain(f.report.suite_errors.iter().flat_map(|s| s.errors.iter()))
            .map(failure_message)
            .collect::<Vec<_>>()
            .join("\n");
        results.push(json!({
            "assertionResults": assertions,
            "startTime": 0,
            "endTime": f.report.duration_ms,
            "status": if f.report.failed() { "failed" } else { "passed" },
            "message": message,
            "name": root.join(&f.file).display().to_string(),
        }));
    }
    let failed_files = files.iter().filter(|f| f.report.failed()).count();
    json!({
        "numTotalTestSuites": files.len(),
        "numPassedTestSuites": files.len() - failed_files,
        "numFailedTestSuites": failed_files,
        "numPendingTestSuites": 0,
        "numTotalTests": tests.total(),
        "numPassedTests": tests.passed,
        "numFailedTests": tests.failed,
        "numPendingTests": tests.skipped,
        "numTodoTests": tests.todo,
        "startTime": 0,
        "success": failed_files == 0,
        "testResults": results,
    })
}

fn failure_message(e: &Failure) -> String {
    match &e.diff {
        Some(diff) => format!("{}: {}\n\n{diff}", e.name, e.message),
        None => format!("{}: {}", e.name, e.message),
    }
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML as vitest's junit reporter writes it (seconds, one testsuite per file).
pub fn junit_report(files: &[FileOutcome]) -> String {
    let seconds = |ms: u64| format!("{:.3}", ms as f64 / 1000.0);
    let tests = Counts::of(
        files
            .iter()
            .flat_map(|f| f.report.tests.iter().map(|t| &t.status)),
    );
    let errors = files
        .iter()
        .filter(|f| f.report.load_error.is_some())
        .count();
    let total_ms: u64 = files.iter().map(|f| f.report.duration_ms).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"vitest tests\" tests=\"{}\" failures=\"{}\" errors=\"{errors}\" time=\"{}\">",
        tests.total(),
        tests.failed,
        seconds(total_ms)
    );
    for f in files {
        let c = Counts::of(f.report.tests.iter().map(|t| &t.status));
        let _ = writeln!(
            out,
            "    <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\">",
            xml_escape(&f.file),
            c.total(),
            c.failed,
            usize::from(f.report.load_error.is_some()),
            c.skipped + c.todo,
            seconds(f.report.duration_ms)
        );
        for t in &f.report.tests {
            let _ = writeln!(
                out,
                "        <testcase classname=\"{}\" name=\"{}\" time=\"{}\">",
                xml_escape(&f.file),
                xml_escape(&t.full_name()),
                seconds(t.duration_ms)
            );
            for e in &t.errors {
                let _ = writeln!(
                    out,
                    "            <failure message=\"{}\" type=\"{}\">\n{}\n            </failure>",
                    xml_escape(first_line(&e.message)),
                    xml_escape(&e.name),
                    xml_escape(&failure_message(e))
                );
            }
            if matches!(t.status, TestStatus::Skipped | TestStatus::Todo) {
                let _ = writeln!(out, "            <skipped/>");
            }
            let _ = writeln!(out, "        </testcase>");
        }
        if let Some(e) = &f.report.load_error {
            let _ = writeln!(
                out,
                "        <error message=\"{}\" type=\"{}\"/>",
                xml_escape(first_line(&e.message)),
                xml_escape(&e.name)
            );
        }
        let _ = writeln!(out, "    </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}
