//! `report.html` in a real headless browser (Debian's `chromium`; `.ci/run`
//! installs it): the pages of `run` and `compare` load without console messages
//! or errors, need no network resource, and render to a screenshot with content.
//! Without `/usr/bin/chromium` the tests print a notice and pass.

use outpace::report::files;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The browser the tests drive.
const CHROMIUM: &str = "/usr/bin/chromium";

/// The screenshot's size: a desktop width, tall enough for the first sections.
const WINDOW: &str = "--window-size=1200,2000";

/// Smallest share of the screenshot's pixels that differ from its background.
const MIN_INK: f64 = 0.05;

/// Fewest distinct colours in the screenshot: text, bands and curves.
const MIN_COLOURS: usize = 50;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("outpace-browser-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whether the browser is installed; if not, says so on stderr.
fn have_chromium(test: &str) -> bool {
    let present = Path::new(CHROMIUM).is_file();
    if !present {
        eprintln!("NOTICE: {test} skipped: {CHROMIUM} is absent (apt-get install chromium)");
    }
    present
}

/// Runs `outpace` with `args` and `--out dir/report`, returning the page.
fn report_page(dir: &Path, args: &[&str]) -> PathBuf {
    let out = dir.join("report");
    let output = Command::new(env!("CARGO_BIN_EXE_outpace"))
        .args(args)
        .args(["--paths", "2000", "-q", "--out"])
        .arg(&out)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out.join(files::REPORT_HTML)
}

/// What the browser made of a page: its log on stderr and the screenshot.
struct Rendered {
    log: String,
    screenshot: Vec<u8>,
}

/// Loads `page` in headless chromium, logging to stderr, and takes a screenshot.
fn render(page: &Path, dir: &Path) -> Rendered {
    let shot = dir.join(format!(
        "{}.png",
        page.file_stem().unwrap().to_string_lossy()
    ));
    let output = Command::new(CHROMIUM)
        .args(["--headless", "--no-sandbox", "--disable-gpu", WINDOW])
        .args(["--enable-logging=stderr", "--v=0", "--hide-scrollbars"])
        // A page that asked for a network resource would fail to load it.
        .arg("--host-resolver-rules=MAP * ~NOTFOUND")
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "chromium failed: {log}");
    let screenshot = fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot ({e}): {log}"));
    Rendered { log, screenshot }
}

/// The lines of the browser's log that report the page's console messages,
/// script errors or failed loads.
fn page_problems(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| {
            l.contains("CONSOLE")
                || l.contains("Uncaught")
                || l.contains("Failed to load resource")
                || l.contains("net::ERR_")
        })
        .collect()
}

/// The share of pixels that differ from the most common colour, and the number of
/// distinct colours, of an RGB(A) PNG.
fn ink(png_bytes: &[u8]) -> (f64, usize) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buffer = vec![0; reader.output_buffer_size().expect("a sane size")];
    let frame = reader.next_frame(&mut buffer).expect("a frame");
    let channels = frame.color_type.samples();
    let pixels = &buffer[..frame.buffer_size()];
    let mut counts = std::collections::HashMap::<&[u8], usize>::new();
    for pixel in pixels.chunks_exact(channels) {
        *counts.entry(pixel).or_default() += 1;
    }
    let total = pixels.len() / channels;
    let background = counts.values().copied().max().unwrap_or(0);
    ((total - background) as f64 / total as f64, counts.len())
}

/// A page that loads cleanly and renders content.
fn assert_clean_and_drawn(rendered: &Rendered, what: &str) {
    let problems = page_problems(&rendered.log);
    assert!(problems.is_empty(), "{what}: {problems:#?}");
    let (share, colours) = ink(&rendered.screenshot);
    assert!(
        share >= MIN_INK && colours >= MIN_COLOURS,
        "{what}: the screenshot looks blank ({:.1}% ink, {colours} colours)",
        100.0 * share
    );
}

/// The page refers to no resource outside itself: every `src` and `href` is a
/// fragment (`#...`), and no URL other than the SVG namespace appears.
fn assert_self_contained(page: &Path) {
    let html = fs::read_to_string(page).unwrap();
    for attribute in ["src=\"", "href=\"", "url("] {
        for (at, _) in html.match_indices(attribute) {
            let rest = &html[at + attribute.len()..];
            assert!(
                rest.starts_with('#') || rest.starts_with("'#"),
                "{} refers outside itself: {}",
                page.display(),
                &rest[..rest.len().min(60)]
            );
        }
    }
    let urls = html.matches("http").count();
    let namespaces = html.matches("http://www.w3.org/2000/svg").count();
    assert_eq!(urls, namespaces, "only the SVG namespace is a URL");
    assert!(!html.contains("<script"), "the report needs no script");
    assert!(html.contains("<svg"), "charts are inline");
}

#[test]
fn the_checks_catch_a_broken_page_and_a_blank_one() {
    // Power of the checks below, on this browser: a page with a script error,
    // a console message and a missing image is caught; a blank page is blank.
    if !have_chromium("the_checks_catch_a_broken_page_and_a_blank_one") {
        return;
    }
    let dir = scratch("power");
    let broken = dir.join("broken.html");
    fs::write(
        &broken,
        "<html><body><p>text</p><img src=\"missing.png\">\
         <script>console.log('hello'); undefined_function();</script></body></html>",
    )
    .unwrap();
    let rendered = render(&broken, &dir);
    let problems = page_problems(&rendered.log);
    assert!(
        problems.iter().any(|l| l.contains("Uncaught")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|l| l.contains("hello")),
        "{problems:#?}"
    );
    let blank = dir.join("blank.html");
    fs::write(&blank, "<html><body></body></html>").unwrap();
    let (share, colours) = ink(&render(&blank, &dir).screenshot);
    assert!(
        share < MIN_INK && colours < MIN_COLOURS,
        "{share} {colours}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_run_report_loads_cleanly_and_renders() {
    if !have_chromium("the_run_report_loads_cleanly_and_renders") {
        return;
    }
    let dir = scratch("run");
    let page = report_page(&dir, &["run", "--preset", "alibaba"]);
    assert_self_contained(&page);
    assert_clean_and_drawn(&render(&page, &dir), "run report.html");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_comparison_report_loads_cleanly_and_renders() {
    if !have_chromium("the_comparison_report_loads_cleanly_and_renders") {
        return;
    }
    let dir = scratch("compare");
    let page = report_page(
        &dir,
        &[
            "compare",
            "--preset",
            "alibaba",
            "preset:chip_ban",
            "preset:price_war",
        ],
    );
    assert_self_contained(&page);
    assert_clean_and_drawn(&render(&page, &dir), "compare report.html");
    fs::remove_dir_all(&dir).unwrap();
}
