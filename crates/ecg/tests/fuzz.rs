//! Fuzzing the readers: random and mutated bytes, seeded from real files, through every
//! reader and then the QRS detector. Fails on a panic, on an input that takes longer
//! than [`SLOW`], and (through the counting allocator) on any allocation larger than
//! [`ALLOCATION_LIMIT`].
//!
//! `YIGONG_FUZZ_SECONDS` sets the duration (default 20, the short pass CI runs);
//! `YIGONG_FUZZ_SEED` replays a run. A failing input is written to
//! `target/fuzz-failures/`. The long run:
//! `YIGONG_FUZZ_SECONDS=600 cargo test --release -p yigong-ecg --test fuzz -- --nocapture`.

// The counting allocator below is the one unsafe code in the crate: it forwards to the
// system allocator and refuses sizes over the limit.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use yigong_ecg::{aecg, csv, dicom, qrs, read_upload, wfdb};
mod support;
use support::file;

/// No single allocation may exceed this, whatever the input says of its own size.
const ALLOCATION_LIMIT: usize = 256 << 20;
const SLOW: Duration = Duration::from_secs(2);

struct Counting;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        if layout.size() > ALLOCATION_LIMIT {
            // Refusing makes the process abort with the size it asked for; the seed
            // printed at the start replays it.
            return std::ptr::null_mut();
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        if new_size > ALLOCATION_LIMIT {
            return std::ptr::null_mut();
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// xorshift64*: deterministic for a seed, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The reader an input goes to.
#[derive(Clone, Copy, Debug)]
enum Target {
    Wfdb,
    Aecg,
    Dicom,
    Csv,
}

/// Seeds: real files, cut to a size that keeps each run fast. The WFDB seed is a header
/// and the shipped ten seconds of record 208 (format 212), also in format 16.
fn seeds() -> Vec<(Target, Vec<u8>)> {
    let dat = file("excerpts/208_00.dat");
    let ten_seconds = 3600 * 3;
    let frames_16: Vec<u8> = {
        let text = "208 2 360 3600\n208.dat 212 200 11 1024 0 0 0 MLII\n208.dat 212 200 11 1024 0 0 0 V1\n";
        let h = wfdb::parse_header(text).expect("test data");
        let r = wfdb::read(&h, &dat[..ten_seconds]).expect("test data");
        (0..r.len())
            .flat_map(|i| r.leads.iter().map(move |l| (l.samples[i] * 200.0) as i16))
            .flat_map(i16::to_le_bytes)
            .collect()
    };
    let wfdb_pair = |header: &str, signal: &[u8]| {
        // Header and signal travel as one input: header, a NUL, then the signal bytes.
        let mut v = header.as_bytes().to_vec();
        v.push(0);
        v.extend_from_slice(signal);
        v
    };
    let aecg = file("formats/hl7-aecg/liryc_hl7aecg_example.xml");
    let dicom = file("formats/dicom/pydicom_waveform_ecg.dcm");
    vec![
        (
            Target::Wfdb,
            wfdb_pair(
                "208 2 360 3600\r\n208.dat 212 200(0)/mV 11 1024 -14 0 0 MLII\r\n208.dat 212 200 11 1024 0 0 0 V1\r\n# 23 F\r\n",
                &dat[..ten_seconds],
            ),
        ),
        (
            Target::Wfdb,
            wfdb_pair(
                "208 2 360\n208.dat 16 200 16 0 0 0 0 II\n208.dat 16 200 16 0 0 0 0 V1\n",
                &frames_16,
            ),
        ),
        (Target::Aecg, aecg),
        (
            Target::Aecg,
            file("formats/hl7-aecg/fda_minimum_aecg.xml"),
        ),
        (Target::Dicom, dicom),
        (
            Target::Csv,
            b"time,I,II,V1 (uV)\n0,0.1,0.2,30\n0.002,0.15,0.3,-40\n0.004,1.2,1.9,500\n0.006,0.1,0.2,10\n"
                .to_vec(),
        ),
    ]
}

/// One mutation of `input`: flips, overwrites with interesting values, insertions,
/// deletions, duplications, splices from another seed, truncation.
fn mutate(rng: &mut Rng, input: &mut Vec<u8>, other: &[u8]) {
    const INTERESTING: [&[u8]; 12] = [
        b"\x00",
        b"\xff",
        b"\xff\xff\xff\xff",
        b"\x00\x00\x00\x80",
        b"\xff\xff\xff\x7f",
        b"-1",
        b"99999999999999999999",
        b"1e308",
        b"NaN",
        b"<",
        b"\xfe\xff\x00\xe0",
        b"\r\n",
    ];
    let n = input.len();
    match rng.below(8) {
        0 if n > 0 => {
            let at = rng.below(n);
            input[at] ^= 1 << rng.below(8);
        }
        1 if n > 0 => {
            let at = rng.below(n);
            input[at] = rng.next() as u8;
        }
        2 => {
            let value = INTERESTING[rng.below(INTERESTING.len())];
            let at = rng.below(n + 1);
            let end = (at + value.len()).min(n);
            input.splice(at..end, value.iter().copied());
        }
        3 => {
            let value = INTERESTING[rng.below(INTERESTING.len())];
            let at = rng.below(n + 1);
            input.splice(at..at, value.iter().copied());
        }
        4 if n > 0 => {
            let at = rng.below(n);
            let len = rng.below((n - at).min(256)) + 1;
            input.drain(at..at + len);
        }
        5 if n > 0 => {
            let at = rng.below(n);
            let len = rng.below((n - at).min(256)) + 1;
            let copy: Vec<u8> = input[at..at + len].to_vec();
            let to = rng.below(n + 1);
            input.splice(to..to, copy);
        }
        6 if !other.is_empty() => {
            let from = rng.below(other.len());
            let len = rng.below((other.len() - from).min(512)) + 1;
            let at = rng.below(n + 1);
            let end = (at + len).min(n);
            input.splice(at..end, other[from..from + len].iter().copied());
        }
        _ => input.truncate(rng.below(n + 1)),
    }
}

/// Runs one input through its reader, and the detector over what it read.
fn exercise(target: Target, input: &[u8]) {
    let read = match target {
        Target::Wfdb => {
            let split = input.iter().position(|b| *b == 0).unwrap_or(input.len());
            let (header, signal) = (&input[..split], &input[(split + 1).min(input.len())..]);
            let header = String::from_utf8_lossy(header);
            let files: [(&str, &[u8]); 2] = [("r.hea", header.as_bytes()), ("r.dat", signal)];
            read_upload(&files, None).map(|(_, r)| r)
        }
        Target::Aecg => aecg::read(input),
        Target::Dicom => dicom::read(input),
        Target::Csv => csv::read(
            input,
            if input.len().is_multiple_of(2) {
                Some(500.0)
            } else {
                None
            },
        ),
    };
    let direct = read_upload(&[("upload.bin", input)], Some(250.0));
    for recording in [read.ok(), direct.ok().map(|(_, r)| r)]
        .into_iter()
        .flatten()
    {
        if recording.check().is_ok() {
            for lead in recording.leads.iter().take(2) {
                let peaks = qrs::detect(&lead.samples, recording.fs);
                assert!(peaks.windows(2).all(|w| w[0] < w[1]), "peaks out of order");
                assert!(
                    peaks.iter().all(|p| *p < lead.samples.len()),
                    "peak past the end"
                );
            }
        }
    }
}

fn save(target: Target, input: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-failures");
    std::fs::create_dir_all(&dir).expect("failure folder");
    let path = dir.join(format!("{target:?}-{}.bin", input.len()));
    std::fs::write(&path, input).expect("save failing input");
    path
}

#[test]
fn readers_survive_random_and_mutated_bytes() {
    let seconds: u64 = std::env::var("YIGONG_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let seed: u64 = std::env::var("YIGONG_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        });
    println!("fuzzing for {seconds} s with YIGONG_FUZZ_SEED={seed}");
    let seeds = seeds();
    let mut rng = Rng(seed);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut runs = [0u64; 4];
    let mut slowest = Duration::ZERO;
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    while Instant::now() < deadline {
        let (target, input) = if rng.below(16) == 0 {
            // Pure noise, to any reader.
            let len = rng.below(4096);
            let target = [Target::Wfdb, Target::Aecg, Target::Dicom, Target::Csv][rng.below(4)];
            (target, (0..len).map(|_| rng.next() as u8).collect())
        } else {
            let (target, seed_bytes) = &seeds[rng.below(seeds.len())];
            let mut input = seed_bytes.clone();
            let other = &seeds[rng.below(seeds.len())].1;
            for _ in 0..=rng.below(8) {
                mutate(&mut rng, &mut input, other);
            }
            (*target, input)
        };
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| exercise(target, &input)));
        let took = started.elapsed();
        slowest = slowest.max(took);
        if outcome.is_err() || took > SLOW {
            std::panic::set_hook(quiet);
            let path = save(target, &input);
            // Replay outside catch_unwind so the panic message shows.
            exercise(target, &input);
            panic!(
                "{target:?} input took {took:?}; saved to {}",
                path.display()
            );
        }
        runs[target as usize] += 1;
    }
    std::panic::set_hook(quiet);
    println!(
        "inputs: WFDB {}, aECG {}, DICOM {}, CSV {}; slowest {:.1} ms; largest allocation {} KiB",
        runs[0],
        runs[1],
        runs[2],
        runs[3],
        slowest.as_secs_f64() * 1000.0,
        LARGEST.load(Ordering::Relaxed) >> 10
    );
    assert!(runs.iter().all(|n| *n > 0), "every reader was exercised");
}
