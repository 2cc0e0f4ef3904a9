//! ECG as a table of numbers: a header row naming the leads, then one row per sample
//! instant. Comma, semicolon or tab separated; `#` lines are comments. Values are in
//! millivolts unless a column says `(uV)` or `(µV)`. A first column named `time`, `t`,
//! `time_s`, `seconds` or `time_ms` is the time axis: it gives the sampling rate when
//! none is declared, and is otherwise ignored.
//!
//! [`write`] produces the same layout, so that a recording can leave as CSV and come back.

use crate::{FormatError, Lead, MAX_SAMPLES_PER_LEAD, Recording, leads};

fn bad(msg: impl Into<String>) -> FormatError {
    FormatError::Header(msg.into())
}

/// How a time column counts.
fn time_unit(name: &str) -> Option<f64> {
    match name.trim().to_ascii_lowercase().as_str() {
        "time" | "t" | "time_s" | "time (s)" | "seconds" | "sec" | "s" => Some(1.0),
        "time_ms" | "time (ms)" | "ms" => Some(0.001),
        _ => None,
    }
}

/// A column name and its unit: `V1 (uV)` → (`V1`, 0.001 mV per unit).
fn column(name: &str) -> Result<(String, f64), FormatError> {
    let name = name.trim().trim_matches('"');
    let (lead, unit) = match name.find(['(', '[']) {
        Some(open) => (
            name[..open].trim(),
            name[open + 1..].trim_end_matches([')', ']']).trim(),
        ),
        None => (name, "mV"),
    };
    let per_mv = match unit {
        "mV" | "mv" => 1.0,
        "uV" | "uv" | "µV" | "μV" => 0.001,
        "V" => 1000.0,
        other => {
            return Err(FormatError::Unsupported(format!(
                "unit '{other}' of column {lead}"
            )));
        }
    };
    if lead.is_empty() {
        return Err(bad("a column has no name"));
    }
    Ok((leads::standard_name(lead), per_mv))
}

/// Reads a CSV recording; `fs` is the declared sampling rate (needed unless the table
/// has a time column).
pub fn read(bytes: &[u8], fs: Option<f64>) -> Result<Recording, FormatError> {
    let text = std::str::from_utf8(bytes).map_err(|_| bad("the table is not UTF-8 text"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(n, l)| (n + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));
    let (_, header) = lines.next().ok_or_else(|| bad("the table is empty"))?;
    let separator = [',', ';', '\t']
        .into_iter()
        .max_by_key(|s| header.matches(*s).count())
        .expect("three separators");
    let names: Vec<&str> = header.split(separator).collect();
    if names.iter().all(|n| n.trim().parse::<f64>().is_ok()) {
        return Err(bad("the first row must name the leads (I, II, V1, …)"));
    }
    let time = time_unit(names[0]);
    let first_lead = usize::from(time.is_some());
    let columns = names[first_lead..]
        .iter()
        .map(|n| column(n))
        .collect::<Result<Vec<_>, _>>()?;
    if columns.is_empty() {
        return Err(bad("the table has no lead column"));
    }
    if columns.len() > 64 {
        return Err(bad(format!("{} lead columns (at most 64)", columns.len())));
    }
    let mut samples: Vec<Vec<f32>> = vec![Vec::new(); columns.len()];
    let mut times: Vec<f64> = Vec::new();
    for (number, line) in lines {
        let cells: Vec<&str> = line.split(separator).collect();
        if cells.len() != names.len() {
            return Err(FormatError::Data(format!(
                "line {number} has {} values, the header names {}",
                cells.len(),
                names.len()
            )));
        }
        let value = |cell: &str| -> Result<f64, FormatError> {
            cell.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    FormatError::Data(format!(
                        "line {number}: '{}' is not a number",
                        cell.chars().take(20).collect::<String>()
                    ))
                })
        };
        if let Some(unit) = time {
            times.push(value(cells[0])? * unit);
        }
        if samples[0].len() >= MAX_SAMPLES_PER_LEAD {
            return Err(FormatError::Data("the recording is too long".into()));
        }
        for (k, cell) in cells[first_lead..].iter().enumerate() {
            samples[k].push((value(cell)? * columns[k].1) as f32);
        }
    }
    if samples[0].len() < 2 {
        return Err(FormatError::Data(
            "the table has fewer than two samples".into(),
        ));
    }
    let fs = match fs {
        Some(fs) => fs,
        None if times.len() >= 2 => {
            let span = times[times.len() - 1] - times[0];
            (times.len() - 1) as f64 / span
        }
        None => {
            return Err(bad(
                "no sampling rate: declare it, or give a first column 'time' in seconds",
            ));
        }
    };
    if !(fs.is_finite() && fs > 0.0 && fs <= 100_000.0) {
        return Err(bad(format!("sampling rate {fs} Hz")));
    }
    let leads = columns
        .into_iter()
        .zip(samples)
        .map(|((name, _), samples)| Lead { name, samples })
        .collect();
    Ok(Recording { fs, leads })
}

/// Writes a recording as CSV (a time column in seconds, then each lead in mV).
pub fn write(r: &Recording) -> String {
    let mut out = String::from("time");
    for lead in &r.leads {
        out.push(',');
        out.push_str(&lead.name);
    }
    out.push('\n');
    for i in 0..r.len() {
        out.push_str(&format!("{:.9}", i as f64 / r.fs));
        for lead in &r.leads {
            out.push_str(&format!(",{}", lead.samples[i]));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_leads_units_and_the_rate_from_the_time_column() {
        let t = "# exported\ntime;I;V1 (uV)\n0.000;0.5;100\n0.002;0.25;-200\n0.004;0;0\n";
        let r = read(t.as_bytes(), None).expect("test data");
        assert!((r.fs - 500.0).abs() < 1e-9);
        assert_eq!(r.leads[0].name, "I");
        assert_eq!(r.leads[1].samples, vec![0.1, -0.2, 0.0]);
        let declared = read(b"II\n1\n2\n3\n", Some(250.0)).expect("test data");
        assert_eq!(declared.fs, 250.0);
        assert_eq!(declared.leads[0].samples, vec![1.0, 2.0, 3.0]);
    }

    #[test]
    fn says_what_is_wrong() {
        let err = |t: &str, fs| read(t.as_bytes(), fs).expect_err("refused").to_string();
        assert!(err("II\n1\n2\n", None).contains("sampling rate"));
        assert!(err("1,2\n3,4\n", Some(500.0)).contains("name the leads"));
        assert!(err("I,II\n1,2\n3\n", Some(500.0)).contains("line 3"));
        assert!(err("I,II\n1,2\n3,x\n", Some(500.0)).contains("'x'"));
        assert!(err("I (furlong)\n1\n2\n", Some(500.0)).contains("furlong"));
        assert!(err("", Some(500.0)).contains("empty"));
    }

    #[test]
    fn what_is_written_reads_back() {
        let r = Recording {
            fs: 360.0,
            leads: vec![
                Lead {
                    name: "II".into(),
                    samples: vec![0.125, -1.5, 2.0],
                },
                Lead {
                    name: "V5".into(),
                    samples: vec![0.0, 0.3, -0.7],
                },
            ],
        };
        let back = read(write(&r).as_bytes(), None).expect("test data");
        assert!((back.fs - 360.0).abs() < 0.01);
        assert_eq!(back.leads, r.leads);
    }
}
