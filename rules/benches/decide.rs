//! Benchmark of `decide` with 200 live campaigns and 90 days of usage (run by `cargo xtask bench`).

// A benchmark measures wall time and prints it; the pure library itself never does either.
#![allow(clippy::disallowed_methods, clippy::print_stdout)]

use std::hint::black_box;
use std::time::Instant;

use rules::*;

fn catalog(n: usize) -> Catalog {
    let campaigns = (0..n)
        .map(|i| Campaign {
            priority: (i % 17) as u32,
            category: Category::ALL[i % 7],
            recurrence: if i % 2 == 0 {
                Recurrence::Once
            } else {
                Recurrence::UntilDismissed
            },
            ..Campaign::new(
                CampaignId::new(&format!("campaign-{i}")).expect("valid id"),
                if i % 3 == 0 {
                    Surface::Modal
                } else {
                    Surface::Banner
                },
                Condition::All(vec![
                    Condition::Compare {
                        left: Operand::Usage {
                            feature: format!("feature_{}", i % 20),
                            scope: if i % 2 == 0 {
                                Scope::Account
                            } else {
                                Scope::User
                            },
                            window: Window::LastDays(28),
                        },
                        op: CmpOp::Gte,
                        right: Operand::Literal(Value::Number((i % 7) as f64)),
                    },
                    Condition::Not(Box::new(Condition::Compare {
                        left: Operand::AccountTrait("plan".into()),
                        op: CmpOp::Eq,
                        right: Operand::Literal(Value::Text("enterprise".into())),
                    })),
                ]),
            )
        })
        .collect();
    Catalog {
        campaigns,
        ..Catalog::default()
    }
}

fn main() {
    let now = Timestamp(1_773_576_000_000);
    let cat = catalog(200);
    let mut facts = Facts::default();
    facts
        .account_traits
        .insert("plan".into(), Value::Text("starter".into()));
    for d in 0..90 {
        let day = now.plus_days(-d).day();
        for f in 0..20 {
            facts
                .account_usage
                .add(&format!("feature_{f}"), day, (d as u32 + f) % 5);
            facts
                .user_usage
                .add(&format!("feature_{f}"), day, (d as u32 + f) % 3);
        }
    }
    let mut history = History::default();
    for c in cat.campaigns.iter().step_by(9) {
        history.record(&c.id, Outcome::Shown, now.plus_days(-3));
    }
    let mut samples: Vec<f64> = (0..2000)
        .map(|_| {
            let t = Instant::now();
            black_box(decide(
                black_box(&cat),
                black_box(&facts),
                black_box(&history),
                now,
            ));
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    let pct = |p: f64| samples[((samples.len() - 1) as f64 * p) as usize];
    println!(
        "decide, 200 campaigns, 90 days of usage: median {:.1} µs, p99 {:.1} µs ({} runs)",
        pct(0.5),
        pct(0.99),
        samples.len()
    );
}
