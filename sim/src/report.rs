//! `edgesim run --report FILE.html`: one self-contained page about a run — its verdicts, and
//! charts of what happened over simulated time, drawn as inline SVG by plotters (no scripts, no
//! network): request latency per colo with cold starts and faults, KV versions seen per colo,
//! and the round trips of Durable Object calls.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::scenario::run::RunOutput;
use crate::trace::{KvCall, KvSource, TraceEvent};

#[derive(Debug, thiserror::Error)]
#[error("cannot draw the report's {chart} chart: {message}")]
pub struct ReportError {
    chart: &'static str,
    message: String,
}

const WIDTH: u32 = 960;
const HEIGHT: u32 = 320;
/// Colours for colos, objects, …, in order of first appearance.
const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(23, 190, 207),
];
const FAULT: RGBColor = RGBColor(214, 39, 40);

/// One point of a chart: x in seconds, y, and whether to mark it (a cold start, a failure).
struct Point {
    x: f64,
    y: f64,
    marked: bool,
}

/// Points grouped into named series, drawn in series order.
type Series = BTreeMap<String, Vec<Point>>;

/// The whole page.
pub fn html(out: &RunOutput) -> Result<String, ReportError> {
    let end_s = out.trace.events.iter().filter_map(at_ms).max().unwrap_or(0) as f64 / 1000.0;
    let faults: Vec<(f64, String)> = out
        .trace
        .events
        .iter()
        .filter_map(|e| match e {
            TraceEvent::Fault { at_ms, fault } => Some((*at_ms as f64 / 1000.0, fault.clone())),
            _ => None,
        })
        .collect();
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>edgesim: {name} (seed {seed})</title>\
         <style>body{{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}}\
         table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 8px;text-align:left}}\
         .pass{{color:#2a7d2a}}.fail{{color:#b22}}</style></head><body>\n\
         <h1>{name}</h1><p>seed {seed} · {requests} requests · {cold} cold starts · trace {hash}</p>\n",
        name = escape(&out.scenario),
        seed = out.seed,
        requests = out.requests.len(),
        cold = out.cold_starts(),
        hash = &out.trace.hash()[..16],
    );
    page.push_str("<h2>Expectations</h2><table><tr><th>verdict</th><th>expectation</th><th>detail</th></tr>\n");
    for v in &out.verdicts {
        let _ = writeln!(
            page,
            "<tr><td class=\"{c}\">{w}</td><td>{e}</td><td>{d}</td></tr>",
            c = if v.ok { "pass" } else { "fail" },
            w = if v.ok { "PASS" } else { "FAIL" },
            e = escape(&v.expectation),
            d = escape(&v.detail),
        );
    }
    page.push_str("</table>\n");

    let requests = request_series(out);
    if !requests.is_empty() {
        page.push_str("<h2>Requests</h2><p>Latency of each request by the colo its client is in; triangles mark cold starts and failures (5xx or no answer), red lines faults.</p>\n");
        page.push_str(&chart(
            "requests",
            "latency (ms)",
            &requests,
            end_s,
            &faults,
        )?);
    }
    let kv = kv_series(out);
    if !kv.is_empty() {
        page.push_str("<h2>KV versions seen</h2><p>The version each KV read saw, by colo (0: not found); marked points were answered by the central store, the others by the colo's cache.</p>\n");
        page.push_str(&chart("kv", "version", &kv, end_s, &faults)?);
    }
    let objects = object_series(out);
    if !objects.is_empty() {
        page.push_str("<h2>Durable Object calls</h2><p>Round trip of each call, as its caller saw it, by calling colo (queueing behind the input gate shows as height); marked points failed.</p>\n");
        page.push_str(&chart(
            "objects",
            "round trip (ms)",
            &objects,
            end_s,
            &faults,
        )?);
    }
    page.push_str("<h2>Events</h2><table><tr><th>time</th><th>event</th></tr>\n");
    for (at_ms, text) in notable_events(out) {
        let _ = writeln!(
            page,
            "<tr><td>{:.3}s</td><td>{}</td></tr>",
            at_ms as f64 / 1000.0,
            escape(&text)
        );
    }
    page.push_str("</table></body></html>\n");
    Ok(page)
}

fn at_ms(e: &TraceEvent) -> Option<u64> {
    serde_json::to_value(e)
        .ok()?
        .get("at_ms")
        .and_then(serde_json::Value::as_u64)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn request_series(out: &RunOutput) -> Series {
    let mut series = Series::new();
    for r in &out.requests {
        let Some(latency) = r.latency_ms.or(r.status.is_none().then_some(0)) else {
            continue;
        };
        series.entry(r.colo.to_string()).or_default().push(Point {
            x: r.at_ms as f64 / 1000.0,
            y: latency as f64,
            marked: r.cold_start || r.status.is_none_or(|s| s >= 500),
        });
    }
    series
}

fn kv_series(out: &RunOutput) -> Series {
    let mut series = Series::new();
    for e in &out.trace.events {
        if let TraceEvent::Kv {
            at_ms,
            colo,
            op,
            version,
            source,
            ok: true,
            ..
        } = e
            && *op == KvCall::Get
        {
            series.entry(colo.clone()).or_default().push(Point {
                x: *at_ms as f64 / 1000.0,
                y: version.unwrap_or(0) as f64,
                marked: *source == KvSource::Central,
            });
        }
    }
    series
}

fn object_series(out: &RunOutput) -> Series {
    let mut calls: BTreeMap<u64, (u64, String)> = BTreeMap::new();
    let mut series = Series::new();
    for e in &out.trace.events {
        match e {
            TraceEvent::ObjectCall {
                at_ms, call, from, ..
            } => {
                calls.insert(*call, (*at_ms, from.clone()));
            }
            TraceEvent::ObjectReturn {
                at_ms, call, ok, ..
            } => {
                if let Some((sent, from)) = calls.remove(call) {
                    series.entry(from).or_default().push(Point {
                        x: sent as f64 / 1000.0,
                        y: at_ms.saturating_sub(sent) as f64,
                        marked: !ok,
                    });
                }
            }
            _ => {}
        }
    }
    series
}

/// Faults, cold starts, evictions, resets and lost messages, in time order.
fn notable_events(out: &RunOutput) -> Vec<(u64, String)> {
    let mut lost: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut events: Vec<(u64, String)> = Vec::new();
    for e in &out.trace.events {
        match e {
            TraceEvent::Fault { at_ms, fault } => events.push((*at_ms, format!("fault: {fault}"))),
            TraceEvent::ColdStart {
                at_ms,
                colo,
                worker,
                startup_cpu_used_ms,
            } => events.push((
                *at_ms,
                format!(
                    "cold start of {worker} at {colo} ({startup_cpu_used_ms:.3} ms startup CPU)"
                ),
            )),
            TraceEvent::ObjectReset {
                at_ms,
                object,
                reason,
                ..
            } => events.push((*at_ms, format!("object {object} reset: {reason}"))),
            TraceEvent::ObjectEvicted { at_ms, object, .. } => {
                events.push((*at_ms, format!("object {object} evicted (idle)")))
            }
            TraceEvent::ObjectHibernated { at_ms, object, .. } => {
                events.push((*at_ms, format!("object {object} hibernated")))
            }
            TraceEvent::MessageLost { from, to, .. } => {
                *lost.entry((from.clone(), to.clone())).or_default() += 1
            }
            _ => {}
        }
    }
    for ((from, to), n) in lost {
        events.push((
            0,
            format!("{n} message(s) from {from} to {to} lost in partitions"),
        ));
    }
    events.sort();
    events
}

/// One scatter chart as an SVG string.
fn chart(
    name: &'static str,
    y_label: &str,
    series: &Series,
    end_s: f64,
    faults: &[(f64, String)],
) -> Result<String, ReportError> {
    let fail = |e: &dyn std::fmt::Display| ReportError {
        chart: name,
        message: e.to_string(),
    };
    let y_max = series
        .values()
        .flatten()
        .map(|p| p.y)
        .fold(1.0f64, f64::max)
        * 1.1;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        draw(&root, y_label, series, end_s.max(1.0), y_max, faults).map_err(|e| fail(&e))?;
        root.present().map_err(|e| fail(&e))?;
    }
    Ok(svg + "\n")
}

fn draw(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    y_label: &str,
    series: &Series,
    end_s: f64,
    y_max: f64,
    faults: &[(f64, String)],
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    let mut chart = ChartBuilder::on(root)
        .margin(10)
        .x_label_area_size(32)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..end_s * 1.02, 0f64..y_max)?;
    chart
        .configure_mesh()
        .x_desc("simulated time (s)")
        .y_desc(y_label)
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    for (at_s, _) in faults {
        chart.draw_series(LineSeries::new(
            [(*at_s, 0.0), (*at_s, y_max)],
            FAULT.stroke_width(1),
        ))?;
    }
    for (i, (label, points)) in series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        chart
            .draw_series(
                points
                    .iter()
                    .filter(|p| !p.marked)
                    .map(|p| Circle::new((p.x, p.y), 3, color.filled())),
            )?
            .label(label.clone())
            .legend(move |(x, y)| Circle::new((x, y), 4, color.filled()));
        chart.draw_series(
            points
                .iter()
                .filter(|p| p.marked)
                .map(|p| TriangleMarker::new((p.x, p.y), 5, color.stroke_width(2))),
        )?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    Ok(())
}
