//! Number formatting shared by the text, HTML and SVG reports, so that a number
//! reads the same in all of them.

use crate::stats::Interval;

/// `text` with the five XML special characters escaped, for SVG and HTML.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The quantile levels every fan chart draws, in text, SVG and HTML alike: the
/// outer band P10-P90, the inner band P25-P75 and the median.
pub(crate) const FAN_BANDS: [f64; 5] = [0.1, 0.25, 0.5, 0.75, 0.9];

/// The outer band of [`FAN_BANDS`], `(P10, P90)`.
pub(crate) const OUTER_BAND: (f64, f64) = (FAN_BANDS[0], FAN_BANDS[4]);

/// Decimals that show about three significant digits of numbers up to `scale`
/// in magnitude: none from 100 on.
pub(crate) fn decimals(scale: f64) -> usize {
    match scale.abs() {
        s if s >= 100.0 || !s.is_finite() => 0,
        s if s >= 10.0 => 1,
        s if s >= 1.0 => 2,
        _ => 3,
    }
}

/// A probability as a percentage with one decimal: `0.1234` as `12.3%`.
pub(crate) fn percent(p: f64) -> String {
    format!("{:.1}%", 100.0 * p)
}

/// A probability interval in percent: `12.3% [11.8, 12.9]`.
pub(crate) fn interval_percent(i: &Interval) -> String {
    format!(
        "{} [{:.1}, {:.1}]",
        percent(i.estimate),
        100.0 * i.lower,
        100.0 * i.upper
    )
}

// Only the charts and the HTML report use it.
#[cfg(feature = "svg")]
/// A difference of probabilities in percentage points with its interval:
/// `-11.7 pp [-12.1, -11.2]`.
pub(crate) fn interval_points(i: &Interval) -> String {
    format!(
        "{:+.1} pp [{:+.1}, {:+.1}]",
        100.0 * i.estimate,
        100.0 * i.lower,
        100.0 * i.upper
    )
}

// Only the charts and the HTML report use it.
#[cfg(feature = "svg")]
/// `x` with the decimals that suit numbers of magnitude `scale`.
pub(crate) fn number(x: f64, scale: f64) -> String {
    format!("{x:.d$}", d = decimals(scale))
}

// Only the charts and the HTML report use it.
#[cfg(feature = "svg")]
/// `x` rounded to `digits` significant digits, without trailing zeros:
/// `0.9166667` as `0.9167`, `1.0` as `1`.
pub(crate) fn significant(x: f64, digits: i32) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let d = (digits - 1 - x.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{x:.d$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// `free_cash_flow` as `Free cash flow`.
pub(crate) fn capitalised(name: &str) -> String {
    let text = name.replace('_', " ");
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

// Only the charts and the HTML report use it.
#[cfg(feature = "svg")]
/// A note as a sentence: capitalised, with a final full stop.
pub(crate) fn sentence(text: &str) -> String {
    let text = text.trim();
    let mut out = {
        let mut chars = text.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_uppercase().chain(chars).collect::<String>()
        })
    };
    if !out.is_empty() && !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_alike() {
        assert_eq!(decimals(577.6), 0);
        assert_eq!(decimals(-12.0), 1);
        assert_eq!(number(-0.12345, 0.5), "-0.123");
        assert_eq!(percent(0.1234), "12.3%");
        let i = Interval {
            estimate: -0.117,
            lower: -0.121,
            upper: -0.112,
        };
        assert_eq!(interval_points(&i), "-11.7 pp [-12.1, -11.2]");
        assert_eq!(capitalised("free_cash_flow"), "Free cash flow");
        assert_eq!(
            sentence("spending is opex plus capex"),
            "Spending is opex plus capex."
        );
        assert_eq!(sentence("Done!"), "Done!");
        assert_eq!(sentence(""), "");
        assert_eq!(significant(0.916_666_7, 4), "0.9167");
        assert_eq!(significant(1.0, 4), "1");
        assert_eq!(significant(-1234.5678, 4), "-1235");
        assert_eq!(significant(0.000_123_45, 2), "0.00012");
    }
}
