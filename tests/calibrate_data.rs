//! The CSV readers on the shipped data and on bad files: every bad file gets an
//! error naming the file, the line and the column.

use outpace::calibrate::{
    DAYS_PER_YEAR, Date, Direction, EventLog, Observations, Precision, Quarter, QuarterlySeries,
    RivalSpec, SameDate, fit_gbm, fit_rival_hawkes,
};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data");

fn quarterly(text: &str, columns: &[&str]) -> String {
    QuarterlySeries::parse("q.csv", text, columns)
        .unwrap_err()
        .to_string()
}

fn events(text: &str) -> String {
    EventLog::parse("e.csv", text).unwrap_err().to_string()
}

#[track_caller]
fn assert_names(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "`{part}` missing from: {message}");
    }
}

#[test]
fn shipped_quarterly_series_reads_as_documented() {
    let path = format!("{DATA}/alibaba_quarterly.csv");
    let columns = [
        "cloud_revenue",
        "cloud_revenue_yoy",
        "cloud_adj_ebita_margin",
        "group_capex",
        "derived",
    ];
    let series = QuarterlySeries::read(&path, &columns).unwrap();
    let q = |s: &str| s.parse::<Quarter>().unwrap();
    assert_eq!(series.quarters().len(), 12);
    assert_eq!(series.quarters()[0], q("2023Q1"));
    assert_eq!(series.quarters()[11], q("2026Q1"));
    // 2023Q3 has no row; 2024Q1's growth is an empty cell.
    assert!(!series.quarters().contains(&q("2023Q3")));
    assert_eq!(series.value(q("2024Q1"), "cloud_revenue_yoy"), None);
    assert_eq!(series.value(q("2025Q4"), "cloud_revenue"), Some(43.3));
    assert_eq!(series.value(q("2025Q4"), "derived"), Some(1.0));
    let revenue = series.column("cloud_revenue").unwrap();
    assert_eq!(revenue.len(), 12);
    assert_eq!(series.column("group_capex").unwrap().len(), 6);
    // The fiscal year to March 2026 (2025Q2..2026Q1) adds up to 158.132 within the
    // rounding of the derived 2025Q4.
    let fy: f64 = ["2025Q2", "2025Q3", "2025Q4", "2026Q1"]
        .iter()
        .map(|s| series.value(q(s), "cloud_revenue").unwrap())
        .sum();
    assert!((fy - 158.132).abs() < 0.02, "{fy}");
    // A half-year step across the missing quarter.
    let window = series
        .between(Some(q("2023Q2")), None)
        .column("cloud_revenue")
        .unwrap();
    assert_eq!(window.times()[1] - window.times()[0], 0.5);
    let fitted = fit_gbm(&window).unwrap();
    assert!(
        fitted
            .data()
            .contains("column `cloud_revenue`, 2023.25 to 2026 (11 levels)"),
        "{}",
        fitted.data()
    );
    // The text column is ignored unless asked for as a number.
    let err = QuarterlySeries::read(&path, &["source"])
        .unwrap_err()
        .to_string();
    assert_names(
        &err,
        &[
            "alibaba_quarterly.csv",
            "line 5",
            "column `source`",
            "not a finite number",
        ],
    );
}

#[test]
fn shipped_price_moves_read_as_documented() {
    let log = EventLog::read(format!("{DATA}/price_moves.csv")).unwrap();
    assert_eq!(log.records().len(), 19);
    assert_eq!(log.cuts().count(), 15);
    assert_eq!(
        log.records()
            .iter()
            .filter(|r| r.direction == Direction::Raise)
            .count(),
        4
    );
    assert_eq!(log.cut_sizes().len(), 12);
    // Alibaba 2024-02-29: average 20%, up to 55%: the midpoint 0.375.
    let feb = &log.records()[3];
    assert_eq!((feb.firm.as_str(), feb.size), ("Alibaba", Some(0.375)));
    let sept = log
        .records()
        .iter()
        .find(|r| r.date == "2024-09-01".parse().unwrap())
        .unwrap();
    assert_eq!(sept.precision, Precision::Month);

    let (start, end): (Date, Date) = ("2023-01-01".parse().unwrap(), "2026-05-01".parse().unwrap());
    let simultaneous = log
        .rival_events(start, end, SameDate::Simultaneous)
        .unwrap();
    let spread = log.rival_events(start, end, SameDate::Spread).unwrap();
    assert_eq!(simultaneous.len(), 15);
    assert_eq!(
        simultaneous.firms(),
        [
            "Alibaba",
            "Tencent",
            "China Mobile",
            "JD Cloud",
            "ByteDance",
            "Baidu",
            "DeepSeek"
        ]
    );
    assert_eq!(simultaneous.counts(), vec![6, 3, 1, 1, 1, 1, 2]);
    assert!((simultaneous.horizon() - 1216.0 / DAYS_PER_YEAR).abs() < 1e-12);
    // Three dates with two cuts: tied under one rule, a third of a day apart under
    // the other; a single cut sits at midday under both.
    let ties = |e: &outpace::calibrate::RivalEvents| {
        e.events()
            .windows(2)
            .filter(|w| w[0].time == w[1].time)
            .count()
    };
    assert_eq!((ties(&simultaneous), ties(&spread)), (3, 0));
    let day = 1.0 / DAYS_PER_YEAR;
    let first = 115.5 * day; // 2023-04-26 at midday
    assert!((simultaneous.events()[0].time - first).abs() < 1e-12);
    assert_eq!(simultaneous.events()[0].time, spread.events()[0].time);
    let (a, b) = (spread.events()[1].time, spread.events()[2].time);
    assert!(((b - a) / day - 1.0 / 3.0).abs() < 1e-9);
    // The month-only 2024-09 cut sits in the middle of September (day 1 + 15).
    let sep = Date::new(2024, 9, 1).unwrap().days_since(start) as f64 + 15.0;
    assert!(
        simultaneous
            .events()
            .iter()
            .any(|e| (e.time - sep * day).abs() < 1e-12)
    );
    // The rule changes the estimates (see docs/calibration.md).
    let d1 = fit_rival_hawkes(&simultaneous, RivalSpec::SHARED)
        .unwrap()
        .fit()
        .value("decay");
    let d2 = fit_rival_hawkes(&spread, RivalSpec::SHARED)
        .unwrap()
        .fit()
        .value("decay");
    assert!(d2 > 2.0 * d1, "decay {d1} vs {d2}");
}

#[test]
fn dates_count_days_in_the_gregorian_calendar() {
    let d = |s: &str| s.parse::<Date>().unwrap();
    assert_eq!(d("1970-01-02").days_since(d("1970-01-01")), 1);
    assert_eq!(d("2024-01-01").days_since(d("2023-01-01")), 365);
    assert_eq!(d("2025-01-01").days_since(d("2024-01-01")), 366);
    assert_eq!(d("2000-03-01").days_since(d("2000-02-28")), 2); // 2000 is a leap year
    assert_eq!(d("1900-03-01").days_since(d("1900-02-28")), 1); // 1900 is not
    assert_eq!(d("2026-05-01").days_since(d("2023-01-01")), 1216);
    assert_eq!(d("1969-12-31").days_since(d("1970-01-01")), -1);
    for bad in [
        "2023-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024-1-05",
        "24-01-05",
        "2024/01/05",
        "",
    ] {
        assert!(bad.parse::<Date>().is_err(), "{bad}");
    }
    assert_eq!(d("2024-02-29").to_string(), "2024-02-29");
}

#[test]
fn bad_quarterly_files_name_file_line_and_column() {
    let header = "# a comment\nquarter,revenue,capex\n";
    let with = |rows: &str| format!("{header}{rows}");
    // Missing column.
    let err = quarterly(&with("2024Q1,1,2\n"), &["revenue", "margin"]);
    assert_names(
        &err,
        &["`q.csv`", "no column `margin`", "quarter, revenue, capex"],
    );
    let err = quarterly("revenue\n1\n", &["revenue"]);
    assert_names(&err, &["`q.csv`", "no column `quarter`"]);
    // Non-numeric cell: line 4 (comment and header are lines 1 and 2).
    let err = quarterly(&with("2024Q1,1,2\n2024Q2,n/a,3\n"), &["revenue"]);
    assert_names(
        &err,
        &[
            "`q.csv` line 4, column `revenue`",
            "`n/a` is not a finite number",
        ],
    );
    let err = quarterly(&with("2024Q1,inf,2\n"), &["revenue"]);
    assert_names(&err, &["line 3, column `revenue`"]);
    // Unsorted and duplicate quarters.
    let err = quarterly(&with("2024Q2,1,2\n2024Q1,1,2\n"), &["revenue"]);
    assert_names(
        &err,
        &["line 4, column `quarter`", "2024Q1 comes after 2024Q2"],
    );
    let err = quarterly(&with("2024Q1,1,2\n2024Q1,1,2\n"), &["revenue"]);
    assert_names(&err, &["line 4, column `quarter`", "2024Q1 appears twice"]);
    // Malformed quarter.
    let err = quarterly(&with("2024-Q1,1,2\n"), &["revenue"]);
    assert_names(&err, &["line 3, column `quarter`", "YYYYQn"]);
    let err = quarterly(&with("2024Q5,1,2\n"), &["revenue"]);
    assert_names(&err, &["line 3, column `quarter`"]);
    // A row with too few cells.
    let err = quarterly(&with("2024Q1,1,2\n2024Q2,1\n"), &["revenue"]);
    assert_names(
        &err,
        &["`q.csv`", "line 4", "2 cells where the header has 3"],
    );
    // No rows.
    assert_names(&quarterly(header, &["revenue"]), &["no rows"]);
    // A file that does not exist.
    let err = QuarterlySeries::read("/nonexistent/q.csv", &["revenue"])
        .unwrap_err()
        .to_string();
    assert_names(&err, &["`/nonexistent/q.csv`", "cannot be read"]);
}

#[test]
fn too_few_points_and_bad_values_name_file_and_column() {
    let text = "quarter,revenue\n2024Q1,10\n2024Q2,\n2024Q3,11\n";
    let series = QuarterlySeries::parse("few.csv", text, &["revenue"]).unwrap();
    let err = fit_gbm(&series.column("revenue").unwrap())
        .unwrap_err()
        .to_string();
    assert_names(
        &err,
        &[
            "`few.csv` column `revenue`",
            "2 observed values (lines 2-4)",
            "at least 3",
        ],
    );
    let text = "quarter,revenue\n2024Q1,10\n2024Q2,12\n2024Q3,0\n2024Q4,11\n";
    let series = QuarterlySeries::parse("zero.csv", text, &["revenue"]).unwrap();
    let err = fit_gbm(&series.column("revenue").unwrap())
        .unwrap_err()
        .to_string();
    assert_names(
        &err,
        &["`zero.csv` line 4, column `revenue`", "level 0 must be > 0"],
    );
    let err = fit_gbm(&Observations::regular("levels", 0.25, &[1.0, -1.0, 2.0]).unwrap())
        .unwrap_err()
        .to_string();
    assert_names(&err, &["`levels[1]`", "must be > 0"]);
}

#[test]
fn bad_event_files_name_file_line_and_column() {
    let header = "date,firm,direction,precision,size\n";
    let with = |rows: &str| format!("{header}{rows}");
    assert_names(&events("firm\nA\n"), &["`e.csv`", "no column `date`"]);
    assert_names(
        &events("date\n2024-01-01\n"),
        &["`e.csv`", "no column `firm`"],
    );
    let err = events(&with(
        "2024-01-05,A,cut,day,0.2\n2024-01-04,B,cut,day,0.3\n",
    ));
    assert_names(
        &err,
        &["`e.csv` line 3, column `date`", "dates must not decrease"],
    );
    let err = events(&with("2024-02-30,A,cut,day,0.2\n"));
    assert_names(&err, &["line 2, column `date`", "must be 1 to 29"]);
    let err = events(&with("2024-01-05,A,lower,day,0.2\n"));
    assert_names(
        &err,
        &[
            "line 2, column `direction`",
            "`lower` must be `cut` or `raise`",
        ],
    );
    let err = events(&with("2024-01-05,A,cut,week,0.2\n"));
    assert_names(&err, &["line 2, column `precision`", "`day` or `month`"]);
    let err = events(&with("2024-01-05,A,cut,day,big\n"));
    assert_names(&err, &["line 2, column `size`", "not a finite number"]);
    let err = events(&with("2024-01-05,A,cut,day,-0.2\n"));
    assert_names(&err, &["line 2, column `size`", "must be > 0"]);
    let err = events(&with("2024-01-05,,cut,day,0.2\n"));
    assert_names(&err, &["line 2, column `firm`", "every event needs a firm"]);
    let err = events("date,firm,size,size_low\n2024-01-05,A,1,1\n");
    assert_names(&err, &["`e.csv`", "both `size` and `size_low`"]);
    // A window without cuts, and a reversed window.
    let log = EventLog::parse("e.csv", &with("2024-01-05,A,raise,day,0.2\n")).unwrap();
    let (a, b): (Date, Date) = ("2024-01-01".parse().unwrap(), "2025-01-01".parse().unwrap());
    let err = log
        .rival_events(a, b, SameDate::Simultaneous)
        .unwrap_err()
        .to_string();
    assert_names(&err, &["`e.csv`", "no cut dated from 2024-01-01"]);
    let err = log
        .rival_events(b, a, SameDate::Simultaneous)
        .unwrap_err()
        .to_string();
    assert_names(&err, &["must be after its start"]);
}

#[test]
fn a_minimal_event_file_needs_only_date_and_firm() {
    // Every cut by default, day precision, no size.
    let log = EventLog::parse(
        "e.csv",
        "date,firm\n2024-01-05,A\n2024-01-05,B\n2024-03-01,A\n",
    )
    .unwrap();
    assert!(
        log.records()
            .iter()
            .all(|r| r.direction == Direction::Cut && r.size.is_none())
    );
    let (a, b): (Date, Date) = ("2024-01-01".parse().unwrap(), "2024-04-01".parse().unwrap());
    let events = log.rival_events(a, b, SameDate::Spread).unwrap();
    assert_eq!(events.counts(), vec![2, 1]);
    // Events after the window are left out; the horizon is the window.
    let short = log
        .rival_events(a, "2024-02-01".parse().unwrap(), SameDate::Spread)
        .unwrap();
    assert_eq!(short.len(), 2);
    assert!((short.horizon() - 31.0 / DAYS_PER_YEAR).abs() < 1e-15);
}
